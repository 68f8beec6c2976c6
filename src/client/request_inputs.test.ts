import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deviceFiltersToQuery } from './device_filters';
import { ReserveCapabilitiesUnsupportedError } from './errors';
import { includeQueryValue } from './include';
import { requirementsToWire } from './requirements';
import { registrationFromCapabilities, sessionRegistrationToWire } from './session_fields';

describe('include', () => {
  test('arrays become a comma list, empty means none', () => {
    assert.equal(includeQueryValue(['config', 'test_data'], 'x'), 'config,test_data');
    assert.equal(includeQueryValue([], 'x'), undefined);
    assert.equal(includeQueryValue(undefined, 'x'), undefined);
  });
  test('a bare string is a TypeError that shows the fix', () => {
    assert.throws(
      () => includeQueryValue('config', 'claimDevice'),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /claimDevice: include must be an array.*\['config'\]/);
        return true;
      },
    );
    assert.throws(() => includeQueryValue([1], 'x'), TypeError);
  });
  test('capabilities on reserve is rejected client-side', () => {
    assert.throws(
      () => includeQueryValue(['capabilities'], 'reserveDevices', true),
      ReserveCapabilitiesUnsupportedError,
    );
    assert.equal(includeQueryValue(['capabilities'], 'claimDevice'), 'capabilities');
  });
});

describe('device filters', () => {
  test('every filter maps to its wire name; booleans and tags as the manager expects', () => {
    const query = deviceFiltersToQuery({
      packId: 'p',
      platformId: 'pl',
      status: 'available',
      hostId: 'h',
      identityValue: 'i',
      connectionTarget: '10.0.0.1:5555',
      deviceType: 'emulator',
      connectionType: 'virtual',
      osVersion: '14',
      search: 'pix',
      hardwareHealthStatus: 'healthy',
      hardwareTelemetryState: 'fresh',
      needsAttention: false,
      tags: { team: 'qa', rack: 'A1' },
      sortBy: 'name',
      sortDir: 'asc',
      limit: 10,
      offset: 5,
    });
    assert.deepEqual(Object.fromEntries(query), {
      pack_id: 'p',
      platform_id: 'pl',
      status: 'available',
      host_id: 'h',
      identity_value: 'i',
      connection_target: '10.0.0.1:5555',
      device_type: 'emulator',
      connection_type: 'virtual',
      os_version: '14',
      search: 'pix',
      hardware_health_status: 'healthy',
      hardware_telemetry_state: 'fresh',
      needs_attention: 'false',
      'tags.team': 'qa',
      'tags.rack': 'A1',
      sort_by: 'name',
      sort_dir: 'asc',
      limit: '10',
      offset: '5',
    });
  });
  test('an unknown filter names the valid ones', () => {
    assert.throws(() => deviceFiltersToQuery({ pack_id: 'x' } as never), /unknown filter 'pack_id'.*packId/);
  });
});

describe('router-era inputs', () => {
  test('groups become one group= each (ANDed by the manager); reserved is a boolean', () => {
    assert.equal(
      deviceFiltersToQuery({ groups: ['lab-a', 'lab-b'], reserved: true }).toString(),
      'group=lab-a&group=lab-b&reserved=true',
    );
    assert.throws(() => deviceFiltersToQuery({ groups: 'lab-a' as never }), /groups must be an array/);
    assert.throws(() => deviceFiltersToQuery({ groups: [''] }), TypeError);
  });
  test('requirements carry groups', () => {
    assert.deepEqual(requirementsToWire([{ packId: 'p', platformId: 'q', count: 1, groups: ['lab-a'] }]), [
      { pack_id: 'p', platform_id: 'q', count: 1, groups: ['lab-a'] },
    ]);
  });
});

describe('requirements', () => {
  test('camelCase becomes snake_case; undefined keys are dropped', () => {
    assert.deepEqual(
      requirementsToWire([
        { packId: 'p', platformId: 'x', allocation: 'all_available', minCount: 2, tags: { a: 'b' } },
      ]),
      [{ pack_id: 'p', platform_id: 'x', allocation: 'all_available', min_count: 2, tags: { a: 'b' } }],
    );
  });
  test('keys the manager would silently ignore are rejected', () => {
    assert.throws(
      () => requirementsToWire([{ packId: 'p', platformId: 'x', deviceType: 'emulator' } as never]),
      /requirements\[0\] has unsupported key 'deviceType'/,
    );
    assert.throws(
      () => requirementsToWire([{ pack_id: 'p' } as never]),
      /needs string packId and platformId/,
    );
  });
});

describe('session registration', () => {
  test('fields map to the wire; unknown keys and a missing session id are TypeErrors', () => {
    assert.deepEqual(
      sessionRegistrationToWire({ sessionId: 's', testName: 't', status: 'error', runId: null }),
      {
        session_id: 's',
        test_name: 't',
        status: 'error',
        run_id: null,
      },
    );
    assert.throws(
      () => sessionRegistrationToWire({ sessionId: 's', foo: 1 } as never),
      /unknown field 'foo'/,
    );
    assert.throws(() => sessionRegistrationToWire({} as never), /sessionId must be a non-empty string/);
  });
  test('driver capabilities give device id (uuid only) and connection target', () => {
    const id = '3f2b8c1e-9d4a-4e7b-8a61-2c5d9e0f1a7b';
    const fromCaps = registrationFromCapabilities('s', {
      'appium:gridfleet:deviceId': id,
      'appium:udid': 'R58',
    });
    assert.equal(fromCaps.deviceId, id);
    assert.equal(fromCaps.connectionTarget, 'R58');
    const fallback = registrationFromCapabilities('s', {
      'gridfleet:deviceId': 'not-a-uuid',
      'appium:deviceName': 'emu',
    });
    assert.equal(fallback.deviceId, undefined);
    assert.equal(fallback.connectionTarget, 'emu');
  });
});
