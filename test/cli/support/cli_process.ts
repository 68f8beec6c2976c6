import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runProcess } from '../../support/run_process';

/** Root of this repository. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const MAIN = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

/** What one CLI process left behind. */
export interface CliResult {
  /** Exit code (null when a signal ended it). */
  code: number | null;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options of {@link runCliProcess}. */
export interface CliProcessOptions {
  /** Working directory (the cucumber project). */
  cwd: string;
  /** Environment on top of a clean one (PATH/HOME only, so no GRIDFLEET_* leaks in from outside). */
  env?: Record<string, string>;
  /** Called with the growing stdout (e.g. to start a server once the CLI waits for it). */
  onStdout?: (stdout: string) => void;
  /** Kill after this long (default 120 s). */
  limitMs?: number;
}

/** Runs the real `gridfleet-cucumber` command line as its own process, from source through tsx (its require hook starts in about a second, ts-node in several). */
export async function runCliProcess(args: string[], options: CliProcessOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
    TS_NODE_TRANSPILE_ONLY: 'true',
    ...options.env,
  };
  const { code, stdout, stderr } = await runProcess(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), MAIN, ...args],
    { cwd: options.cwd, env, limitMs: options.limitMs ?? 120_000, onStdout: options.onStdout },
  );
  return { code, stdout, stderr };
}

/** A throwaway project dir whose node_modules links to this repository's (so cucumber-js resolves). */
export async function makeProject(files: Record<string, string> = {}, linkModules = true): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gridfleet-cli-'));
  if (linkModules) await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return dir;
}

/** Removes a project made by {@link makeProject}. */
export async function removeProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The doctor's `--json` report. */
export interface DoctorJson {
  ready: boolean;
  checks: Array<{
    id: string;
    title: string;
    status: string;
    summary: string;
    fix?: string;
    attempts: number;
  }>;
}

/** Parses `doctor --json` output and returns the check statuses by id, plus the report. */
export function doctorJson(result: CliResult): { report: DoctorJson; status: Record<string, string> } {
  let report: DoctorJson;
  try {
    report = JSON.parse(result.stdout) as DoctorJson;
  } catch {
    throw new Error(`doctor --json printed no JSON:\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return { report, status: Object.fromEntries(report.checks.map((c) => [c.id, c.status])) };
}

/** Readable dump of a CLI result for assertion messages. */
export function explain(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/**
 * Writes `gridfleet-cucumber` and `cucumber-js` executables into `<dir>/bin` that run this repository's CLI
 * (source, through tsx) and the real cucumber-js (support code through ts-node), so a documented shell
 * recipe can run as written. Returns the bin dir to put first on PATH.
 */
export async function writeCommandWrappers(dir: string, cucumberBin: string): Promise<string> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const node = JSON.stringify(process.execPath);
  await writeFile(
    path.join(bin, 'gridfleet-cucumber'),
    `#!/bin/sh\nexec ${node} --require ${JSON.stringify(require.resolve('tsx/cjs'))} ${JSON.stringify(MAIN)} "$@"\n`,
    { mode: 0o755 },
  );
  await writeFile(
    path.join(bin, 'cucumber-js'),
    `#!/bin/sh\nTS_NODE_PROJECT=${JSON.stringify(path.join(REPO_ROOT, 'tsconfig.json'))} TS_NODE_TRANSPILE_ONLY=true exec ${node} ${JSON.stringify(cucumberBin)} "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}
