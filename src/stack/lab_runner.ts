import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LabSettings, ResolvedLab } from '../lab/lab_file';
import { StackError } from './errors';
import { spawnServer } from './processes';

/** The lab module, loaded only when the lab runs in-process. */
type LabModule = typeof import('../lab/index');

/** A started lab: either in this process or a child process. */
export type LabHandle = InProcessLabHandle | ChildLabHandle;

/** A lab running inside this process. */
export interface InProcessLabHandle {
  /** Discriminant. */
  readonly kind: 'in-process';
  /** Lab base URL. */
  readonly url: string;
  /** Closes the lab server. */
  close(): Promise<void>;
}

/** A lab running as a detached child process. */
export interface ChildLabHandle {
  /** Discriminant. */
  readonly kind: 'child';
  /** Lab base URL. */
  readonly url: string;
  /** The lab CLI process. */
  readonly child: ChildProcess;
  /** Where its output goes. */
  readonly logFile: string;
}

/** The lab settings the stack sets: the Grid URL runs report, and for the router generation its Appium. */
export type StackLabSettings = Pick<Partial<LabSettings>, 'grid_url' | 'generation' | 'appium_url'>;

/**
 * Starts the lab inside this process via `startLab` (`src/lab/index.ts`) with the stack's
 * settings (the Grid URL it should report, the generation and Appium URL).
 */
export async function startLabInProcess(
  lab: ResolvedLab,
  host: string,
  port: number,
  settings: StackLabSettings,
): Promise<InProcessLabHandle> {
  // Required lazily: the lab module is only needed when the stack runs it in-process.
  let startLab: LabModule['startLab'];
  try {
    ({ startLab } = require('../lab/index') as LabModule);
  } catch (err) {
    throw new StackError(
      `Cannot load the lab module (src/lab/index) to run the lab in-process: ${(err as Error).message}`,
    );
  }
  const handle = await startLab({ lab, port, host, settings });
  return { kind: 'in-process', url: `http://${host}:${handle.port}`, close: () => handle.close() };
}

/** How to run a CLI of this package (lab, router simulator) with the current Node. */
export interface LabCli {
  /** The CLI script. */
  readonly file: string;
  /** Extra Node arguments (ts-node registration when running from sources). */
  readonly nodeArgs: readonly string[];
}

/**
 * The CLI of a sibling module (`lab`, `router_sim`) next to this one: `.ts` under ts-node, `.js`
 * once compiled.
 *
 * @throws StackError when it is missing.
 */
export function resolveLabCli(module: 'lab' | 'router_sim' = 'lab'): LabCli {
  const ts = __filename.endsWith('.ts');
  const file = path.join(__dirname, '..', module, ts ? 'cli.ts' : 'cli.js');
  if (!fs.existsSync(file)) {
    throw new StackError(
      `The ${module} CLI ${file} is missing; build the package (npm run build) or reinstall it.`,
    );
  }
  return { file, nodeArgs: ts ? ['--require', 'ts-node/register'] : [] };
}

/**
 * The lab file the child lab should load: `labFile` itself when its settings already have every
 * value of `settings`, else a copy in `<stateDir>/lab.json` with them set, so runs report the Grid
 * this stack actually started and a router-generation lab creates sessions on the stack's Appium
 * (the lab CLI has no flags for them).
 */
export function labFileForStack(
  lab: ResolvedLab,
  labFile: string,
  settings: StackLabSettings,
  stateDir: string,
): string {
  const current = lab.settings as unknown as Record<string, unknown>;
  if (Object.entries(settings).every(([key, value]) => current[key] === value)) return labFile;
  // YAML is a superset of JSON, so this reads .json lab files too.
  const raw = parseYaml(fs.readFileSync(labFile, 'utf8')) as Record<string, unknown>;
  const fileSettings = (raw.settings ?? {}) as Record<string, unknown>;
  const derived = path.join(stateDir, 'lab.json');
  fs.writeFileSync(
    derived,
    `${JSON.stringify({ ...raw, settings: { ...fileSettings, ...settings } }, null, 2)}\n`,
  );
  return derived;
}

/**
 * Starts the lab CLI (`gridfleet-lab --lab FILE --port N`) as a detached child process, logging to
 * `<stateDir>/lab.log`.
 */
export function startLabChild(
  cli: LabCli,
  labFile: string,
  host: string,
  port: number,
  stateDir: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): ChildLabHandle {
  const logFile = path.join(stateDir, 'lab.log');
  const child = spawnServer({
    name: 'lab',
    command: process.execPath,
    args: [...cli.nodeArgs, cli.file, '--lab', labFile, '--port', String(port), '--host', host],
    cwd,
    env,
    logFile,
  });
  return { kind: 'child', url: `http://${host}:${port}`, child, logFile };
}
