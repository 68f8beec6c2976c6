// Type-checked copies of the README's code snippets (`npm run typecheck` covers this file), so the
// documented API cannot drift from the real one. Nothing here runs.
import {
  createAppiumDriver,
  GridFleetClient,
  getDeviceConfigForDriver,
  hydrateAllocatedDevice,
  registerRunCleanup,
  setGridFleetLogger,
} from '../../src/index';

export async function directAppiumUsage(): Promise<void> {
  const driver = await createAppiumDriver({
    packId: 'appium-uiautomator2',
    platformId: 'firetv_real',
    testName: 'manual-smoke',
  });
  try {
    const config = await getDeviceConfigForDriver(driver);
    void config;
  } finally {
    await driver.deleteSession();
  }
}

export async function reservationFlow(): Promise<void> {
  const client = new GridFleetClient('http://manager-ip:8000/api');
  const run = await client.reserveDevices({
    name: 'my-test-run',
    requirements: [
      {
        packId: 'appium-uiautomator2',
        platformId: 'firetv_real',
        osVersion: '8',
        allocation: 'all_available',
        minCount: 1,
      },
    ],
    ttlMinutes: 45,
    createdBy: 'local-dev',
  });
  const heartbeat = client.startHeartbeat(run.id, 30);
  const cleanup = registerRunCleanup(client, run.id, heartbeat);
  await client.activateRun(run.id);
  const [first] = run.devices;
  if (first) {
    await client.reportPreparationFailure(run.id, first.device_id, 'Driver bootstrap timed out', {
      source: 'local-dev',
    });
  }
  await client.completeRun(run.id);
  await cleanup();
}

export async function claimWithCooldown(client: GridFleetClient, runId: string): Promise<void> {
  const claim = await client.claimDeviceWithRetry(runId, {
    workerId: 'gw0',
    maxWaitSec: 300,
    include: ['config'],
  });
  try {
    await client.releaseDevice(runId, { deviceId: claim.device_id, workerId: 'gw0' });
  } catch (error) {
    await client.releaseDeviceWithCooldown(runId, {
      deviceId: claim.device_id,
      workerId: 'gw0',
      reason: String(error),
      ttlSeconds: 60,
    });
    throw error;
  }
}

export async function hydration(client: GridFleetClient, runId: string): Promise<void> {
  const claim = await client.claimDevice(runId, { workerId: 'w0', include: ['config', 'capabilities'] });
  const device = await hydrateAllocatedDevice(claim, { runId, client });
  void [device.platformName, device.udid, device.config, device.liveCapabilities];
}

export function oneLogger(myLog: { warn(line: string): void }): void {
  setGridFleetLogger({ warn: (line) => myLog.warn(line) }); // default: console.warn (stderr)
}
