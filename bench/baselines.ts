import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import type { RunningStack } from '../lab/src/stack';
import { GridFleetClient, NoClaimableDevicesError } from '../src/client';
import { BENCH_LANE } from './bench_lab';

/**
 * Opens a WebDriver session at `baseUrl` (`{baseUrl}/session`) with `capabilities`, as plainly as
 * webdriverio allows.
 */
export async function plainSession(baseUrl: string, capabilities: Record<string, unknown>): Promise<Browser> {
  const { remote } = await import('webdriverio');
  const url = new URL(baseUrl);
  return remote({
    protocol: url.protocol.replace(':', ''),
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    logLevel: 'warn',
    capabilities: capabilities as WebdriverIO.Capabilities,
  });
}

/** Opens a WebDriver session through the Grid pinned to `udid`, as plainly as webdriverio allows. */
export function bareSession(gridUrl: string, udid: string): Promise<Browser> {
  return plainSession(gridUrl, {
    platformName: 'Fake',
    'appium:automationName': 'Fake',
    'appium:udid': udid,
  });
}

/** The floor: `iterations` create/quit loops of a bare webdriverio session on one device. Returns ms per iteration. */
export async function bareLoop(stack: RunningStack, iterations: number): Promise<number[]> {
  const udid = stack.devices[0]?.udid ?? 'BENCH0001';
  // Warm-up: the webdriverio import, and the JIT of a freshly started Grid JVM and Appium.
  for (let i = 0; i < 5; i += 1) await (await bareSession(stack.gridUrl, udid)).deleteSession();
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    const driver = await bareSession(stack.gridUrl, udid);
    await driver.deleteSession();
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * The machine's own scaling ceiling: `loops` bare create/quit loops running side by side (one per device,
 * in this process: a loop mostly waits on the Grid and Appium), each for `iterations` sessions after a
 * short warm-up. Returns sessions per second over the timed part.
 */
export async function bareThroughput(
  stack: RunningStack,
  loops: number,
  iterations: number,
): Promise<number> {
  const udids = stack.devices.slice(0, loops).map((d) => d.udid);
  if (udids.length < loops) throw new Error(`bench: ${loops} bare loops need ${loops} devices on the stack`);
  await Promise.all(
    udids.map(async (udid) => {
      for (let i = 0; i < 3; i += 1) await (await bareSession(stack.gridUrl, udid)).deleteSession();
    }),
  );
  const t0 = performance.now();
  await Promise.all(
    udids.map(async (udid) => {
      for (let i = 0; i < iterations; i += 1) await (await bareSession(stack.gridUrl, udid)).deleteSession();
    }),
  );
  return Math.round(((loops * iterations) / ((performance.now() - t0) / 1000)) * 100) / 100;
}

/** A reserved, active run of `count` bench devices (the testkit recipe's setup). */
export async function reserveBenchRun(client: GridFleetClient, count: number): Promise<string> {
  const run = await client.reserveDevices({
    name: `bench testkit recipe (${count} devices)`,
    requirements: [{ packId: BENCH_LANE.pack_id, platformId: BENCH_LANE.platform_id, count }],
    createdBy: 'bench',
  });
  await client.activateRun(run.id);
  return run.id;
}

/**
 * One scenario the way the Python testkit's README recipe does it: claim (sleeping the server's
 * Retry-After while nothing is claimable), GET the device, GET its config, create the session pinned to
 * the device, register it, quit, report the status, release. Returns its wall time in ms.
 */
export async function recipeScenario(
  client: GridFleetClient,
  gridUrl: string,
  runId: string,
  workerId: string,
): Promise<number> {
  const t0 = performance.now();
  let claim: Awaited<ReturnType<GridFleetClient['claimDevice']>>;
  for (;;) {
    try {
      claim = await client.claimDevice(runId, { workerId });
      break;
    } catch (error) {
      if (!(error instanceof NoClaimableDevicesError)) throw error;
      const sec = error.retryAfterHeaderSec ?? error.retryAfterSec;
      await new Promise((resolve) => setTimeout(resolve, sec * 1000));
    }
  }
  const device = await client.getDevice(claim.device_id);
  await client.getDeviceConfigById(claim.device_id);
  const driver = await bareSession(gridUrl, device.connection_target ?? device.identity_value);
  const sessionId = driver.sessionId;
  await client.registerSession({
    sessionId,
    testName: `recipe ${workerId}`,
    deviceId: claim.device_id,
    connectionTarget: device.connection_target,
    status: 'running',
  });
  await driver.deleteSession();
  await client.updateSessionStatus(sessionId, 'passed');
  await client.releaseDevice(runId, { deviceId: claim.device_id, workerId });
  return performance.now() - t0;
}

/**
 * `workers` concurrent recipe workers sharing a queue of `scenarios` scenarios on a run of `devices`
 * devices. Returns each scenario's wall time (ms) and the run id (for completion).
 */
export async function recipeRun(
  stack: RunningStack,
  options: { workers: number; devices: number; scenarios: number },
): Promise<{ runId: string; times: number[]; wallMs: number }> {
  const client = new GridFleetClient(stack.apiUrl, { auth: null });
  const runId = await reserveBenchRun(client, options.devices);
  let left = options.scenarios;
  const times: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: options.workers }, async (_, w) => {
      while (left > 0) {
        left -= 1;
        times.push(await recipeScenario(client, stack.gridUrl, runId, `recipe-${w}`));
      }
    }),
  );
  const wallMs = performance.now() - t0;
  await client.completeRun(runId);
  return { runId, times, wallMs };
}
