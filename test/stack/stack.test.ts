/**
 * The real local stack: lab + Appium 3 (fake driver) + Selenium Grid 4 standalone relay, started on
 * free ports. Sessions go through the Grid with webdriverio exactly as a suite's would.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPortFree } from '../../lab/src/stack';
import { readPidFiles } from '../../lab/src/stack/pid_files';
import { isAlive } from '../../lab/src/stack/processes';
import { withStack } from '../support';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function gridSession(gridUrl: string, capabilities: Record<string, string>) {
  const { remote } = await import('webdriverio');
  const url = new URL(gridUrl);
  return remote({
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    capabilities: capabilities as WebdriverIO.Capabilities,
    logLevel: 'silent',
    connectionRetryCount: 0,
  });
}

describe('local stack (lab + Appium fake driver + Grid standalone relay)', () => {
  const fixture = withStack();

  test('exports env pointing at the lab API and the Grid, and the lab serves the lab devices', async () => {
    const { stack } = fixture;
    assert.equal(stack.env.GRIDFLEET_API_URL, stack.apiUrl);
    assert.equal(stack.env.GRID_URL, stack.gridUrl);
    assert.ok(stack.devices.length >= 2, 'the demo lab has at least two devices');
    const response = await fetch(`${stack.apiUrl}/devices`);
    assert.equal(response.status, 200);
    const ids = ((await response.json()) as { id: string }[]).map((d) => d.id).sort();
    assert.deepEqual(ids, stack.devices.map((d) => d.id).sort());
    const run = await fetch(`${stack.apiUrl}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'stack-test', requirements: [] }),
    });
    assert.equal(
      ((await run.json()) as { grid_url?: string }).grid_url,
      stack.gridUrl,
      'runs report this Grid',
    );
  });

  test('a session pinned with appium:udid lands on that device and screenshots are PNG', async () => {
    const { stack } = fixture;
    // Not the first device: an unpinned standalone always picks the first slot.
    const device = stack.devices[stack.devices.length - 1];
    assert.ok(device);
    const driver = await gridSession(stack.gridUrl, {
      platformName: device.stereotype.platformName as string,
      'appium:automationName': device.stereotype['appium:automationName'] as string,
      'appium:udid': device.udid,
      'gridfleet:testName': 'stack pinned session',
    });
    try {
      const caps = driver.capabilities as Record<string, unknown>;
      assert.equal(caps['appium:udid'] ?? caps.udid, device.udid);
      assert.equal(caps['appium:gridfleet:deviceId'] ?? caps['gridfleet:deviceId'], device.id);
      assert.equal(caps['appium:platform'] ?? caps.platform, device.platformId);
      const png = Buffer.from(await driver.takeScreenshot(), 'base64');
      assert.ok(png.length > PNG_MAGIC.length, 'screenshot is not empty');
      assert.deepEqual(png.subarray(0, PNG_MAGIC.length), PNG_MAGIC);
    } finally {
      await driver.deleteSession();
    }
  });

  test('every device is reachable by its udid', async () => {
    const { stack } = fixture;
    for (const device of stack.devices) {
      const driver = await gridSession(stack.gridUrl, { 'appium:udid': device.udid });
      try {
        const caps = driver.capabilities as Record<string, unknown>;
        assert.equal(caps['appium:gridfleet:deviceId'] ?? caps['gridfleet:deviceId'], device.id, device.name);
      } finally {
        await driver.deleteSession();
      }
    }
  });

  test('an unknown udid fails at once with the Grid "No nodes support the capabilities" error', async () => {
    const { stack } = fixture;
    await assert.rejects(
      gridSession(stack.gridUrl, {
        platformName: 'Fake',
        'appium:automationName': 'Fake',
        'appium:udid': 'no-such-device',
      }),
      /No nodes support the capabilities/,
    );
  });

  test('stop() ends every process by PID, frees the ports and removes the PID files', async () => {
    const { stack } = fixture;
    const pids = Object.values(stack.pids).filter((p): p is number => p !== undefined);
    assert.ok(pids.length >= 2);
    assert.ok(pids.every(isAlive), 'all processes run before stop()');
    assert.equal(readPidFiles(stack.stateDir).length, pids.length);
    await stack.stop();
    assert.deepEqual(pids.filter(isAlive), []);
    assert.deepEqual(readPidFiles(stack.stateDir), []);
    for (const port of Object.values(stack.ports)) assert.ok(await isPortFree(port), `port ${port} is free`);
  });
});
