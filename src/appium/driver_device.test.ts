import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startLab } from '../../lab/src/manager';
import { GridFleetClient } from '../client';
import { pinCapabilities } from './create_driver';
import {
  getConnectionTargetFromDriver,
  getDeviceIdFromDriver,
  resolveDeviceHandleFromDriver,
} from './driver_device';
import { CapabilityResolutionError, MissingConnectionTargetError } from './errors';
import { deviceRowA1 } from './test_support/fixtures';
import { startRecordingServer } from './test_support/recording_server';

describe('getConnectionTargetFromDriver', () => {
  test('prefers appium:udid, then udid, then appium:deviceName, then deviceName', () => {
    const full = { 'appium:udid': 'a', udid: 'b', 'appium:deviceName': 'c', deviceName: 'd' };
    assert.equal(getConnectionTargetFromDriver({ capabilities: full }), 'a');
    assert.equal(getConnectionTargetFromDriver({ capabilities: { ...full, 'appium:udid': '' } }), 'b');
    assert.equal(
      getConnectionTargetFromDriver({ capabilities: { 'appium:deviceName': 'c', deviceName: 'd' } }),
      'c',
    );
    assert.equal(getConnectionTargetFromDriver({ capabilities: { deviceName: 'd' } }), 'd');
  });

  test('no target: an error listing the keys the session did report', () => {
    assert.throws(
      () => getConnectionTargetFromDriver({ capabilities: { platformName: 'Fake', 'appium:app': '/x' } }),
      (error: unknown) => {
        assert.ok(error instanceof MissingConnectionTargetError);
        assert.match(error.message, /keys present: platformName, appium:app/);
        assert.match(error.message, /appium:udid/);
        return true;
      },
    );
    assert.throws(() => getConnectionTargetFromDriver({}), /no capabilities object/);
  });

  test('the device id comes from appium:gridfleet:deviceId when the stereotype carries it', () => {
    assert.equal(getDeviceIdFromDriver({ capabilities: { 'appium:gridfleet:deviceId': 'id-1' } }), 'id-1');
    assert.equal(getDeviceIdFromDriver({ capabilities: { 'gridfleet:deviceId': 'id-2' } }), 'id-2');
    assert.equal(getDeviceIdFromDriver({ capabilities: { udid: 'x' } }), undefined);
  });

  test('router era: gridfleet:deviceId (injected by the router) wins over the claim-era key', () => {
    const caps = { 'gridfleet:deviceId': 'router-id', 'appium:gridfleet:deviceId': 'stereotype-id' };
    assert.equal(getDeviceIdFromDriver({ capabilities: caps }), 'router-id');
  });
});

describe('resolveDeviceHandleFromDriver (real HTTP)', () => {
  const row: Record<string, unknown> = { ...deviceRowA1(), appium_node: null, sessions: [] };

  test('by the session device id: one GET /devices/{id}, typed like the testkit Device', async () => {
    const server = await startRecordingServer({ device: row });
    try {
      const client = new GridFleetClient(server.apiUrl, { env: {} });
      const handle = await resolveDeviceHandleFromDriver(
        { capabilities: { 'gridfleet:deviceId': String(row.id), 'appium:udid': 'ignored' } },
        client,
      );
      assert.deepEqual(server.requests, [`GET /api/devices/${row.id}`]);
      assert.equal(handle.id, row.id);
      assert.equal(handle.name, 'Pixel 7 (A1)');
      assert.equal(handle.identityValue, 'RMGR-AND-001');
      assert.equal(handle.isReserved, row.hold === 'reserved', 'claim era: from hold');
      assert.equal(handle.osVersionDisplay, '', 'missing strings become empty, as in the testkit');
    } finally {
      await server.close();
    }
  });

  test('claim era without a device id: by connection target; neither: MissingConnectionTargetError', async () => {
    const lab = await startLab({ port: 0 });
    try {
      const client = new GridFleetClient(lab.apiUrl, { env: {} });
      const [device] = await client.listDevices({ platformId: 'android_mobile' });
      assert.ok(device?.connection_target, 'the lab has an android_mobile device with a target');
      const handle = await resolveDeviceHandleFromDriver(
        { capabilities: { 'appium:udid': device.connection_target } },
        client,
      );
      assert.equal(handle.id, device.id);
      assert.equal(handle.connectionTarget, device.connection_target);
      await assert.rejects(
        resolveDeviceHandleFromDriver({ capabilities: { platformName: 'Android' } }, client),
        MissingConnectionTargetError,
      );
    } finally {
      await lab.close();
    }
  });
});

describe('pinCapabilities', () => {
  test('adds appium:udid and appium:gridfleet:deviceId of the claimed device', () => {
    assert.deepEqual(
      pinCapabilities({ platformName: 'Fake' }, { connectionTarget: 'emulator-5554', deviceId: 'id-1' }),
      {
        platformName: 'Fake',
        'appium:udid': 'emulator-5554',
        'appium:gridfleet:deviceId': 'id-1',
      },
    );
    assert.deepEqual(
      pinCapabilities({ platformName: 'Fake' }, { connectionTarget: null, deviceId: 'id-1' }),
      {
        platformName: 'Fake',
        'appium:gridfleet:deviceId': 'id-1',
      },
    );
  });

  test('a pin contradicting an explicit capability, or an empty pin, is refused', () => {
    assert.throws(
      () => pinCapabilities({ 'appium:udid': 'other' }, { connectionTarget: 'emulator-5554' }),
      (error: unknown) =>
        error instanceof CapabilityResolutionError &&
        error.code === 'invalid_pin' &&
        /appium:udid="other".*"emulator-5554"/.test(error.message),
    );
    assert.throws(() => pinCapabilities({}, {}), /connectionTarget or a deviceId/);
  });
});
