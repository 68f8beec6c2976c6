import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildErrorSessionPayload,
  limitCapabilities,
  MAX_REQUESTED_CAPABILITIES_BYTES,
  TRUNCATED_CAPABILITIES_KEY,
} from './error_session_payload';
import { AppiumDriverCreationError } from './errors';

const UUID4 = /^error-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The manager's measure: compact JSON, sorted keys, non-ASCII escaped (Python json.dumps defaults). */
function managerSize(value: unknown): number {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value)).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  ).length;
}

class SessionNotCreatedError extends Error {
  override name = 'SessionNotCreatedError';
}

describe('buildErrorSessionPayload', () => {
  test('a plain error: device-less error row with the requested lane and attempted capabilities', () => {
    const capabilities = {
      platformName: 'Android',
      'appium:automationName': 'UiAutomator2',
      'appium:platform': 'firetv_real',
      'appium:device_type': 'real_device',
      'appium:connection_type': 'network',
      'gridfleet:testName': 'Login works',
    };
    const payload = buildErrorSessionPayload({
      error: new SessionNotCreatedError('No nodes support the capabilities in the request'),
      testName: 'Login works',
      capabilities,
      packId: 'appium-uiautomator2',
    });
    assert.match(payload.session_id, UUID4);
    assert.deepEqual(
      { ...payload, session_id: 'x' },
      {
        session_id: 'x',
        test_name: 'Login works',
        status: 'error',
        requested_pack_id: 'appium-uiautomator2',
        requested_platform_id: 'firetv_real',
        requested_device_type: 'real_device',
        requested_connection_type: 'network',
        requested_capabilities: capabilities,
        error_type: 'SessionNotCreatedError',
        error_message: 'No nodes support the capabilities in the request',
      },
    );
    assert.notEqual(buildErrorSessionPayload({ error: new Error('x') }).session_id, payload.session_id);
  });

  test('unknown device/connection types are not sent; missing fields are null', () => {
    const payload = buildErrorSessionPayload({
      error: new TypeError('boom'),
      capabilities: { 'appium:device_type': 'phone', connection_type: 'bluetooth' },
    });
    assert.equal(payload.requested_device_type, null);
    assert.equal(payload.requested_connection_type, null);
    assert.equal(payload.requested_pack_id, null);
    assert.equal(payload.requested_platform_id, null);
    assert.equal(payload.test_name, null);
    assert.equal(payload.error_type, 'TypeError');
    assert.equal(buildErrorSessionPayload({ error: 'a string' }).error_message, 'a string');
    // webdriverio rethrows session failures as plain Errors prefixed with the original class name.
    const rethrown = new Error(
      'WebDriverError: Could not start a new session. No nodes support the capabilities',
    );
    assert.equal(buildErrorSessionPayload({ error: rethrown }).error_type, 'WebDriverError');
    assert.equal(buildErrorSessionPayload({ error: new Error('plain') }).error_type, 'Error');
    assert.equal(buildErrorSessionPayload({ error: new Error('x') }).requested_capabilities, null);
  });

  test('an AppiumDriverCreationError is unwrapped: original class and message, its capabilities and lane', () => {
    const cause = new SessionNotCreatedError(
      'Could not start a new session. No nodes support the capabilities',
    );
    const wrapped = new AppiumDriverCreationError({
      cause,
      gridUrl: 'http://127.0.0.1:4444',
      capabilities: { platformName: 'Fake', 'appium:udid': 'nope' },
      packId: 'appium-uiautomator2',
      platformId: 'android_mobile',
    });
    assert.match(wrapped.message, /http:\/\/127\.0\.0\.1:4444: Could not start a new session/);
    assert.match(wrapped.message, /"appium:udid":"nope"/);
    const payload = buildErrorSessionPayload({ error: wrapped, testName: 't' });
    assert.equal(payload.error_type, 'SessionNotCreatedError');
    assert.equal(payload.error_message, cause.message);
    assert.deepEqual(payload.requested_capabilities, { platformName: 'Fake', 'appium:udid': 'nope' });
    assert.equal(payload.requested_pack_id, 'appium-uiautomator2');
    assert.equal(payload.requested_platform_id, 'android_mobile');
  });
});

describe('limitCapabilities (32 KiB, docs/manager-api.md §C8.2)', () => {
  test('small capabilities pass unchanged', () => {
    const caps = { platformName: 'Fake', 'appium:app': '/tmp/app.xml' };
    assert.deepEqual(limitCapabilities(caps), caps);
  });

  test('oversized capabilities drop the largest entries, list them, and fit the manager limit', () => {
    const caps = {
      platformName: 'Android',
      'appium:automationName': 'UiAutomator2',
      'appium:chromeOptions': { args: Array.from({ length: 4000 }, (_, i) => `--flag-${i}`) },
      'appium:processArguments': { args: ['x'.repeat(20_000)] },
    };
    assert.ok(managerSize(caps) > MAX_REQUESTED_CAPABILITIES_BYTES);
    const limited = limitCapabilities(caps);
    assert.ok(managerSize(limited) <= MAX_REQUESTED_CAPABILITIES_BYTES, `size ${managerSize(limited)}`);
    assert.equal(limited.platformName, 'Android');
    assert.equal(limited['appium:automationName'], 'UiAutomator2');
    assert.deepEqual(limited[TRUNCATED_CAPABILITIES_KEY], ['appium:chromeOptions']);
  });

  test('non-ASCII text is measured escaped, as the manager measures it', () => {
    // 6000 × "é" is 12 KB in UTF-8 but 36 KB once escaped as \u00e9: it must be dropped.
    const caps = { note: 'é'.repeat(6000), platformName: 'Fake' };
    const limited = limitCapabilities(caps);
    assert.ok(managerSize(limited) <= MAX_REQUESTED_CAPABILITIES_BYTES);
    assert.deepEqual(limited, { platformName: 'Fake', [TRUNCATED_CAPABILITIES_KEY]: ['note'] });
  });

  test('the payload builder applies the limit', () => {
    const payload = buildErrorSessionPayload({
      error: new Error('x'),
      capabilities: { big: 'y'.repeat(40_000) },
    });
    assert.deepEqual(payload.requested_capabilities, { [TRUNCATED_CAPABILITIES_KEY]: ['big'] });
  });
});

describe('secret capability values never leave in text', () => {
  test('passwords and tokens are masked in the error, its message and the error session', () => {
    const capabilities = {
      platformName: 'roku',
      'appium:password': 'rokudev-pin-1234',
      'appium:options': { accessKey: 'AK-987', nested: { apiToken: 'tok-1' }, deviceName: 'Roku Ultra' },
      'appium:passwordless': '',
    };
    const error = new AppiumDriverCreationError({
      cause: new Error('boom'),
      gridUrl: 'http://grid:4444',
      capabilities,
    });
    const payload = buildErrorSessionPayload({ error });
    for (const text of [error.message, JSON.stringify(error.capabilities), JSON.stringify(payload)]) {
      for (const secret of ['rokudev-pin-1234', 'AK-987', 'tok-1']) assert.ok(!text.includes(secret), text);
    }
    assert.deepEqual(payload.requested_capabilities, {
      platformName: 'roku',
      'appium:password': '***',
      'appium:options': { accessKey: '***', nested: { apiToken: '***' }, deviceName: 'Roku Ultra' },
      'appium:passwordless': '',
    });
  });
});
