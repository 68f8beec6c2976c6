/**
 * `npm run demo`: the README's main command. Brings up the local stack (GridFleet lab with the demo lab,
 * Appium 3 with the fake driver, Selenium Grid 4), runs the seed examples with `cucumber-js -p examples`
 * (`--parallel 2`, HTML + JUnit reports with screenshots embedded) against it, and stops everything
 * again, also on Ctrl-C. Default ports (lab 8000, Grid 4444, Appium 4723) when free, else free ports.
 *
 * Usage: `npm run demo [-- <extra cucumber-js args>]`, e.g. `npm run demo -- --tags @platform:ios`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_PORTS, isPortFree, type RunningStack, type StackPorts, startStack } from '../lab/src/stack';

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

function runExamples(stack: RunningStack, extraArgs: string[]): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...stack.env };
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

/**
 * What the lab (the manager) says about the runs of this demo, as an operator would see it: each run's
 * state and how many of its devices are still claimed. Shows that nothing leaked, also after Ctrl-C.
 */
async function printLabView(stack: RunningStack): Promise<void> {
  try {
    const page = (await (await fetch(`${stack.apiUrl}/runs?limit=200`)).json()) as {
      items: { id: string }[];
    };
    for (const { id } of page.items) {
      const run = (await (await fetch(`${stack.apiUrl}/runs/${id}`)).json()) as {
        name: string;
        state: string;
        reserved_devices: { claimed_by: string | null }[];
      };
      const claimed = run.reserved_devices.filter((d) => d.claimed_by !== null).length;
      say(`manager: run ${id} "${run.name}" is ${run.state}, ${claimed} device(s) still claimed`);
    }
  } catch (error) {
    say(`manager: could not list runs (${error instanceof Error ? error.message : String(error)})`);
  }
}

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
    say(`${signal}: letting cucumber-js release its devices, then stopping the stack`);
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

  try {
    say('starting the local stack (lab + Appium fake driver + Selenium Grid)');
    stack = await startStack({
      ports: await choosePorts(),
      stateDir: path.join(REPO_ROOT, '.lab', 'demo'),
      log: (line) => say(line),
    });
    say(`lab ${stack.labUrl} (API ${stack.apiUrl}), Grid ${stack.gridUrl}, Appium ${stack.appiumUrl}`);
    if (interrupted) return 130;
    say(`running: cucumber-js --profile examples ${extraArgs.join(' ')}`.trimEnd());
    cucumber = runExamples(stack, extraArgs);
    const code = await exitCodeOf(cucumber);
    say(`cucumber-js exited with ${code}`);
    await printLabView(stack);
    say(
      `reports: ${path.join(REPO_ROOT, 'reports', 'cucumber.html')}, ${path.join(REPO_ROOT, 'reports', 'junit.xml')}`,
    );
    return interrupted ? 130 : code;
  } finally {
    if (stack) {
      say('stopping the stack');
      await stack.stop();
    }
  }
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
