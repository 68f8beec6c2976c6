/**
 * The router-era set of `npm run bench` (issue #13): round trips per scenario (public API and the
 * router's internal calls apart), added wall time over a bare webdriverio create/delete loop through the
 * same router, and the device idle gap with 4 workers / 2 devices while the lab re-tries queued sessions
 * on the real manager's plain 1 s tick — each beside the testkit 0.16.2 flow in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack } from '../lab/src/stack';
import { GridFleetClient } from '../src/client';
import { plainSession } from './baselines';
import { BENCH_LANE, benchLab } from './bench_lab';
import { type CucumberTimings, runCucumber } from './cucumber_run';
import {
  type RouterRoundTrips,
  readRequestLog,
  resetLab,
  routerIdleGaps,
  routerRoundTrips,
} from './request_log';
import { type Summary, summarize } from './stats';
import { runScopedBase, testkitCapabilities, testkitRun } from './testkit_flow';

/** The real manager's cadence: a queued session is re-tried every 1 s, not when a device frees up. */
export const ROUTER_BENCH_SETTINGS = { allocation_retry_sec: 1, allocation_wake_on_release: false } as const;

/** Sizes the router set takes from the bench profile. */
export interface RouterBenchSize {
  bare: number;
  scenarios: number;
  contention: number;
}

/** What the router set measured (`.results/bench/results-router.json`). */
export interface RouterBenchResults {
  settings: typeof ROUTER_BENCH_SETTINGS;
  roundTrips: { ours: RouterRoundTrips; testkit: RouterRoundTrips };
  scenarioWallMs: {
    bareWebdriverio: Summary;
    ours: Summary;
    testkit: Summary;
    oursOverBareMedianMs: number | null;
    testkitOverBareMedianMs: number | null;
  };
  /** `all`: every gap; `steady`: each worker's first session left out (its start-up, not allocation). */
  idleGapMs: { ours: { all: Summary; steady: Summary }; testkit: { all: Summary; steady: Summary } };
}

/**
 * The floor: `iterations` bare webdriverio create/delete loops through the router at
 * `GRID_URL/run/{id}/session`, on a run of one bench device (reserved and completed outside the timing).
 */
export async function routerBareLoop(gridUrl: string, apiUrl: string, iterations: number): Promise<number[]> {
  const client = new GridFleetClient(apiUrl, { auth: null });
  const run = await client.reserveDevices({
    name: 'bench bare webdriverio loop',
    requirements: [{ packId: BENCH_LANE.pack_id, platformId: BENCH_LANE.platform_id, count: 1 }],
    createdBy: 'bench',
  });
  await client.activateRun(run.id);
  const base = runScopedBase(gridUrl, run.id);
  const capabilities = await testkitCapabilities(client, 'bare loop');
  for (let i = 0; i < 5; i += 1) await (await plainSession(base, capabilities)).deleteSession();
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    const driver = await plainSession(base, capabilities);
    await driver.deleteSession();
    times.push(performance.now() - t0);
  }
  await client.completeRun(run.id);
  return times;
}

const overMedian = (a: Summary, b: Summary): number | null =>
  a.median !== null && b.median !== null ? Math.round((a.median - b.median) * 100) / 100 : null;

function mustPass(label: string, run: CucumberTimings): CucumberTimings {
  if (run.exitCode !== 0)
    throw new Error(
      `bench: router-era cucumber run "${label}" failed (exit ${run.exitCode}):\n${run.stderr}`,
    );
  return run;
}

/** Runs the router-era set on its own stack (router simulator + router-generation lab + Appium). */
export async function routerBench(
  size: RouterBenchSize,
  log: (line: string) => void,
): Promise<RouterBenchResults> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'gridfleet-bench-router-'));
  log('router era: starting the stack (router-generation lab + router simulator + Appium)');
  const stack = await startStack({
    generation: 'router',
    lab: benchLab(ROUTER_BENCH_SETTINGS),
    labInProcess: true,
    stateDir,
    ports: { lab: 0, grid: 0, appium: 0 },
  });
  try {
    const env = { ...stack.env, GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '30' };
    log(`router era: testkit 0.16.2 flow, 1 worker / 1 device, ${size.scenarios} tests`);
    await resetLab(stack.labUrl);
    const testkit = await testkitRun(stack, { workers: 1, devices: 1, scenarios: size.scenarios });
    const testkitTrips = routerRoundTrips(await readRequestLog(stack.labUrl), size.scenarios);

    // Two halves around the serial cucumber run, so both see the same machine load.
    log('router era: bare webdriverio create/delete loop through the router (first half)');
    const bare = await routerBareLoop(stack.gridUrl, stack.apiUrl, Math.ceil(size.bare / 2));
    log(`router era: gridfleet-cucumber, 1 worker / 1 device, ${size.scenarios} scenarios`);
    await resetLab(stack.labUrl);
    const one = mustPass(
      '1w',
      await runCucumber({ env, scenarios: size.scenarios, devices: 1, parallel: 1 }),
    );
    const oursTrips = routerRoundTrips(await readRequestLog(stack.labUrl), size.scenarios);
    log('router era: bare webdriverio create/delete loop through the router (second half)');
    bare.push(...(await routerBareLoop(stack.gridUrl, stack.apiUrl, Math.floor(size.bare / 2))));

    log(`router era: gridfleet-cucumber, 4 workers / 2 devices, ${size.contention} scenarios`);
    await resetLab(stack.labUrl);
    mustPass('contention', await runCucumber({ env, scenarios: size.contention, devices: 2, parallel: 4 }));
    const oursGaps = await routerIdleGaps(stack.apiUrl, 4);
    log(`router era: testkit 0.16.2 flow, 4 workers / 2 devices, ${size.contention} tests`);
    await resetLab(stack.labUrl);
    await testkitRun(stack, { workers: 4, devices: 2, scenarios: size.contention });
    const testkitGaps = await routerIdleGaps(stack.apiUrl, 4);

    const bareS = summarize(bare);
    // The first scenario of a process also pays the webdriverio import and the catalog (start-up).
    const oursS = summarize(one.testCaseMs.slice(1));
    const testkitS = summarize(testkit.times.slice(1));
    return {
      settings: ROUTER_BENCH_SETTINGS,
      roundTrips: { ours: oursTrips, testkit: testkitTrips },
      scenarioWallMs: {
        bareWebdriverio: bareS,
        ours: oursS,
        testkit: testkitS,
        oursOverBareMedianMs: overMedian(oursS, bareS),
        testkitOverBareMedianMs: overMedian(testkitS, bareS),
      },
      idleGapMs: {
        ours: { all: summarize(oursGaps.all), steady: summarize(oursGaps.steady) },
        testkit: { all: summarize(testkitGaps.all), steady: summarize(testkitGaps.steady) },
      },
    };
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
