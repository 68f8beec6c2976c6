#!/usr/bin/env node
/**
 * CLI of the local stack: `up` starts lab + Appium + Grid (or, with `--generation router`, the
 * router simulator instead of the Grid) and stays up until Ctrl-C/SIGTERM;
 * `down` stops whatever the PID files of the state dir record (also after `up` was killed hard).
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { StackError } from './errors';
import { parseGeneration, parsePortArg } from './options';
import { defaultStateDir } from './paths';
import { removePidFile, writePidFile } from './pid_files';
import { isAlive } from './processes';
import { type RunningStack, startStack } from './start_stack';
import { stopRecordedStack } from './stop_recorded';

const USAGE = `usage:
  npm run lab [-- --generation claim|router] [--lab FILE] [--lab-port N] [--grid-port N] [--appium-port N] [--state-dir DIR]
  npm run lab:down [-- --state-dir DIR]
Generation: claim = Selenium Grid on the grid port (needs Java); router = the WebDriver router
simulator there (default: the lab file's settings.generation).
Ports: a number, or 0 / auto for a free one (defaults: lab 8000, grid 4444, appium 4723).
State dir (PID files, logs, grid.toml): default ./.lab`;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function describe(stack: RunningStack): string {
  const router = stack.generation === 'router';
  const lines = [
    '',
    `Local GridFleet stack (${stack.generation} generation) is up:`,
    `  lab     ${stack.labUrl}   (API ${stack.apiUrl})`,
    `  ${router ? 'router' : 'grid  '}  ${stack.gridUrl}${router ? '   (router simulator; sessions at GRID_URL/run/{run_id}/session)' : ''}`,
    `  appium  ${stack.appiumUrl}`,
    `  logs    ${stack.stateDir}/{lab,appium,${router ? 'router' : 'grid'}}.log`,
    '',
    router ? 'Devices (pin one with gridfleet:deviceId):' : 'Devices (pin one with appium:udid):',
    ...stack.devices.map((d) =>
      router
        ? `  ${d.id} ${d.name} [${d.platformId}]`
        : `  ${d.udid.padEnd(24)} ${d.name} [${d.platformId}] ${d.id}`,
    ),
    '',
    'Paste into another shell:',
    ...Object.entries(stack.env).map(([k, v]) => `  export ${k}=${v}`),
    '',
    'Ctrl-C stops everything (or `npm run lab:down` from another shell).',
  ];
  return lines.join('\n');
}

async function up(values: Record<string, string | undefined>): Promise<void> {
  const began = Date.now();
  const stack = await startStack({
    generation:
      values.generation === undefined ? undefined : parseGeneration('--generation', values.generation),
    lab: values.lab ? path.resolve(values.lab) : undefined,
    ports: {
      lab: values['lab-port'] === undefined ? undefined : parsePortArg('--lab-port', values['lab-port']),
      grid: values['grid-port'] === undefined ? undefined : parsePortArg('--grid-port', values['grid-port']),
      appium:
        values['appium-port'] === undefined
          ? undefined
          : parsePortArg('--appium-port', values['appium-port']),
    },
    stateDir: values['state-dir'] ?? defaultStateDir(),
    labInProcess: false,
    log: (line) => print(`[stack] ${line}`),
  });
  // lab:down stops this process too (it then stops the servers itself, like Ctrl-C).
  const cliPid = writePidFile(stack.stateDir, 'cli', process.pid);
  print(describe(stack));
  print(`(routable ${((Date.now() - began) / 1000).toFixed(1)} s after start)`);
  let stopping = false;
  const shutdown = async (why: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    print(`\n[stack] ${why}; stopping…`);
    await stack.stop();
    removePidFile(cliPid.file);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
  // Watchdog (also keeps this process alive): one dead server means the stack is broken.
  setInterval(() => {
    for (const [name, pid] of Object.entries(stack.pids)) {
      if (pid !== undefined && !isAlive(pid)) {
        void shutdown(`${name} (pid ${pid}) exited unexpectedly, see ${stack.stateDir}/${name}.log`, 1);
      }
    }
  }, 1_000);
}

async function down(values: Record<string, string | undefined>): Promise<void> {
  const stateDir = path.resolve(values['state-dir'] ?? defaultStateDir());
  const results = await stopRecordedStack(stateDir);
  if (results.length === 0) {
    print(`Nothing to stop: no PID files in ${stateDir}.`);
    return;
  }
  const words = {
    terminated: 'stopped',
    killed: 'killed (did not exit on SIGTERM)',
    'not-running': 'was not running (stale PID file removed)',
    skipped: 'left alone: that PID now belongs to another program (PID file removed)',
  } as const;
  for (const r of results) print(`${r.name.padEnd(7)} pid ${String(r.pid).padEnd(8)} ${words[r.result]}`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      lab: { type: 'string' },
      generation: { type: 'string' },
      'lab-port': { type: 'string' },
      'grid-port': { type: 'string' },
      'appium-port': { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help) return print(USAGE);
  const opts = values as Record<string, string | undefined>;
  if (command === 'up' && positionals.length === 1) return up(opts);
  if (command === 'down' && positionals.length === 1) return down(opts);
  throw new StackError(`Unknown command "${positionals.join(' ')}"; use "up" or "down".\n${USAGE}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const argsError = (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS') === true;
  const known = argsError || err instanceof StackError || (err as Error)?.name === 'LabFileError';
  const message = known ? (err as Error).message : String((err as Error)?.stack ?? err);
  const hint = argsError ? `\n${USAGE}` : '';
  process.stderr.write(`gridfleet stack: ${message}${hint}\n`);
  process.exit(1);
});
