import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as root from './index';

test('the package root exports the documented runtime API', () => {
  const expected = [
    'GridFleetClient',
    'RunHeartbeat',
    'registerRunCleanup',
    'NoClaimableDevicesError',
    'UnknownIncludeError',
    'ReserveCapabilitiesUnsupportedError',
    'GridFleetApiError',
    'buildAppiumCapabilities',
    'createAppiumDriver',
    'getConnectionTargetFromDriver',
    'getDeviceConfigForDriver',
    'getDeviceTestDataForDriver',
    'hydrateAllocatedDevice',
    'hydrateAllocatedDeviceFromDriver',
    'buildErrorSessionPayload',
    'GridFleetWorld',
    'loadGridFleetConfig',
    'ClaimAllocator',
  ];
  const missing = expected.filter((name) => typeof (root as Record<string, unknown>)[name] !== 'function');
  assert.deepEqual(missing, []);
  assert.match(root.VERSION, /^\d+\.\d+\.\d+/);
});

test('importing the package root registers nothing with cucumber', () => {
  const registered = (globalThis as Record<symbol, unknown>)[Symbol.for('gridfleet-cucumber.registered')];
  assert.equal(registered, undefined);
});
