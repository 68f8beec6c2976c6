import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GridFleetClient } from '../client';
import { AllocatedDeviceError } from './errors';
import { hydrateAllocatedDevice, hydrateAllocatedDeviceFromDriver } from './hydrate';
import {
  CLAIM_FIRETV,
  CLAIM_INLINED,
  CLAIM_PLAIN,
  deviceRowA1,
  RESERVE_ENTRY,
  realCatalog,
} from './test_support/fixtures';
import { type RecordingServer, startRecordingServer } from './test_support/recording_server';

const RUN_ID = 'd105a5f4-7bf9-4864-9f4c-f9ba47f53f41';
const CONFIG = { app_username: 'qa-bot', appium_caps: { 'appium:noReset': true } };
const CAPS = {
  platformName: 'Android',
  'appium:udid': 'RMGR-AND-001',
  'appium:deviceName': 'Pixel 7 (A1)',
  'appium:gridfleet:deviceId': CLAIM_PLAIN.device_id,
  'appium:automationName': 'UiAutomator2',
};
const TEST_DATA = { account: { user: 'qa-a1' } };

describe('hydrateAllocatedDevice: follow-up requests over real HTTP', () => {
  let server: RecordingServer;
  let client: GridFleetClient;

  before(async () => {
    server = await startRecordingServer({
      device: deviceRowA1(CONFIG),
      config: CONFIG,
      capabilities: CAPS,
      testData: TEST_DATA,
    });
    client = new GridFleetClient(server.apiUrl, { logger: { warn() {} } });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  test('config and test data inlined by the claim: no request at all', async () => {
    const device = await hydrateAllocatedDevice(CLAIM_INLINED, {
      runId: RUN_ID,
      client,
      fetchTestData: true,
    });
    assert.deepEqual(server.requests, []);
    assert.deepEqual(device.config, {});
    assert.deepEqual(device.testData, CLAIM_INLINED.test_data);
    assert.equal(device.liveCapabilities, null);
  });

  test('nothing inlined, defaults: exactly one config request by device id', async () => {
    const device = await hydrateAllocatedDevice(CLAIM_PLAIN, { runId: RUN_ID, client });
    assert.deepEqual(server.requests, [`GET /api/devices/${CLAIM_PLAIN.device_id}/config`]);
    assert.deepEqual(device.config, CONFIG);
    assert.equal(device.testData, null);
    assert.equal(device.liveCapabilities, null);
  });

  test('fetchConfig false and nothing else asked: no request, config null', async () => {
    const device = await hydrateAllocatedDevice(CLAIM_PLAIN, { runId: RUN_ID, client, fetchConfig: false });
    assert.deepEqual(server.requests, []);
    assert.equal(device.config, null);
  });

  test('capabilities and test data are fetched only when asked', async () => {
    const device = await hydrateAllocatedDevice(CLAIM_PLAIN, {
      runId: RUN_ID,
      client,
      fetchConfig: false,
      fetchCapabilities: true,
      fetchTestData: true,
    });
    assert.deepEqual([...server.requests].sort(), [
      `GET /api/devices/${CLAIM_PLAIN.device_id}/capabilities`,
      `GET /api/devices/${CLAIM_PLAIN.device_id}/test_data`,
    ]);
    assert.deepEqual(device.liveCapabilities, CAPS);
    assert.deepEqual(device.testData, TEST_DATA);
    assert.equal(device.platformName, 'Android', 'platformName from live capabilities without a catalog');
  });

  test('includes listed in unavailable_includes are never fetched', async () => {
    const claim = {
      ...CLAIM_PLAIN,
      unavailable_includes: [
        { include: 'config', reason: 'device config store unavailable' },
        { include: 'capabilities', reason: 'agent offline' },
        { include: 'test_data', reason: 'timeout' },
      ],
    };
    const device = await hydrateAllocatedDevice(claim, {
      runId: RUN_ID,
      client,
      fetchCapabilities: true,
      fetchTestData: true,
    });
    assert.deepEqual(server.requests, []);
    assert.equal(device.config, null);
    assert.equal(device.liveCapabilities, null);
    assert.deepEqual(
      device.unavailableIncludes.map((entry) => entry.include),
      ['config', 'capabilities', 'test_data'],
    );
  });

  test('missing device_type/connection_type: one device-row request fills them and serves the config', async () => {
    const claim = {
      ...CLAIM_PLAIN,
      device_type: null,
      connection_type: null,
      manufacturer: null,
      name: null,
    };
    const device = await hydrateAllocatedDevice(claim, { runId: RUN_ID, client });
    assert.deepEqual(server.requests, [`GET /api/devices/${CLAIM_PLAIN.device_id}`]);
    assert.equal(device.deviceType, 'real_device');
    assert.equal(device.connectionType, 'usb');
    assert.equal(device.manufacturer, 'Google');
    assert.equal(device.name, 'Pixel 7 (A1)');
    assert.deepEqual(device.config, CONFIG);
  });

  test('a claim answer without the device name: the device row is read for it (as the testkit does)', async () => {
    const { name: _name, ...claim } = CLAIM_PLAIN;
    const device = await hydrateAllocatedDevice(claim, { runId: RUN_ID, client });
    assert.deepEqual(server.requests, [`GET /api/devices/${CLAIM_PLAIN.device_id}`]);
    assert.equal(device.name, 'Pixel 7 (A1)');
    assert.equal(device.deviceType, 'real_device', 'what the claim did carry is kept');
    assert.deepEqual(device.config, CONFIG, 'the row also serves the config: no second request');
  });

  test('a reserve entry (no claim fields) is rejected before any request', async () => {
    await assert.rejects(
      hydrateAllocatedDevice(RESERVE_ENTRY, { runId: RUN_ID, client }),
      (error: unknown) => {
        assert.ok(error instanceof AllocatedDeviceError);
        assert.deepEqual(error.missingFields, ['claimed_by', 'claimed_at']);
        assert.match(error.message, /claim responses only.*reserve entry.*claimDevice/s);
        return true;
      },
    );
    assert.deepEqual(server.requests, []);
  });

  test('a payload without ids, or without runId, is rejected naming what is missing', async () => {
    await assert.rejects(
      hydrateAllocatedDevice({ ...CLAIM_PLAIN, device_id: '', pack_id: null }, { runId: RUN_ID, client }),
      /missing device_id, pack_id/,
    );
    await assert.rejects(hydrateAllocatedDevice(CLAIM_PLAIN, { runId: '', client }), /options\.runId/);
    await assert.rejects(
      hydrateAllocatedDevice([] as never, { runId: RUN_ID, client }),
      /not the reserve devices\[\]/,
    );
    assert.deepEqual(server.requests, []);
  });

  test('every seed field is carried over from a real claim body', async () => {
    const device = await hydrateAllocatedDevice(CLAIM_FIRETV, {
      runId: RUN_ID,
      client,
      catalog: realCatalog(),
    });
    assert.deepEqual(
      {
        runId: device.runId,
        deviceId: device.deviceId,
        identityValue: device.identityValue,
        name: device.name,
        connectionTarget: device.connectionTarget,
        packId: device.packId,
        platformId: device.platformId,
        platformLabel: device.platformLabel,
        osVersion: device.osVersion,
        hostIp: device.hostIp,
        deviceType: device.deviceType,
        connectionType: device.connectionType,
        manufacturer: device.manufacturer,
        model: device.model,
        claimedBy: device.claimedBy,
        claimedAt: device.claimedAt,
      },
      {
        runId: RUN_ID,
        deviceId: CLAIM_FIRETV.device_id,
        identityValue: 'RMGR-FTV-001',
        name: 'Fire TV Stick 4K (F1)',
        connectionTarget: '192.0.2.50:5555',
        packId: 'appium-uiautomator2',
        platformId: 'firetv_real',
        platformLabel: 'Fire TV (real device)',
        osVersion: '9',
        hostIp: '127.0.0.1',
        deviceType: 'real_device',
        connectionType: 'network',
        manufacturer: 'Amazon',
        model: 'AFTKA',
        claimedBy: 'gw1',
        claimedAt: '2026-11-26T20:23:09.198386+00:00',
      },
    );
    assert.equal(device.udid, '192.0.2.50:5555');
    assert.equal(device.deviceIp, '127.0.0.1');
    assert.equal(device.platformName, 'Android', 'platformName comes from the catalog, not the label');
    assert.equal(device.isRealDevice, true);
    assert.equal(device.isSimulator, false);
    assert.ok(Object.isFrozen(device));
  });

  test('udid falls back to the identity value; deviceIp to the ip part of an ip:port target', async () => {
    const device = await hydrateAllocatedDevice(
      { ...CLAIM_FIRETV, connection_target: null, host_ip: null, device_type: 'emulator' },
      { runId: RUN_ID, client },
    );
    assert.equal(device.udid, 'RMGR-FTV-001');
    assert.equal(device.deviceIp, null);
    assert.equal(device.isSimulator, true);
    assert.equal(device.isRealDevice, false);
    assert.equal(device.platformName, null);
    const networked = await hydrateAllocatedDevice(
      { ...CLAIM_FIRETV, host_ip: null },
      { runId: RUN_ID, client },
    );
    assert.equal(networked.deviceIp, '192.0.2.50');
  });

  test('hydrateAllocatedDeviceFromDriver takes the session capabilities and recomputes derived fields', async () => {
    const device = await hydrateAllocatedDevice(
      { ...CLAIM_FIRETV, connection_target: null },
      { runId: RUN_ID, client },
    );
    const sessionCaps = { platformName: 'Fake', 'appium:udid': 'device-A', udid: 'device-A' };
    const refreshed = await hydrateAllocatedDeviceFromDriver(device, { capabilities: sessionCaps });
    assert.deepEqual(refreshed.liveCapabilities, sessionCaps);
    assert.equal(refreshed.udid, 'device-A');
    assert.equal(refreshed.platformName, 'Fake');
    assert.equal(device.liveCapabilities, null, 'the original object is unchanged');
    await assert.rejects(hydrateAllocatedDeviceFromDriver(device, {}), /pass \{ client \}/);
    assert.deepEqual(server.requests, [], 'derived fields need no request');
  });

  test('hydrateAllocatedDeviceFromDriver without driver capabilities asks the manager', async () => {
    const device = await hydrateAllocatedDevice(CLAIM_INLINED, { runId: RUN_ID, client });
    const refreshed = await hydrateAllocatedDeviceFromDriver(device, { capabilities: undefined }, { client });
    assert.deepEqual(server.requests, [`GET /api/devices/${CLAIM_INLINED.device_id}/capabilities`]);
    assert.deepEqual(refreshed.liveCapabilities, CAPS);
  });
});
