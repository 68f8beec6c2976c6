import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Root of this repository. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The real cucumber-js CLI script. */
export const CUCUMBER_BIN = path.join(
  path.dirname(require.resolve('@cucumber/cucumber/package.json', { paths: [REPO_ROOT] })),
  'bin',
  'cucumber.js',
);

/** What one cucumber-js run left behind. */
export interface CucumberResult {
  /** Exit code (null when a signal ended the process). */
  exitCode: number | null;
  /** Signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr (our run summary lines go here). */
  stderr: string;
}

/** Options of {@link FixtureSuite.run}. */
export interface RunOptions {
  /** Extra environment (on top of this process's, minus cucumber's worker variables). */
  env?: Record<string, string>;
  /**
   * Called with the growing stdout; when it returns a signal name, that signal is sent to the cucumber
   * process once (used to interrupt a run while a scenario is running).
   */
  interruptWhen?: (stdout: string) => NodeJS.Signals | undefined;
  /** SIGKILL the run after this long (default 180 000 ms; the soak needs more). */
  limitMs?: number;
}

const RUN_LIMIT_MS = 180_000;

/**
 * A throwaway cucumber project in a temp dir. Its support code registers gridfleet-cucumber from this
 * repository's **source** (`src/register.ts`) through `--require-module ts-node/register`, so these tests
 * need no build; the acceptance features in `features/` cover the built package. `node_modules` links to
 * this repository's, so the fixture and the package share one `@cucumber/cucumber` instance.
 */
export class FixtureSuite {
  private constructor(readonly dir: string) {}

  /** Creates the project with the given files (paths relative to the project dir). */
  static async create(files: Record<string, string>): Promise<FixtureSuite> {
    const dir = await mkdtemp(path.join(tmpdir(), 'gridfleet-cucumber-core-'));
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const suite = new FixtureSuite(dir);
    await suite.write(
      'support/00_gridfleet.js',
      `require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'register.ts'))});\n`,
    );
    for (const [file, content] of Object.entries(files)) await suite.write(file, content);
    return suite;
  }

  /** Writes one file of the project. */
  async write(relativePath: string, content: string): Promise<void> {
    const file = path.join(this.dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }

  /** Runs the real cucumber-js CLI on the project's features with `args`. */
  async run(args: string[], options: RunOptions = {}): Promise<CucumberResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      FORCE_COLOR: '0',
      TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
      TS_NODE_TRANSPILE_ONLY: 'true',
    };
    for (const key of Object.keys(env)) if (key.startsWith('CUCUMBER_')) delete env[key];
    const child: ChildProcess = spawn(
      process.execPath,
      [
        CUCUMBER_BIN,
        '--require-module',
        'ts-node/register',
        '--require',
        'support/**/*.js',
        '--format',
        'progress',
        'features/**/*.feature',
        ...args,
      ],
      { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const signal = interrupted ? undefined : options.interruptWhen?.(stdout);
      if (signal) {
        interrupted = true;
        child.kill(signal);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? RUN_LIMIT_MS);
    try {
      const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
        (resolve, reject) => {
          child.on('error', reject);
          child.on('close', (code, sig) => resolve([code, sig]));
        },
      );
      return { exitCode, signal, stdout, stderr };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Deletes the project. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
