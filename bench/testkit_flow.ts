/**
 * The router-era baseline: what the Python testkit 0.16.2 does per test and what its xdist recipe does
 * per run (docs/manager-api.md §R7.1 and §R7.2), as a small TypeScript loop on the same stack.
 */

import type { RunningStack } from '../lab/src/stack';
import { GridFleetClient } from '../src/client';
import { enabledPacks } from '../src/client/schemas/catalog';
import { plainSession } from './baselines';
import { BENCH_LANE } from './bench_lab';

/** The run-scoped WebDriver base the testkit uses: `{GRID_URL}/run/{run_id}` (trailing `/` trimmed). */
export function runScopedBase(gridUrl: string, runId: string): string {
  return `${gridUrl.replace(/\/+$/, '')}/run/${runId}`;
}

/**
 * The capabilities docs/manager-api.md §C7.1 step 2 builds from the catalog for the bench lane: platformName, automation
 * name, `appium:platform`, and `gridfleet:testName`; no run id, no device identity.
 */
export async function testkitCapabilities(
  client: GridFleetClient,
  testName: string,
): Promise<Record<string, unknown>> {
  const catalog = await client.getDriverPackCatalog();
  const platform = enabledPacks(catalog)
    .find((p) => p.id === BENCH_LANE.pack_id)
    ?.platforms.find((p) => p.id === BENCH_LANE.platform_id);
  if (!platform) throw new Error(`bench: the catalog has no ${BENCH_LANE.pack_id}/${BENCH_LANE.platform_id}`);
  return {
    platformName: platform.appium_platform_name,
    'appium:automationName': platform.automation_name,
    'appium:platform': platform.id,
    'gridfleet:testName': testName,
  };
}

/**
 * One test as the testkit's `appium_driver` fixture runs it (docs/manager-api.md §C7.1): catalog, create at
 * `GRID_URL/run/{id}/session` (waits in the manager's queue while no device is free), DELETE, then
 * `PATCH /sessions/{id}/status`; no test commands (the bench scenarios have none either). Returns its
 * wall time in ms.
 */
export async function testkitTest(
  client: GridFleetClient,
  gridUrl: string,
  runId: string,
  testName: string,
): Promise<number> {
  const t0 = performance.now();
  const capabilities = await testkitCapabilities(client, testName);
  const driver = await plainSession(runScopedBase(gridUrl, runId), capabilities);
  const sessionId = driver.sessionId;
  await driver.deleteSession();
  await client.updateSessionStatus(sessionId, 'passed');
  return performance.now() - t0;
}

/** Result of {@link testkitRun}. */
export interface TestkitRunResult {
  runId: string;
  /** Each test's wall time (ms), in completion order. */
  times: number[];
  /** From the first test's start to the last test's end (ms). */
  wallMs: number;
}

/**
 * The xdist recipe (docs/manager-api.md §C7.2): the controller reserves the run (`POST /runs`), signals ready and active,
 * heartbeats every 30 s; `workers` workers share a queue of `scenarios` tests, each creating its own
 * drivers; at the end the controller completes the run.
 */
export async function testkitRun(
  stack: RunningStack,
  options: { workers: number; devices: number; scenarios: number },
): Promise<TestkitRunResult> {
  const client = new GridFleetClient(stack.apiUrl, { auth: null });
  const run = await client.reserveDevices({
    name: `bench testkit 0.16.2 flow (${options.workers}w/${options.devices}d)`,
    requirements: [
      { packId: BENCH_LANE.pack_id, platformId: BENCH_LANE.platform_id, count: options.devices },
    ],
    createdBy: 'bench',
  });
  await client.signalReady(run.id);
  const heartbeat = setInterval(() => void client.heartbeat(run.id).catch(() => undefined), 30_000);
  try {
    await client.signalActive(run.id);
    let next = 0;
    const times: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: options.workers }, async (_, w) => {
        while (next < options.scenarios) {
          next += 1;
          times.push(await testkitTest(client, stack.gridUrl, run.id, `test_bench[gw${w}-${next}]`));
        }
      }),
    );
    const wallMs = performance.now() - t0;
    await client.completeRun(run.id);
    return { runId: run.id, times, wallMs };
  } finally {
    clearInterval(heartbeat);
  }
}
