import { spawn } from 'node:child_process';

/** What a finished child process left behind. */
export interface ProcessResult {
  /** Exit code (null when a signal ended it). */
  code: number | null;
  /** The signal that ended it, if any (SIGKILL after the time limit). */
  signal: NodeJS.Signals | null;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** Both streams interleaved as the chunks arrived (a terminal's view). */
  output: string;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Working directory. */
  cwd?: string;
  /** The whole environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Killed with SIGKILL after this long (default 300 s). */
  limitMs?: number;
  /** Called with the growing stdout (e.g. to act once the child reached a point). */
  onStdout?: (stdout: string) => void;
}

/**
 * Runs `command args` and collects its output. Always asynchronous, never `spawnSync`: the lab and other
 * servers of a test often run in the test's own process and must keep answering while the child runs.
 */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: ProcessResult = { code: null, signal: null, stdout: '', stderr: '', output: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    result.stdout += chunk.toString();
    result.output += chunk.toString();
    options.onStdout?.(result.stdout);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    result.stderr += chunk.toString();
    result.output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 300_000);
  try {
    [result.code, result.signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve([code, signal]));
      },
    );
    return result;
  } finally {
    clearTimeout(timer);
  }
}
