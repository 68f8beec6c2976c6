import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH_LANE } from './bench_lab';

const REPO_ROOT = path.resolve(__dirname, '..');
const CUCUMBER_BIN = path.join(
  path.dirname(require.resolve('@cucumber/cucumber/package.json', { paths: [REPO_ROOT] })),
  'bin',
  'cucumber.js',
);

/** Timings of one cucumber-js run, read from its message stream (`--format message:…`). */
export interface CucumberTimings {
  /** Exit code of cucumber-js. */
  exitCode: number | null;
  /** Scenario count. */
  scenarios: number;
  /** Wall time of each test case (Before hooks + steps + After hooks), ms. */
  testCaseMs: number[];
  /** From spawning cucumber-js to the start of the first scenario step (not hook), ms. */
  launchToFirstStepMs: number;
  /** From the first test case start to the last test case end, ms. */
  scenariosWallMs: number;
  /**
   * Sum over workers of each worker's own steady rate (test cases after its first, over the time from its
   * first test case end to its last): throughput without the run's tail, where some workers have nothing
   * left to do (that tail shrinks with suite size; it is not per-scenario cost).
   */
  perWorkerScenariosPerSec: number;
  /** Process wall time from spawn to exit, ms. */
  processMs: number;
  /** Captured stderr (for failures). */
  stderr: string;
  /** Time the support file spent in `require('gridfleet-cucumber/register')`, per thread (ms; main thread first). */
  registerRequireMs: number[];
}

type Timestamp = { seconds: number; nanos: number };
const ms = (t: Timestamp): number => t.seconds * 1000 + t.nanos / 1e6;

/**
 * Runs the real cucumber-js CLI (built package: `register.js` → `dist/`) on a throwaway suite of
 * `scenarios` one-step scenarios against the given stack env, with `devices` bench devices reserved.
 */
export async function runCucumber(options: {
  env: Record<string, string>;
  scenarios: number;
  devices: number;
  parallel: number;
  /** false: a plain cucumber suite without gridfleet-cucumber (the start-up floor). Default true. */
  gridfleet?: boolean;
  /**
   * Milliseconds each scenario's step holds its device (default 0). A real device spends most of a
   * scenario working while the test host idles; the fake driver answers at once, so without a hold every
   * scenario is pure CPU on the host.
   */
  holdMs?: number;
}): Promise<CucumberTimings> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gridfleet-bench-'));
  try {
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    await mkdir(path.join(dir, 'support'));
    await mkdir(path.join(dir, 'features'));
    const requireLog = path.join(dir, 'register_ms.txt');
    if (options.gridfleet !== false) {
      // Times the one-line support file a user writes; each thread appends its own figure.
      await writeFile(
        path.join(dir, 'support', '00_gridfleet.js'),
        `const t0 = performance.now();\nrequire(${JSON.stringify(path.join(REPO_ROOT, 'register.js'))});\n` +
          `require('node:fs').appendFileSync(${JSON.stringify(requireLog)}, (performance.now() - t0) + '\\n');\n`,
      );
    }
    await writeFile(
      path.join(dir, 'support', 'steps.js'),
      "const { Given } = require('@cucumber/cucumber');\n" +
        (options.holdMs
          ? `Given('a device is ready', function () { return new Promise((r) => setTimeout(r, ${options.holdMs})); });\n`
          : "Given('a device is ready', function () {});\n"),
    );
    const body = Array.from(
      { length: options.scenarios },
      (_, i) => `  Scenario: bench ${i + 1}\n    Given a device is ready\n`,
    ).join('\n');
    await writeFile(path.join(dir, 'features', 'bench.feature'), `Feature: bench\n\n${body}`);
    const messages = path.join(dir, 'messages.ndjson');
    const args = [CUCUMBER_BIN, '--require', 'support/**/*.js', '--format', `message:${messages}`];
    if (options.parallel > 1) args.push('--parallel', String(options.parallel));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      FORCE_COLOR: '0',
      GRIDFLEET_REQUIREMENTS: JSON.stringify([{ ...BENCH_LANE, count: options.devices }]),
      GRIDFLEET_RUN_NAME: `bench ${options.parallel}w/${options.devices}d`,
      GRIDFLEET_SCREENSHOT_DIR: path.join(dir, 'screenshots'),
    };
    for (const key of Object.keys(env)) if (key.startsWith('CUCUMBER_')) delete env[key];
    const spawnedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    const processMs = performance.now() - t0;
    const stream = await readFile(messages, 'utf8').catch(() => {
      throw new Error(`bench: cucumber-js (exit ${exitCode}) wrote no message stream:\n${stderr}`);
    });
    const lines = stream.split('\n').filter(Boolean);
    const registerRequireMs = (await readFile(requireLog, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map(Number);
    const hookSteps = new Set<string>();
    const started = new Map<string, number>();
    const workerOfCase = new Map<string, string>();
    // Per worker, its test cases' start and end times.
    const byWorker = new Map<string, { starts: number[]; ends: number[] }>();
    const timesOf = (worker: string): { starts: number[]; ends: number[] } => {
      const entry = byWorker.get(worker) ?? { starts: [], ends: [] };
      byWorker.set(worker, entry);
      return entry;
    };
    const testCaseMs: number[] = [];
    let firstStep = Number.POSITIVE_INFINITY;
    let firstCase = Number.POSITIVE_INFINITY;
    let lastCase = 0;
    for (const line of lines) {
      const m = JSON.parse(line) as Record<string, Record<string, unknown>>;
      if (m.testCase) {
        for (const s of m.testCase.testSteps as Array<{ id: string; hookId?: string }>) {
          if (s.hookId) hookSteps.add(s.id);
        }
      } else if (m.testCaseStarted) {
        const t = ms(m.testCaseStarted.timestamp as Timestamp);
        started.set(m.testCaseStarted.id as string, t);
        const worker = String(m.testCaseStarted.workerId ?? 'main');
        workerOfCase.set(m.testCaseStarted.id as string, worker);
        timesOf(worker).starts.push(t);
        firstCase = Math.min(firstCase, t);
      } else if (m.testCaseFinished) {
        const t = ms(m.testCaseFinished.timestamp as Timestamp);
        const s = started.get(m.testCaseFinished.testCaseStartedId as string);
        if (s !== undefined) testCaseMs.push(t - s);
        timesOf(workerOfCase.get(m.testCaseFinished.testCaseStartedId as string) ?? 'main').ends.push(t);
        lastCase = Math.max(lastCase, t);
      } else if (m.testStepStarted && !hookSteps.has(m.testStepStarted.testStepId as string)) {
        firstStep = Math.min(firstStep, ms(m.testStepStarted.timestamp as Timestamp));
      }
    }
    // Per worker: cases started after its own first one ended, over the time from then to its last end.
    let perWorkerSum = 0;
    for (const { starts, ends } of byWorker.values()) {
      ends.sort((x, y) => x - y);
      const first = ends[0] as number;
      const last = ends[ends.length - 1] as number;
      if (last > first) perWorkerSum += (starts.length - 1) / ((last - first) / 1000);
    }
    return {
      perWorkerScenariosPerSec: Math.round(perWorkerSum * 100) / 100,
      exitCode,
      scenarios: options.scenarios,
      testCaseMs,
      launchToFirstStepMs: firstStep - spawnedAt,
      scenariosWallMs: lastCase - firstCase,
      processMs,
      stderr,
      registerRequireMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
