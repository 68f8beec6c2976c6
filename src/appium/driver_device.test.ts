import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pinCapabilities } from './create_driver';
import { getConnectionTargetFromDriver, getDeviceIdFromDriver } from './driver_device';
import { CapabilityResolutionError, MissingConnectionTargetError } from './errors';

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
