import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_API_URL, DEFAULT_GRID_URL, readGridFleetEnv } from './env';

test('defaults match the testkit when nothing is set', () => {
  const env = readGridFleetEnv({});
  assert.equal(env.apiUrl, DEFAULT_API_URL);
  assert.equal(env.apiUrl, 'http://localhost:8000/api');
  assert.equal(env.gridUrl, DEFAULT_GRID_URL);
  assert.equal(env.gridUrl, 'http://localhost:4444');
  assert.equal(env.credentials, undefined);
  assert.equal(env.packId, undefined);
  assert.equal(env.platformId, undefined);
});

test('values are read, trimmed of trailing slashes, and credentials need both variables', () => {
  const env = readGridFleetEnv({
    GRIDFLEET_API_URL: 'http://m:9000/api/',
    GRID_URL: 'http://g:4445//',
    GRIDFLEET_TESTKIT_USERNAME: 'machine',
    GRIDFLEET_TESTKIT_PASSWORD: 's3cret',
    GRIDFLEET_TESTKIT_PACK_ID: 'appium-uiautomator2',
    GRIDFLEET_TESTKIT_PLATFORM_ID: 'android_mobile',
  });
  assert.equal(env.apiUrl, 'http://m:9000/api');
  assert.equal(env.gridUrl, 'http://g:4445');
  assert.deepEqual(env.credentials, { username: 'machine', password: 's3cret' });
  assert.equal(env.packId, 'appium-uiautomator2');
  assert.equal(env.platformId, 'android_mobile');
  assert.equal(readGridFleetEnv({ GRIDFLEET_TESTKIT_USERNAME: 'machine' }).credentials, undefined);
  assert.equal(readGridFleetEnv({ GRIDFLEET_TESTKIT_PASSWORD: 'x' }).credentials, undefined);
});

test('process.env is read at call time, not at import time', () => {
  const before = process.env.GRIDFLEET_API_URL;
  try {
    process.env.GRIDFLEET_API_URL = 'http://changed-later:1/api';
    assert.equal(readGridFleetEnv().apiUrl, 'http://changed-later:1/api');
  } finally {
    if (before === undefined) delete process.env.GRIDFLEET_API_URL;
    else process.env.GRIDFLEET_API_URL = before;
  }
});
