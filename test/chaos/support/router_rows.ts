/**
 * Router-era rows of the fault matrix (issue #13): each a real `cucumber-js --parallel 2` run on the
 * router-era rig (router-generation lab + router simulator + Appium), checked through what an operator
 * sees. Contract: docs/manager-api.md §R4 (router), docs/manager-api.md §R4.6 (internal grid API).
 */
import type { RouterChaosRow } from './router_matrix_suite';
import { APPIUM_KILLED_ROW, operatorFeature, screens } from './rows';

/** Sets every lab device's `operational_state` (admin `PATCH /lab/devices/{id}`). */
async function setAllDevices(labUrl: string, state: 'busy' | 'available'): Promise<void> {
  const devices = (await (await fetch(`${labUrl}/api/devices`)).json()) as Array<{ id: string }>;
  for (const d of devices) {
    const response = await fetch(`${labUrl}/lab/devices/${d.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operational_state: state }),
    });
    if (!response.ok) throw new Error(`PATCH /lab/devices/${d.id} answered ${response.status}`);
  }
}

/** Waits for the cucumber run's reservation, then pins every device (before the first create lands). */
async function pinDevicesOnceReserved(labUrl: string, state: 'busy'): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const page = (await (await fetch(`${labUrl}/api/runs`)).json()) as { items: unknown[] };
    if (page.items.length > 0) break;
    if (Date.now() > deadline) throw new Error('no run was reserved within 60 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  await setAllDevices(labUrl, state);
}

/** Waits until a session request of a run waits in the manager's queue (`GET /api/grid/queue`); its run id. */
async function queuedRunId(labUrl: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const queue = (await (await fetch(`${labUrl}/api/grid/queue`)).json()) as {
      requests: Array<{ runId: string | null }>;
    };
    const runId = queue.requests.find((r) => r.runId !== null)?.runId;
    if (runId) return runId;
    if (Date.now() > deadline) throw new Error('no session request was queued within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGINT or SIGTERM to cucumber once both workers' scenarios hold a device. */
function signalRow(signal: 'SIGINT' | 'SIGTERM', exitCode: number): RouterChaosRow {
  return {
    id: `router-${signal.toLowerCase()}`,
    group: 'cucumber',
    fault: `router era: ${signal} with \`--parallel 2\` mid-scenario`,
    feature: `Feature: Chaos
  Scenario: Interrupted 1
    When I wait to be interrupted

  Scenario: Interrupted 2
    When I wait to be interrupted
`,
    interruptWhen: (stdout) =>
      (stdout.match(/FIXTURE-READY-FOR-SIGNAL/g)?.length ?? 0) >= 2 ? signal : undefined,
    stepFaults: 1,
    exitCode,
    runStates: ['cancelled'],
    message: new RegExp(`${signal} received; ending sessions`),
  };
}

/** Deterministic router-era rows of a few seconds each (`npm run test:chaos:fast`). */
export const ROUTER_FAST_ROWS: RouterChaosRow[] = [
  {
    id: 'router-unreachable',
    group: 'appium-grid',
    fault: 'router era: GRID_URL points at a closed port (router unreachable)',
    feature: screens(2),
    env: { GRID_URL: 'http://127.0.0.1:9' },
    stepFaults: 1,
    exitCode: 1,
    runStates: ['cancelled'],
    message: /127\.0\.0\.1:9|ECONNREFUSED/i,
  },
  {
    id: 'router-manager-500-create-session',
    group: 'manager',
    fault: "router era: the manager answers 500 to the router's first 2 `create-session` calls",
    feature: screens(3),
    faults: [{ method: 'POST', path: '/internal/grid/create-session', status: 500, times: 2 }],
    exitCode: 0,
    runStates: ['completed'],
  },
  {
    id: 'router-manager-500-status-patch',
    group: 'manager',
    fault: 'router era: one 500 on `PATCH /sessions/{id}/status`',
    feature: screens(3),
    faults: [{ method: 'PATCH', path: '/api/sessions/*/status', status: 500, times: 1 }],
    exitCode: 0,
    runStates: ['completed'],
  },
  {
    id: 'router-run-cancelled',
    group: 'run',
    fault: 'router era: an operator cancels the run while sessions run',
    feature: operatorFeature('Cancelled under me', 'an operator cancels the run'),
    stepFaults: 1,
    exitCode: 1,
    runStates: ['cancelled'],
  },
  {
    id: 'router-run-expired',
    group: 'run',
    fault: 'router era: the run misses its heartbeat timeout (virtual clock +600 s) mid-scenario',
    feature: operatorFeature('Expires under me', 'the run misses its heartbeats long enough to expire'),
    stepFaults: 1,
    env: { GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '10', GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '2' },
    exitCode: 1,
    runStates: ['expired'],
  },
  {
    id: 'router-worker-crash',
    group: 'cucumber',
    fault: 'router era: a worker crashes (`process.exit(3)` in a step)',
    feature: `Feature: Chaos
  Scenario: Crashes
    When I look at the screen
    And the worker crashes

  Scenario: Bystander
    When I look at the screen
`,
    stepFaults: 1,
    exitCode: 1,
  },
];

/** Router-era rows that wait for real time or disturb the shared Appium (`npm run test:chaos`). */
export const ROUTER_FULL_ROWS: RouterChaosRow[] = [
  {
    id: 'router-manager-outage-create-session',
    group: 'manager',
    fault:
      'router era: manager outage behind the router: 503 on its first 6 `create-session` calls (re-tried every 0.5 s)',
    feature: screens(3),
    faults: [{ method: 'POST', path: '/internal/grid/create-session', status: 503, times: 6 }],
    exitCode: 0,
    runStates: ['completed'],
  },
  {
    id: 'router-queue-timeout',
    group: 'appium-grid',
    fault:
      'router era: queue timeout (`queue_timeout_sec` 2): every device is pinned busy once the run is reserved',
    labSettings: { queue_timeout_sec: 2 },
    feature: screens(2),
    during: async (ctx) => {
      await pinDevicesOnceReserved(ctx.lab.url, 'busy');
      ctx.injected();
    },
    after: async (ctx) => {
      await setAllDevices(ctx.lab.url, 'available');
    },
    exitCode: 1,
    runStates: ['cancelled'],
    // The router's answer to the manager's 410 (ticket expired).
    message: /no matching device became available/,
  },
  {
    id: 'router-run-cancelled-while-queued',
    group: 'run',
    fault:
      "router era: an operator cancels the run while its session requests wait in the manager's queue (devices pinned busy)",
    feature: screens(2),
    during: async (ctx) => {
      await pinDevicesOnceReserved(ctx.lab.url, 'busy');
      const runId = await queuedRunId(ctx.lab.url);
      const response = await fetch(`${ctx.lab.apiUrl}/runs/${runId}/cancel`, { method: 'POST' });
      if (!response.ok) throw new Error(`cancel answered ${response.status}`);
      ctx.injected();
    },
    after: async (ctx) => {
      await setAllDevices(ctx.lab.url, 'available');
    },
    exitCode: 1,
    runStates: ['cancelled'],
    message: /run [0-9a-f-]{36} is cancelled; sessions can only be created for a live/,
  },
  signalRow('SIGINT', 130),
  signalRow('SIGTERM', 143),
  {
    ...APPIUM_KILLED_ROW,
    id: 'router-appium-killed',
    fault: 'router era: Appium killed (SIGKILL) mid-scenario, restarted 2 s later',
    // The router drops the route of a session whose Appium died: nothing is left to wait for.
    gridSessionsMayRemain: undefined,
    message: /upstream http:\/\/127\.0\.0\.1:\d+ failed: connect ECONNREFUSED/,
    // Recorded: the device the failure hit is cooled down (the next scenario may wait it out).
    verify: (outcome) => ({
      cooldowns: outcome.requests.filter((r) => /^POST \/api\/runs\/[^/]+\/devices\/[^/]+\/cooldown/.test(r))
        .length,
    }),
  },
];
