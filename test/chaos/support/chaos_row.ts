import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedLab } from '../../../lab/src/manager/lab_file';
import type { RunningStack } from '../../../lab/src/stack';
import { isTerminalRunState } from '../../../src/client/schemas/common';
import { type CucumberResult, FixtureSuite, type RunOptions } from '../../cucumber/support/cucumber_fixture';
import { ANDROID_LANE, CANCEL_STEP, FIXTURE_STEPS } from '../../cucumber/support/fixture_steps';
import { ManagerView } from '../../cucumber/support/manager_view';
import type { ChaosLab, FaultSpec } from './chaos_lab';
import { CHAOS_STEPS } from './chaos_steps';
import { expectedSessionStatuses, readScenarioAttempts } from './scenario_results';
import type { TcpProxy } from './tcp_proxy';

/** Where the suite writes its figures (read by docs/reliability.md). */
export const RESULTS_FILE = path.resolve(__dirname, '..', '..', '..', '.results', 'chaos', 'results.json');

/** What a row may touch while cucumber runs. */
export interface ChaosContext {
  lab: ChaosLab;
  proxy: TcpProxy;
  stack: RunningStack;
  /** Counts an injected fault that the lab's fault log cannot see (a restart, a killed process). */
  injected(count?: number): void;
}

/** One row of the fault matrix. */
export interface ChaosRow {
  /** Stable id (key in results.json). */
  id: string;
  /** Matrix group: manager, appium-grid, cucumber, run. */
  group: 'manager' | 'appium-grid' | 'cucumber' | 'run';
  /** What is injected, as the docs table shows it. */
  fault: string;
  /** Feature file text. */
  feature: string;
  /** Extra cucumber-js arguments (`--parallel 2` and the message formatter are always given). */
  args?: string[];
  /** Run serially instead of `--parallel 2`. */
  serial?: boolean;
  /** Longest the cucumber run may take (default 180 s). */
  limitMs?: number;
  /** Workers instead of 2 (ignored with `serial`). */
  parallel?: number;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Lab faults registered before the run. */
  faults?: FaultSpec[];
  /** Faults a scenario step injects itself (an operator action), counted on top of the lab's. */
  stepFaults?: number;
  /**
   * A lab of the row's own (default: the suite's shared demo lab), e.g. a lane cut to two devices so both
   * workers' first claims cover every device. Its devices must be on the stack's Grid unless the row
   * means otherwise.
   */
  lab?: () => ResolvedLab;
  /** Runs before cucumber starts (e.g. take a device's Grid slot). */
  before?: (ctx: ChaosContext) => Promise<void>;
  /** Runs after cucumber exited, before the checks, and again (must be idempotent) if the row failed. */
  after?: (ctx: ChaosContext) => Promise<void>;
  /**
   * Row-specific expectations, computed after the run: recorded in `extra`; every key ending in `_ok` must
   * be true.
   */
  verify?: (outcome: RowOutcome) => Record<string, unknown>;
  /** Runs alongside cucumber (e.g. take the manager down for 10 s). */
  during?: (ctx: ChaosContext, output: () => string) => Promise<void>;
  /** Signal sent when the output matches (see FixtureSuite). */
  interruptWhen?: RunOptions['interruptWhen'];
  /**
   * Expected exit code (`null` = ended by a signal); `'consistent'` = 0 exactly when every scenario's
   * final attempt passed, else 1 (for random faults, where which scenario is hit varies).
   */
  exitCode: number | null | 'consistent';
  /** What the user must read on stdout/stderr (names the cause). */
  message?: RegExp;
  /**
   * The manager is unreachable when cucumber ends: afterwards the test checks that no heartbeat arrives,
   * moves the lab's clock past the heartbeat timeout and expects the lab to expire the run.
   */
  managerDownAtEnd?: boolean;
  /** Extra figures computed after the run (recorded as `extra`; a false `*_within_*` fails the row). */
  extra?: () => Record<string, unknown>;
  /**
   * Why WebDriver sessions may stay on the Grid after this row (recorded, not asserted): e.g. a session
   * whose Appium died cannot be deleted through the Grid until the Grid's own session timeout.
   */
  gridSessionsMayRemain?: string;
  /** A known bug this row shows: the row runs as a node:test `todo` with this symptom. */
  todo?: string;
  /** Expected final run states (default: any terminal state). */
  runStates?: string[];
}

/** What a row's `verify` sees after the run (read through the manager API and cucumber's messages). */
export interface RowOutcome {
  /** Manager sessions. */
  sessions: Awaited<ReturnType<ManagerView['sessions']>>;
  /** Manager request log (`METHOD /path` strings). */
  requests: string[];
  /** Final attempts that did not pass. */
  failedFinals: number;
  /** Everything cucumber and the library printed. */
  output: string;
}

/** The figures of one row (one entry of results.json). */
export interface RowFigures {
  id: string;
  group: string;
  fault: string;
  runs: number;
  scenarios: number;
  faults_injected: number;
  claims_leaked: number;
  statuses_wrong: number;
  exit_code: number | null;
  expected_exit_code: number | null;
  scenarios_failed: number;
  message_ok: boolean;
  grid_sessions_left: number;
  runs_not_terminal: number;
  /** Extra figures of a row (the soak's memory samples). */
  extra?: Record<string, unknown>;
}

/**
 * Merges figures into results.json (rows keyed by id; files run one at a time). `CHAOS_RECORD=0` (set by
 * `npm test`) skips it, so a routine test run leaves the recorded figures alone. The file is git-ignored:
 * docs/reliability.md keeps its own table of the figures (test/chaos/render_results.ts prints it).
 */
export function recordFigures(figures: RowFigures): void {
  if (process.env.CHAOS_RECORD === '0') return;
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  const current = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { rows: Record<string, RowFigures> })
    : { rows: {} };
  current.rows[figures.id] = figures;
  const sorted = Object.fromEntries(Object.entries(current.rows).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ generated_at: new Date().toISOString(), rows: sorted }, null, 2)}\n`,
  );
}

/** The five most frequent failure causes of the final attempts, with counts. */
function causes(finals: ReadonlyArray<{ status: string; cause?: string }>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const a of finals)
    if (a.status !== 'PASSED') counts.set(a.cause ?? a.status, (counts.get(a.cause ?? a.status) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 5));
}

function explain(result: CucumberResult, extra = ''): string {
  return `${extra}\nexit ${result.exitCode} signal ${result.signal}\n--- stdout\n${result.stdout.slice(-6000)}\n--- stderr\n${result.stderr.slice(-6000)}`;
}

/**
 * Runs one matrix row: real cucumber-js on a fixture suite against the lab (through the proxy) and the
 * stack's Grid + Appium, then checks through the manager API that nothing leaked and every session's
 * status equals its scenario's result. Records the figures before asserting, so a failing row is counted.
 */
export async function runChaosRow(
  row: ChaosRow,
  base: { lab: ChaosLab; proxy: TcpProxy; stack: RunningStack },
): Promise<RowFigures> {
  const { lab, proxy, stack } = base;
  await proxy.reopen();
  await lab.reset();
  for (const spec of row.faults ?? []) await lab.fault(spec);
  const suite = await FixtureSuite.create({
    'features/suite.feature': row.feature,
    'support/steps.js': FIXTURE_STEPS + CANCEL_STEP + CHAOS_STEPS,
  });
  const apiUrl = `http://127.0.0.1:${proxy.port}/api`;
  let extraInjected = 0;
  let output = '';
  const ctx: ChaosContext = { lab, proxy, stack, injected: (n = 1) => (extraInjected += n) };
  try {
    await row.before?.(ctx);
    const args = [
      ...(row.serial ? [] : ['--parallel', String(row.parallel ?? 2)]),
      '--format',
      'message:messages.ndjson',
      ...(row.args ?? []),
    ];
    const running = suite.run(args, {
      env: {
        ...stack.env,
        ...ANDROID_LANE,
        GRIDFLEET_API_URL: apiUrl,
        CHAOS_LAB_URL: lab.url,
        ...row.env,
      },
      limitMs: row.limitMs,
      interruptWhen: (stdout) => {
        output = stdout;
        return row.interruptWhen?.(stdout);
      },
    });
    const during = row.during?.(ctx, () => output);
    const result = await running;
    await during;
    await row.after?.(ctx);
    await proxy.reopen();
    const faultsInjected = (await lab.faultedRequests()) + extraInjected + (row.stepFaults ?? 0);
    await lab.clearFaults();
    const view = new ManagerView(lab.apiUrl, lab.url, stack.gridUrl, stack.generation);

    if (row.managerDownAtEnd) {
      // The process is gone: nothing may heartbeat any more; the lab expires the run by its clock.
      const before = (await view.requests()).length;
      await new Promise((r) => setTimeout(r, 1500));
      const after = await view.requests();
      assert.deepEqual(after.slice(before), [], 'no request reaches the manager after cucumber exited');
      await lab.advanceClock(3600);
    }

    const runs = await view.runs();
    const sessions = await view.sessions();
    const devices = await view.devices();
    const gridLeft = await view.gridSessions();
    const claimed = new Set<string>();
    // Router-era run devices have no claim field: there a busy device or a live session is the leak.
    for (const run of runs)
      for (const d of run.devices) if ((d.claimed_by ?? null) !== null) claimed.add(d.device_id);
    for (const s of sessions)
      if (s.status === 'running' || s.status === 'pending')
        claimed.add(`session ${s.session_id} ${s.status}`);
    for (const d of devices) if (d.hold === 'reserved' || d.operational_state === 'busy') claimed.add(d.id);
    const runsNotTerminal = runs.filter((r) => !isTerminalRunState(r.state));

    const attempts = readScenarioAttempts(path.join(suite.dir, 'messages.ndjson'));
    const wrong: string[] = [];
    let unrecordable = 0;
    let allocationFailures = 0;
    for (const session of sessions) {
      // Router era: a row the manager wrote for an Appium create that failed (docs/manager-api.md
      // §R4.6.1) is an allocation record, not a scenario's session: the router re-queued the request.
      if (session.error_type === 'allocation_failed') {
        allocationFailures++;
        continue;
      }
      // With the manager unreachable until the process exited, the final status could not be recorded:
      // the expiry ends such a session as error/run_released, which is what an operator should see.
      if (row.managerDownAtEnd && session.status === 'error' && session.error_type === 'run_released') {
        unrecordable++;
        continue;
      }
      const caps = session.requested_capabilities ?? {};
      const attemptNo = Number(caps['gridfleet:attempt'] ?? 1);
      const attempt = attempts.find((a) => a.name === session.test_name && a.attempt === attemptNo);
      // A process killed mid-scenario writes no result: such a session must not claim success.
      const expected = attempt ? expectedSessionStatuses(attempt) : ['failed', 'error'];
      if (!expected.includes(session.status))
        wrong.push(
          `${session.test_name}#${attemptNo}: session ${session.status}, scenario ${attempt?.status ?? 'not finished'}`,
        );
    }
    const finals = attempts.filter((a) => !a.willBeRetried);
    const failedFinals = finals.filter((a) => a.status !== 'PASSED').length;
    // A suite that stopped before any scenario (BeforeAll failed) exits 1 too.
    const expectedExit =
      row.exitCode === 'consistent' ? (failedFinals === 0 && finals.length > 0 ? 0 : 1) : row.exitCode;
    const text = result.stdout + result.stderr;
    const verified = row.verify?.({
      sessions,
      requests: await view.requests(),
      failedFinals,
      output: text,
    });
    const figures: RowFigures = {
      id: row.id,
      group: row.group,
      fault: row.fault,
      runs: runs.length,
      scenarios: attempts.length,
      faults_injected: faultsInjected,
      claims_leaked: claimed.size,
      statuses_wrong: wrong.length,
      exit_code: result.exitCode,
      expected_exit_code: expectedExit,
      scenarios_failed: failedFinals,
      message_ok: row.message ? row.message.test(text) : true,
      grid_sessions_left: gridLeft.length,
      runs_not_terminal: runsNotTerminal.length,
      extra: {
        ...(row.extra ? row.extra() : {}),
        ...verified,
        ...(unrecordable ? { sessions_unrecordable: unrecordable } : {}),
        ...(allocationFailures ? { allocation_failures: allocationFailures } : {}),
        ...(failedFinals ? { failure_causes: causes(finals) } : {}),
      },
    };
    recordFigures(figures);

    const context = `row ${row.id}: ${JSON.stringify(figures)}\nruns ${JSON.stringify(runs.map((r) => [r.name, r.state, r.error]))}\nsessions ${JSON.stringify(sessions.map((s) => [s.test_name, s.status, s.error_type]))}\nattempts ${JSON.stringify(attempts)}`;
    assert.ok(faultsInjected > 0, `the fault was never injected\n${explain(result, context)}`);
    assert.equal(result.exitCode, expectedExit, explain(result, context));
    if (row.message) assert.match(text, row.message, explain(result, context));
    assert.deepEqual(runsNotTerminal, [], explain(result, context));
    if (row.runStates)
      for (const r of runs)
        assert.ok(row.runStates.includes(r.state), `run ${r.state}\n${explain(result, context)}`);
    assert.deepEqual([...claimed], [], `devices left claimed/busy\n${explain(result, context)}`);
    assert.deepEqual(wrong, [], `statuses wrong\n${explain(result, context)}`);
    if (!row.gridSessionsMayRemain)
      assert.deepEqual(gridLeft, [], `Grid sessions left\n${explain(result, context)}`);
    for (const [key, value] of Object.entries(figures.extra ?? {}))
      if (key.includes('_within_') || key.endsWith('_ok'))
        assert.equal(value, true, `${key}: ${JSON.stringify(figures.extra)}\n${explain(result, context)}`);
    return figures;
  } finally {
    await row.after?.(ctx);
    await proxy.reopen();
    await suite.remove();
  }
}
