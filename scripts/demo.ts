/**
 * `npm run demo`: the README's main command. For each GridFleet generation in turn — the claim era (lab +
 * Appium 3 with the fake driver + Selenium Grid 4), then the router era (lab in the router generation +
 * Appium + the router simulator) — brings up the local stack, runs the seed examples with
 * `cucumber-js -p examples` (`--parallel 2`, HTML + JUnit reports with screenshots embedded, in
 * `reports/<generation>/`) against it with the same settings (the package detects the generation), prints
 * what the manager shows, and stops everything again, also on Ctrl-C. Default ports (lab 8000, Grid 4444,
 * Appium 4723) when free, else free ports.
 *
 * Usage: `npm run demo [-- <extra cucumber-js args>]`, e.g. `npm run demo -- --tags @platform:ios`;
 * `DEMO_GENERATIONS=router npm run demo` runs one generation only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  DEFAULT_PORTS,
  isPortFree,
  parseGeneration,
  type RunningStack,
  type StackGeneration,
  type StackPorts,
  startStack,
} from '../lab/src/stack';

const REPO_ROOT = path.resolve(__dirname, '..');
const CUCUMBER_BIN = path.join(
  path.dirname(require.resolve('@cucumber/cucumber/package.json', { paths: [REPO_ROOT] })),
  'bin',
  'cucumber.js',
);
/** How long cucumber-js gets to release its devices after Ctrl-C before it is killed. */
const INTERRUPT_GRACE_MS = 20_000;

function say(line: string): void {
  process.stdout.write(`[demo] ${line}\n`);
}

/** Default ports where they are free, a free port instead where something already listens. */
async function choosePorts(): Promise<StackPorts> {
  const ports: Record<keyof typeof DEFAULT_PORTS, number | 'auto'> = { ...DEFAULT_PORTS };
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof typeof DEFAULT_PORTS)[]) {
    if (!(await isPortFree(DEFAULT_PORTS[key]))) {
      say(`port ${DEFAULT_PORTS[key]} (${key}) is taken; using a free port instead`);
      ports[key] = 'auto';
    }
  }
  return ports;
}

function runExamples(stack: RunningStack, reportsDir: string, extraArgs: string[]): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...stack.env, REPORTS_DIR: reportsDir };
  // Started from inside another cucumber run (e.g. a test), its worker variables must not leak in.
  for (const key of Object.keys(env)) if (key.startsWith('CUCUMBER_')) delete env[key];
  // Own process group: a terminal's Ctrl-C reaches only this script, which forwards it exactly once.
  return spawn(process.execPath, [CUCUMBER_BIN, '--profile', 'examples', ...extraArgs], {
    cwd: REPO_ROOT,
    env,
    stdio: 'inherit',
    detached: true,
  });
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? 1);
    else child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

/** GET a JSON body from the manager. */
async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/**
 * What the lab (the manager) says about the runs of this demo, as an operator would see it: each run's
 * state, its sessions by status and how many of its devices are still held (claimed in the claim era,
 * busy in the router era). Shows that nothing leaked, also after Ctrl-C.
 */
async function printLabView(stack: RunningStack): Promise<void> {
  try {
    const page = await getJson<{ items: { id: string }[] }>(`${stack.apiUrl}/runs?limit=200`);
    for (const { id } of page.items) {
      const run = await getJson<{
        name: string;
        state: string;
        reserved_devices: { device_id: string; claimed_by?: string | null }[] | null;
        session_counts?: Record<string, number>;
      }>(`${stack.apiUrl}/runs/${id}`);
      const entries = run.reserved_devices ?? [];
      let held: number;
      if (stack.generation === 'router') {
        const devices = await getJson<{ id: string; operational_state: string }[]>(`${stack.apiUrl}/devices`);
        const ids = new Set(entries.map((d) => d.device_id));
        held = devices.filter((d) => ids.has(d.id) && d.operational_state === 'busy').length;
      } else {
        held = entries.filter((d) => d.claimed_by !== null && d.claimed_by !== undefined).length;
      }
      const counts = Object.entries(run.session_counts ?? {})
        .filter(([key, n]) => key !== 'total' && n > 0)
        .map(([key, n]) => `${n} ${key}`)
        .join(', ');
      const word = stack.generation === 'router' ? 'busy' : 'still claimed';
      say(
        `manager: run "${run.name}" is ${run.state}; sessions: ${counts || 'none'}; ${held} device(s) ${word}`,
      );
    }
  } catch (error) {
    say(`manager: could not list runs (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The generations to demo: `DEMO_GENERATIONS` (comma-separated) or both, claim era first. */
function demoGenerations(): StackGeneration[] {
  const raw = process.env.DEMO_GENERATIONS;
  if (!raw) return ['claim', 'router'];
  return raw.split(',').map((g) => parseGeneration('DEMO_GENERATIONS', g.trim()));
}

const STACK_WORDS: Record<StackGeneration, string> = {
  claim: 'claim era: lab + Appium fake driver + Selenium Grid',
  router: 'router era: lab (router generation) + Appium fake driver + the GridFleet router simulator',
};

async function main(): Promise<number> {
  const extraArgs = process.argv.slice(2);
  let stack: RunningStack | undefined;
  let cucumber: ChildProcess | undefined;
  let interrupted = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      say(`${signal} again: stopping at once`);
      if (cucumber?.pid && cucumber.exitCode === null) process.kill(cucumber.pid, 'SIGKILL');
      return;
    }
    interrupted = true;
    say(`${signal}: letting cucumber-js give its devices back, then stopping the stack`);
    if (cucumber?.pid && cucumber.exitCode === null) {
      process.kill(cucumber.pid, signal);
      const timer = setTimeout(() => {
        if (cucumber?.pid && cucumber.exitCode === null) process.kill(cucumber.pid, 'SIGKILL');
      }, INTERRUPT_GRACE_MS);
      timer.unref();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let worst = 0;
  for (const generation of demoGenerations()) {
    if (interrupted) break;
    const reportsDir = path.join(REPO_ROOT, 'reports', generation);
    try {
      say(`starting the local stack (${STACK_WORDS[generation]})`);
      stack = await startStack({
        generation,
        ports: await choosePorts(),
        stateDir: path.join(REPO_ROOT, '.lab', 'demo'),
        log: (line) => say(line),
      });
      say(`lab ${stack.labUrl} (API ${stack.apiUrl}), GRID_URL ${stack.gridUrl}, Appium ${stack.appiumUrl}`);
      if (interrupted) return 130;
      say(`running: cucumber-js --profile examples ${extraArgs.join(' ')}`.trimEnd());
      cucumber = runExamples(stack, reportsDir, extraArgs);
      const code = await exitCodeOf(cucumber);
      cucumber = undefined;
      say(`cucumber-js exited with ${code}`);
      await printLabView(stack);
      say(`reports: ${path.join(reportsDir, 'cucumber.html')}, ${path.join(reportsDir, 'junit.xml')}`);
      worst = Math.max(worst, code);
    } finally {
      if (stack) {
        say('stopping the stack');
        await stack.stop();
        stack = undefined;
      }
    }
  }
  return interrupted ? 130 : worst;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`[demo] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
