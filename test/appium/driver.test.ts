/**
 * The Appium driver helpers against the real local stack: the GridFleet lab, Appium 3 (fake driver) and a
 * Selenium Grid 4 standalone relaying to it, one slot per lab device pinned by `appium:udid`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AppiumDriverCreationError,
  buildErrorSessionPayload,
  CapabilityResolutionError,
  createAppiumDriver,
  type DriverPackCatalogLike,
  errorSessionRegistration,
  getConnectionTargetFromDriver,
  getDeviceConfigForDriver,
  getDeviceTestDataForDriver,
  hydrateAllocatedDevice,
  hydrateAllocatedDeviceFromDriver,
} from '../../src/appium';
import { GridFleetClient } from '../../src/client';
import { freePort, withStack } from '../support';

const fixture = withStack();
const quiet = { warn() {} };

/** Reserves one device of `platformId` and claims it with config and test data inlined. */
async function claimOne(client: GridFleetClient, platformId: string, packId: string) {
  const run = await client.reserveDevices({
    name: `appium-it-${platformId}`,
    requirements: [{ packId, platformId, count: 1 }],
  });
  const claim = await client.claimDevice(run.id, { workerId: 'appium-it', include: ['config', 'test_data'] });
  return { runId: run.id, claim };
}

describe('createAppiumDriver through the real Grid', () => {
  test('a claimed device: lane + pin land on it; driver helpers read its config and test data', async () => {
    const { stack } = fixture;
    const client = new GridFleetClient(stack.apiUrl, { logger: quiet });
    const catalog: DriverPackCatalogLike = await client.getDriverPackCatalog();
    const { runId, claim } = await claimOne(client, 'firetv_real', 'appium-uiautomator2');
    try {
      const allocated = await hydrateAllocatedDevice(claim, { runId, client, catalog });
      assert.equal(allocated.platformName, 'Fake', 'the demo catalog names every platform Fake');
      assert.ok(allocated.connectionTarget, 'lab devices have connection targets');

      const driver = await createAppiumDriver({
        gridUrl: stack.gridUrl,
        packId: allocated.packId,
        platformId: allocated.platformId,
        testName: 'appium helpers: pinned session',
        catalog,
        pinTo: { connectionTarget: allocated.connectionTarget, deviceId: allocated.deviceId },
      });
      try {
        const caps = driver.capabilities as Record<string, unknown>;
        assert.equal(caps['appium:udid'], allocated.connectionTarget);
        assert.equal(caps['appium:gridfleet:deviceId'], allocated.deviceId);
        assert.equal(caps['appium:platform'], 'firetv_real');
        assert.equal(caps['gridfleet:testName'], 'appium helpers: pinned session');
        assert.equal(getConnectionTargetFromDriver(driver), allocated.connectionTarget);

        assert.deepEqual(await getDeviceConfigForDriver(driver, { client }), allocated.config);
        assert.deepEqual(await getDeviceTestDataForDriver(driver, { client }), allocated.testData);

        const live = await hydrateAllocatedDeviceFromDriver(allocated, driver);
        assert.equal(live.liveCapabilities?.['appium:udid'], allocated.connectionTarget);
        assert.equal(live.udid, allocated.connectionTarget);
        assert.equal(live.deviceId, allocated.deviceId);
      } finally {
        await driver.deleteSession();
      }
    } finally {
      await client.cancelRun(runId);
    }
  });

  test('the driver helpers find the device by connection target when the session has no device id', async () => {
    const { stack } = fixture;
    const client = new GridFleetClient(stack.apiUrl, { logger: quiet });
    const device = stack.devices.find((candidate) => candidate.platformId === 'android_mobile');
    assert.ok(device, 'the demo lab has android_mobile devices');
    const driver = await createAppiumDriver({
      gridUrl: stack.gridUrl,
      platformId: 'android_mobile',
      client,
      pinTo: { connectionTarget: device.udid },
    });
    try {
      // The Grid echoes the stereotype's device id; drop it to exercise the connection-target lookup.
      const withoutId = { capabilities: { ...(driver.capabilities as Record<string, unknown>) } };
      delete withoutId.capabilities['appium:gridfleet:deviceId'];
      const row = await client.getDevice(device.id);
      assert.deepEqual(await getDeviceConfigForDriver(withoutId, { client }), row.device_config);
      assert.deepEqual(
        await getDeviceTestDataForDriver(withoutId, { client }),
        await client.getDeviceTestData(device.id),
      );
    } finally {
      await driver.deleteSession();
    }
  });

  test('GRID_URL without a scheme, and with a trailing slash, both reach the Grid', async () => {
    const { stack } = fixture;
    const client = new GridFleetClient(stack.apiUrl, { logger: quiet });
    const catalog = await client.getDriverPackCatalog();
    const url = new URL(stack.gridUrl);
    for (const gridUrl of [`${url.hostname}:${url.port}`, `${stack.gridUrl}/`]) {
      const driver = await createAppiumDriver({ env: { GRID_URL: gridUrl }, platformId: 'ios', catalog });
      try {
        assert.equal(typeof driver.sessionId, 'string');
        assert.equal((driver.capabilities as Record<string, unknown>)['appium:platform'], 'ios');
      } finally {
        await driver.deleteSession();
      }
    }
  });

  test('an unknown udid fails fast with the Grid message, the Grid URL and the capabilities; the error row registers', async () => {
    const { stack } = fixture;
    const client = new GridFleetClient(stack.apiUrl, { logger: quiet });
    const catalog = await client.getDriverPackCatalog();
    const error = await createAppiumDriver({
      gridUrl: stack.gridUrl,
      platformId: 'android_tv',
      testName: 'appium helpers: unknown udid',
      catalog,
      pinTo: { connectionTarget: 'no-such-device' },
      logLevel: 'silent',
    }).then(
      () => assert.fail('a session on an unknown udid must not be created'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof AppiumDriverCreationError, String(error));
    assert.match(error.message, /No nodes support the capabilities/);
    assert.ok(error.message.includes(stack.gridUrl), error.message);
    assert.match(error.message, /"appium:udid":"no-such-device"/);
    assert.match(error.message, /No Grid slot advertises appium:udid "no-such-device"/);
    assert.ok(error.cause instanceof Error);
    assert.equal(error.packId, 'appium-uiautomator2');
    assert.equal(error.platformId, 'android_tv');

    const payload = buildErrorSessionPayload({ error, testName: 'appium helpers: unknown udid' });
    assert.match(payload.session_id, /^error-[0-9a-f-]{36}$/);
    const registration = errorSessionRegistration({ error, testName: 'appium helpers: unknown udid' });
    const row = await client.registerSession(registration, { suppressErrors: false });
    assert.ok(row);
    assert.equal(row.session_id, registration.sessionId);
    assert.equal(row.status, 'error');
    assert.equal(row.test_name, 'appium helpers: unknown udid');
    assert.equal(row.requested_pack_id, 'appium-uiautomator2');
    assert.equal(row.requested_platform_id, 'android_tv');
    assert.deepEqual(row.requested_capabilities, payload.requested_capabilities);
    assert.equal(row.error_type, 'WebDriverError');
    assert.equal(row.ended_at !== null, true, 'an error session is registered already ended');
  });

  test('a lane that contradicts the pinned device is refused by the Grid', async () => {
    const { stack } = fixture;
    const firetv = stack.devices.find((candidate) => candidate.platformId === 'firetv_real');
    assert.ok(firetv);
    await assert.rejects(
      createAppiumDriver({
        gridUrl: stack.gridUrl,
        platformId: 'android_tv',
        catalog: await new GridFleetClient(stack.apiUrl, { logger: quiet }).getDriverPackCatalog(),
        pinTo: { connectionTarget: firetv.udid },
        logLevel: 'silent',
      }),
      AppiumDriverCreationError,
    );
  });

  test('an unreachable Grid names the URL without the credentials embedded in it', async () => {
    const port = await freePort('127.0.0.1');
    const error = await createAppiumDriver({
      gridUrl: `http://ci-bot:hunter2@127.0.0.1:${port}/wd/hub`,
      capabilities: { platformName: 'Fake', 'appium:automationName': 'Fake' },
      logLevel: 'silent',
    }).then(
      () => assert.fail('nothing listens there'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof AppiumDriverCreationError, String(error));
    assert.ok(error.message.includes(`http://127.0.0.1:${port}/wd/hub`), error.message);
    assert.ok(!error.message.includes('hunter2'), error.message);
    assert.ok(!JSON.stringify(error).includes('hunter2'));
  });

  test('a missing platform fails before the catalog is fetched (no manager needed)', async () => {
    const unreachable = `http://127.0.0.1:${await freePort('127.0.0.1')}/api`;
    await assert.rejects(
      createAppiumDriver({ env: {}, client: new GridFleetClient(unreachable, { logger: quiet }) }),
      (error: unknown) => error instanceof CapabilityResolutionError && error.code === 'missing_platform',
    );
  });

  test('lane errors happen before any session request', async () => {
    const { stack } = fixture;
    await assert.rejects(
      createAppiumDriver({
        gridUrl: stack.gridUrl,
        platformId: 'windows',
        client: new GridFleetClient(stack.apiUrl, { logger: quiet }),
      }),
      (error: unknown) => error instanceof CapabilityResolutionError && error.code === 'platform_not_found',
    );
  });
});
