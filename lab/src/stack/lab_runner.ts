import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ResolvedLab } from '../manager/lab_file';
import { StackError } from './errors';
import { spawnServer } from './processes';

/** The lab module, loaded only when the lab runs in-process. */
type LabModule = typeof import('../manager/index');

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

/**
 * Starts the lab inside this process via `startLab` (`src/lab/index.ts`), telling it the Grid URL
 * it should report.
 */
export async function startLabInProcess(
  lab: ResolvedLab,
  host: string,
  port: number,
  gridUrl: string,
): Promise<InProcessLabHandle> {
  // Required lazily: the lab module is only needed when the stack runs it in-process.
  let startLab: LabModule['startLab'];
  try {
    ({ startLab } = require('../manager/index') as LabModule);
  } catch (err) {
    throw new StackError(
      `Cannot load the lab module (src/lab/index) to run the lab in-process: ${(err as Error).message}`,
    );
  }
  const handle = await startLab({ lab, port, host, settings: { grid_url: gridUrl } });
  return { kind: 'in-process', url: `http://${host}:${handle.port}`, close: () => handle.close() };
}

/** How to run the lab CLI with the current Node. */
export interface LabCli {
  /** The CLI script. */
  readonly file: string;
  /** Extra Node arguments (ts-node registration when running from sources). */
  readonly nodeArgs: readonly string[];
}

/**
 * The lab CLI next to this module: `.ts` under ts-node, `.js` once compiled.
 *
 * @throws StackError when it is missing.
 */
export function resolveLabCli(): LabCli {
  const ts = __filename.endsWith('.ts');
  const file = path.join(__dirname, '..', 'manager', ts ? 'cli.ts' : 'cli.js');
  if (!fs.existsSync(file)) {
    throw new StackError(
      `The lab CLI ${file} is missing; build the package (npm run build) or reinstall it.`,
    );
  }
  return { file, nodeArgs: ts ? ['--require', 'ts-node/register'] : [] };
}

/**
 * The lab file the child lab should load: `labFile` itself when its `settings.grid_url` already is
 * `gridUrl`, else a copy in `<stateDir>/lab.json` with `settings.grid_url` set, so runs report the
 * Grid this stack actually started (the lab CLI has no flag for it).
 */
export function labFileForGrid(lab: ResolvedLab, labFile: string, gridUrl: string, stateDir: string): string {
  if (lab.settings.grid_url === gridUrl) return labFile;
  // YAML is a superset of JSON, so this reads .json lab files too.
  const raw = parseYaml(fs.readFileSync(labFile, 'utf8')) as Record<string, unknown>;
  const settings = (raw.settings ?? {}) as Record<string, unknown>;
  const derived = path.join(stateDir, 'lab.json');
  fs.writeFileSync(
    derived,
    `${JSON.stringify({ ...raw, settings: { ...settings, grid_url: gridUrl } }, null, 2)}\n`,
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
