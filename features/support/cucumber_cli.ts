import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runProcess } from '../../test/support/run_process';
import { MessageReport } from './message_report';
import { CUCUMBER_BIN } from './paths';

/** What one cucumber-js run left behind. */
export interface CucumberRun {
  /** Exit code (`null` when a signal ended it). */
  exitCode: number | null;
  /** Signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The `message` formatter output. */
  report: MessageReport;
}

/** Longest a run may take before it is killed (they take seconds). */
const RUN_TIMEOUT_MS = 150_000;

/**
 * Runs the real cucumber-js CLI in `cwd` with `args` plus the `progress` formatter on stdout and a
 * `message` formatter into `messagesFile`, with `env` on top of this process's environment (minus
 * cucumber's own worker variables, in case this runs inside a cucumber worker).
 */
export async function runCucumberCli(options: {
  cwd: string;
  args: string[];
  env: Record<string, string>;
  messagesFile: string;
}): Promise<CucumberRun> {
  await mkdir(path.dirname(options.messagesFile), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) if (key.startsWith('CUCUMBER_')) delete env[key];
  const {
    code: exitCode,
    signal,
    stdout,
    stderr,
  } = await runProcess(
    process.execPath,
    [CUCUMBER_BIN, ...options.args, '--format', 'progress', '--format', `message:${options.messagesFile}`],
    { cwd: options.cwd, env, limitMs: RUN_TIMEOUT_MS },
  );
  const ndjson = await readFile(options.messagesFile, 'utf8').catch(() => '');
  return { exitCode, signal, stdout, stderr, report: MessageReport.parse(ndjson) };
}
