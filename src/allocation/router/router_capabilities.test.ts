import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReservedDevice } from '../../client/schemas/reserved_device';
import type { AcquireRequest } from '../types';
import { RouterRequestError, routerCapabilities } from './router_capabilities';

const DEVICES = [
  { device_id: 'd1', platform_id: 'android_mobile', released_at: null },
  { device_id: 'd2', platform_id: 'firetv_real', released_at: '2026-01-01T00:00:00+00:00' },
] as ReservedDevice[];

const request = (overrides: Partial<AcquireRequest> = {}): AcquireRequest => ({
  platformId: 'android_mobile',
  runId: 'r1',
  runName: 'nightly',
  packId: 'appium-uiautomator2',
  workerId: 'main',
  testName: 'Home screen',
  metadata: { 'gridfleet:feature': 'Screens', 'gridfleet:runId': 'r1' },
  extraCapabilities: { 'appium:app': '/tmp/app.apk' },
  groups: [],
  ...overrides,
});

const context = { devices: DEVICES, groups: ['qa-lab', 'living-room'] };

describe('router capabilities', () => {
  test('lane extras, metadata and one gridfleet:group:<key> per group; no device identity', () => {
    const caps = routerCapabilities(request({ groups: ['qa-lab'] }), context);
    assert.deepEqual(caps, {
      'appium:app': '/tmp/app.apk',
      'gridfleet:feature': 'Screens',
      'gridfleet:runId': 'r1',
      'gridfleet:group:qa-lab': true,
    });
  });

  for (const key of [
    'appium:udid',
    'appium:deviceName',
    'gridfleet:deviceName',
    'gridfleet:run_id',
    'appium:gridfleet:deviceId',
    'gridfleet:tag:team',
  ]) {
    test(`refuses ${key} before asking the router`, () => {
      assert.throws(
        () => routerCapabilities(request({ extraCapabilities: { [key]: 'x' } }), context),
        (error: unknown) => error instanceof RouterRequestError && error.message.includes(`"${key}"`),
      );
    });
  }

  test('a platform the run holds no (unreleased) device of, an unknown group, a device outside the run', () => {
    assert.throws(
      () => routerCapabilities(request({ platformId: 'firetv_real' }), context),
      /run r1 \("nightly"\) holds no firetv_real device \(it holds: android_mobile\)/,
    );
    assert.throws(
      () => routerCapabilities(request({ groups: ['qa-lab', 'attic'] }), context),
      /unknown device group\(s\) "attic".*the manager has: qa-lab, living-room/,
    );
    assert.throws(
      () => routerCapabilities(request({ groups: ['qa-lab'] }), { devices: DEVICES, groups: null }),
      /the manager has none/,
    );
    assert.throws(
      () => routerCapabilities(request({ extraCapabilities: { 'gridfleet:deviceId': 'd2' } }), context),
      /gridfleet:deviceId "d2" is not a device of run r1/,
    );
    assert.equal(
      routerCapabilities(request({ extraCapabilities: { 'gridfleet:deviceId': 'd1' } }), context)[
        'gridfleet:deviceId'
      ],
      'd1',
    );
  });
});
