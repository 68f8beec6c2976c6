import { killAndRestartAppium } from './appium_restart';
import type { ChaosRow, RowOutcome } from './chaos_row';
import { GRID_QUEUE_TIMEOUT_SEC, occupySlot, type SlotHolder, twoDeviceLab } from './grid_slots';

/** A feature of `count` short device scenarios named "Screen 1".."Screen N". */
export function screens(count: number, extraStep = ''): string {
  const scenarios = Array.from(
    { length: count },
    (_, i) => `  Scenario: Screen ${i + 1}
    When I look at the screen
    And a short pause
    And I look at the screen${extraStep ? `\n    ${extraStep}` : ''}
`,
  );
  return `Feature: Chaos\n${scenarios.join('\n')}`;
}

/** A scenario whose middle step is an operator action (`step`), and a bystander scenario. */
export function operatorFeature(name: string, step: string): string {
  return `Feature: Chaos
  Scenario: ${name}
    When I look at the screen
    And ${step}
    And I look at the screen

  Scenario: Bystander
    When I look at the screen
`;
}

/** Deterministic rows fast enough for `npm run test:chaos:fast` (manager faults and operator actions). */
export const FAST_ROWS: ChaosRow[] = [
  {
    id: 'manager-latency',
    group: 'manager',
    fault: '0.5–2 s latency on every /api request (2 s on 30%, else 0.5 s)',
    feature: screens(3),
    faults: [
      { path: '/api/**', latency_ms: 2000, probability: 0.3 },
      { path: '/api/**', latency_ms: 500 },
    ],
    exitCode: 0,
    runStates: ['completed'],
  },
  {
    id: 'manager-malformed-json',
    group: 'manager',
    fault: 'truncated JSON bodies (200) on the first 2 claims and the first release',
    feature: screens(3),
    faults: [
      { method: 'POST', path: '/api/runs/*/claim', malformed: true, times: 2 },
      { method: 'POST', path: '/api/runs/*/release', malformed: true, times: 1 },
    ],
    exitCode: 'consistent',
    message: /Malformed response from POST \/runs\/\{run_id\}\/claim/,
  },
  {
    id: 'manager-401',
    group: 'manager',
    fault: '401 UNAUTHORIZED on every /api request (wrong credentials)',
    feature: screens(2),
    faults: [{ path: '/api/**', status: 401 }],
    exitCode: 1,
    message: /401|credential|GRIDFLEET_TESTKIT_USERNAME/i,
  },
  {
    id: 'manager-no-claimable',
    group: 'manager',
    fault: '409 no_claimable_devices on every claim, longer than claimMaxWaitSec (3 s)',
    feature: screens(2),
    env: { GRIDFLEET_CLAIM_MAX_WAIT_SEC: '3' },
    faults: [
      {
        method: 'POST',
        path: '/api/runs/*/claim',
        status: 409,
        headers: { 'retry-after': '1' },
        body: {
          error: {
            code: 'CONFLICT',
            message: 'No unclaimed devices available in this run',
            details: {
              message: 'No unclaimed devices available in this run',
              error: 'no_claimable_devices',
              retry_after_sec: 1,
              next_available_at: null,
            },
          },
        },
      },
    ],
    exitCode: 1,
    message: /no (claimable|unclaimed) device|3 ?s/i,
  },
  {
    id: 'run-force-released',
    group: 'run',
    fault: 'an operator force-releases the run mid-scenario',
    feature: operatorFeature('Released under me', 'an operator force-releases the run'),
    stepFaults: 1,
    exitCode: 1,
    runStates: ['cancelled'],
    message: /force[- ]released|cancelled/i,
  },
  {
    id: 'run-heartbeat-expired',
    group: 'run',
    fault: 'the run misses its heartbeat timeout (virtual clock +600 s) mid-scenario',
    feature: operatorFeature('Expires under me', 'the run misses its heartbeats long enough to expire'),
    stepFaults: 1,
    env: { GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '10', GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '2' },
    exitCode: 1,
    runStates: ['expired'],
    message: /expired|heartbeat/i,
  },
];

/** Lifecycle endpoints of a run, each given one 500 in its own row ("5xx on every endpoint", deterministic). */
const ENDPOINTS: Array<[string, string, string]> = [
  ['create-run', 'POST', '/api/runs'],
  ['ready', 'POST', '/api/runs/*/ready'],
  ['active', 'POST', '/api/runs/*/active'],
  ['heartbeat', 'POST', '/api/runs/*/heartbeat'],
  ['claim', 'POST', '/api/runs/*/claim'],
  ['register-session', 'POST', '/api/sessions'],
  ['session-status', 'PATCH', '/api/sessions/*/status'],
  ['release', 'POST', '/api/runs/*/release'],
  ['complete', 'POST', '/api/runs/*/complete'],
  ['cancel', 'POST', '/api/runs/*/cancel'],
];

/** One 500 on the first call of each endpoint: no leak, right statuses, the cause named. */
export const ENDPOINT_ROWS: ChaosRow[] = ENDPOINTS.map(([name, method, path]) => ({
  id: `manager-500-once-${name}`,
  group: 'manager',
  fault: `one 500 on \`${method} ${path.replace('/api', '')}\``,
  feature:
    name === 'cancel'
      ? `Feature: Chaos\n  Scenario: Screen 1\n    When I look at the screen\n    Then it fails\n`
      : screens(2),
  // Heartbeat every second so the fault is hit while scenarios run.
  env:
    name === 'heartbeat'
      ? { GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '1', GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '10' }
      : undefined,
  faults: [{ method, path, status: 500, times: 1 }],
  exitCode: name === 'cancel' ? 1 : 'consistent',
  // Recovered faults print nothing, except the reservation, which says it retried and why.
  message: name === 'create-run' ? /reserving run .* failed \(.*500 INTERNAL_ERROR.*\); retrying/ : undefined,
}));

/** `POST /runs` is not idempotent: a run created by a request whose answer was lost must not hold devices. */
export const RESERVE_LOST_ROW: ChaosRow = {
  id: 'manager-create-run-answer-lost',
  group: 'manager',
  fault: '`POST /runs` creates the run but answers 500',
  feature: screens(2),
  faults: [{ method: 'POST', path: '/api/runs', status: 500, applied: true, times: 1 }],
  exitCode: 0,
  // The orphan is cancelled before the retry; the retried run completes.
  runStates: ['cancelled', 'completed'],
  message: /cancelled the run it had created \([0-9a-f-]{36}\), retrying/,
};

/** A scenario that holds its device ~12 s and prints `CHAOS-MID-SCENARIO` as it starts waiting. */
export const LONG_SCENARIO = `  Scenario: Long screen
    When I look at the screen
    And I keep looking at the screen for a while
`;

/** Waits until cucumber's stdout shows `marker`. */
export async function waitForOutput(output: () => string, marker: string, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!output().includes(marker)) {
    if (Date.now() > deadline) throw new Error(`"${marker}" never appeared on stdout`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Outages, Grid faults and cucumber options that take longer (`npm run test:chaos`). */
export const OUTAGE_ROWS: ChaosRow[] = [
  {
    id: 'manager-restart-10s',
    group: 'manager',
    fault: 'connection refused for 10 s mid-run (manager restart; state kept), as a scenario ends',
    feature: `Feature: Chaos
  Scenario: Ends during the outage
    When I look at the screen
    And the manager goes away as this scenario ends

${screens(3).replace('Feature: Chaos\n', '')}`,
    env: { GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '2', GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '60' },
    during: async (ctx, output) => {
      await waitForOutput(output, 'CHAOS-OUTAGE-NOW');
      await ctx.proxy.down();
      ctx.injected();
      await new Promise((r) => setTimeout(r, 10_000));
      await ctx.proxy.reopen();
    },
    // The status of the scenario that ended in the outage reaches the manager only if it is re-sent;
    // claims made in the outage wait for the manager instead of failing their scenario.
    exitCode: 0,
    message: /re-sent session \S+ status passed/,
  },
  {
    id: 'manager-claim-answer-lost',
    group: 'manager',
    fault: 'a claim lands but answers 500, another lands and drops its connection',
    feature: screens(3),
    faults: [
      { method: 'POST', path: '/api/runs/*/claim', status: 500, applied: true, times: 1 },
      { method: 'POST', path: '/api/runs/*/claim', drop: true, applied: true, times: 1 },
    ],
    exitCode: 0,
    runStates: ['completed'],
    message: /a claim whose answer was lost had taken it/,
  },
  {
    id: 'manager-down-at-end',
    group: 'manager',
    fault: 'manager unreachable from mid-run until cucumber exits; the lab expires the run',
    feature: `Feature: Chaos\n${LONG_SCENARIO}`,
    serial: true,
    env: { GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '2', GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '30' },
    during: async (ctx, output) => {
      await waitForOutput(output, 'CHAOS-MID-SCENARIO');
      await ctx.proxy.down();
      ctx.injected();
    },
    managerDownAtEnd: true,
    exitCode: 'consistent',
    message: /ECONNREFUSED|connect|unreachable/i,
  },
  {
    id: 'grid-unreachable',
    group: 'appium-grid',
    fault: 'GRID_URL points at a closed port',
    feature: screens(2),
    env: { GRID_URL: 'http://127.0.0.1:9' },
    stepFaults: 1,
    exitCode: 1,
    message: /127\.0\.0\.1:9|ECONNREFUSED|Grid/i,
  },
  {
    id: 'cucumber-retry-2-flaky',
    group: 'cucumber',
    fault: '`--retry 2` with a scenario that fails its first attempt',
    feature: `Feature: Chaos
  Scenario: Flaky
    When I look at the screen
    Then it passes on the second attempt

  Scenario: Steady
    When I look at the screen
`,
    args: ['--retry', '2'],
    stepFaults: 1,
    exitCode: 0,
    runStates: ['completed'],
  },
];

/**
 * What a Grid-side driver failure must leave behind: exactly one scenario failed, one device-less
 * `error-…` session for it, and its device (only it) released with a cooldown.
 */
function driverFailureChecks(deviceId: string) {
  return (outcome: RowOutcome): Record<string, unknown> => {
    const errorSessions = outcome.sessions.filter((s) => /^error-/.test(s.session_id));
    const cooldowns = outcome.requests.filter((r) => r.endsWith('/release-with-cooldown'));
    return {
      one_scenario_failed_ok: outcome.failedFinals === 1,
      error_session_registered_ok: errorSessions.length === 1 && errorSessions[0]?.status === 'error',
      device_cooled_down_ok:
        cooldowns.length === 1 && cooldowns[0]?.includes(`/devices/${deviceId}/`) === true,
    };
  };
}

/** Appium killed mid-scenario and restarted (both eras; the router era's row overrides the texts). */
export const APPIUM_KILLED_ROW: ChaosRow = {
  id: 'appium-killed',
  group: 'appium-grid',
  fault: 'Appium killed (SIGKILL) mid-scenario, restarted 2 s later',
  feature: `Feature: Chaos\n${LONG_SCENARIO}\n${screens(2).replace('Feature: Chaos\n', '')}`,
  serial: true,
  during: async (ctx, output) => {
    await waitForOutput(output, 'CHAOS-MID-SCENARIO');
    await killAndRestartAppium(ctx.stack.pids.appium, ctx.stack.appiumUrl);
    ctx.injected();
  },
  gridSessionsMayRemain:
    'the Grid cannot relay the DELETE of a session whose Appium died; it frees the slot at its session timeout (120 s)',
  exitCode: 1,
  message: /Connection error/,
};

const queueLab = twoDeviceLab();
const goneLab = twoDeviceLab({ goneTarget: 'gone-from-grid-0001' });
let slotHolder: SlotHolder | undefined;

/** Rows that disturb the shared stack itself: they run last. */
export const STACK_ROWS: ChaosRow[] = [
  {
    id: 'grid-session-request-timeout',
    group: 'appium-grid',
    fault: `session creation times out at the Grid: a session outside the manager holds one device's slot, the new-session request queues for the Grid's session-request-timeout (${GRID_QUEUE_TIMEOUT_SEC} s)`,
    lab: () => queueLab.lab,
    feature: screens(3),
    env: { GRIDFLEET_COOLDOWN_SEC: '300' },
    before: async (ctx) => {
      slotHolder = await occupySlot(ctx.stack.gridUrl, queueLab.target.connectionTarget);
      ctx.injected();
    },
    after: async () => {
      await slotHolder?.release();
    },
    exitCode: 1,
    message:
      /New session request timed out[\s\S]*session-request-timeout[\s\S]*released with a 300 s cooldown/,
    verify: driverFailureChecks(queueLab.target.id),
  },
  {
    id: 'grid-device-gone',
    group: 'appium-grid',
    fault: 'a device gone from the Grid: the manager hands out a device whose udid no Grid slot advertises',
    lab: () => goneLab.lab,
    feature: screens(3),
    env: { GRIDFLEET_COOLDOWN_SEC: '300' },
    stepFaults: 1,
    exitCode: 1,
    message: /No Grid slot advertises appium:udid "gone-from-grid-0001"/,
    verify: driverFailureChecks(goneLab.target.id),
  },
  APPIUM_KILLED_ROW,
];

/** Random faults: their outcome varies from run to run, so they stay out of the fast (npm test) set. */
export const RANDOM_ROWS: ChaosRow[] = [
  {
    id: 'manager-5xx-random',
    group: 'manager',
    fault: '500 on 10% and 503 on 6% of all /api requests (random)',
    feature: screens(6),
    faults: [
      { path: '/api/**', status: 500, probability: 0.1 },
      { path: '/api/**', status: 503, probability: 0.06 },
    ],
    exitCode: 'consistent',
  },
];

/** Every row after the fast ones, in the order `npm run test:chaos` runs them (stack-disturbing rows last). */
export const FULL_ROWS: ChaosRow[] = [
  ...RANDOM_ROWS,
  ...ENDPOINT_ROWS,
  RESERVE_LOST_ROW,
  ...OUTAGE_ROWS,
  ...STACK_ROWS,
];
