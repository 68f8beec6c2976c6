/** Auth on/off and injected faults (malformed bodies, 5xx, dropped connections) against the lab. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  GridFleetApiError,
  GridFleetClient,
  GridFleetTransportError,
  ResponseValidationError,
  silentLogger,
} from '../../src/client';
import { startTestLab, type TestLab } from './support/lab';

const USER = 'machine-user';
const PASSWORD = 'lab-password-do-not-leak';

describe('auth enabled on the lab', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ auth: { enabled: true, username: USER, password: PASSWORD } });
  });
  after(() => lab.close());

  test('credentials from the environment are sent as Basic auth', async () => {
    const env = { GRIDFLEET_TESTKIT_USERNAME: USER, GRIDFLEET_TESTKIT_PASSWORD: PASSWORD };
    const client = new GridFleetClient(lab.apiUrl, { env });
    assert.ok((await client.listDevices()).length > 0);
    assert.ok((await client.getDriverPackCatalog()).packs.length > 0);
    const shown = inspect(client, { showHidden: true, depth: 10 }) + JSON.stringify(client);
    assert.ok(!shown.includes(PASSWORD), 'inspecting or serialising the client never shows the password');
  });

  test('without credentials every call is a 401 GridFleetApiError', async () => {
    const client = new GridFleetClient(lab.apiUrl, { env: {} });
    await assert.rejects(client.listDevices(), (error: unknown) => {
      assert.ok(error instanceof GridFleetApiError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'UNAUTHORIZED');
      return true;
    });
  });

  test('wrong credentials are a 401 whose message, JSON and stack never show the password', async () => {
    const wrong = 'wrong-password-do-not-leak';
    const client = new GridFleetClient(lab.apiUrl, {
      env: { GRIDFLEET_TESTKIT_USERNAME: USER, GRIDFLEET_TESTKIT_PASSWORD: wrong },
    });
    await assert.rejects(client.heartbeat('00000000-0000-4000-8000-000000000000'), (error: unknown) => {
      assert.ok(error instanceof GridFleetApiError);
      assert.equal(error.status, 401);
      for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
        assert.ok(!text.includes(wrong), text);
      }
      return true;
    });
  });
});

describe('faults injected into the lab', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era' });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  beforeEach(async () => {
    await lab.admin('DELETE', '/lab/faults');
    await lab.reset();
  });
  after(() => lab.close());

  test('a malformed JSON body is a ResponseValidationError naming the endpoint', async () => {
    await lab.fault({
      method: 'GET',
      path: '/api/driver-packs/catalog',
      status: 200,
      malformed: true,
      times: 1,
    });
    await assert.rejects(client.getDriverPackCatalog(), (error: unknown) => {
      assert.ok(error instanceof ResponseValidationError);
      assert.equal(error.endpoint, 'GET /driver-packs/catalog');
      return true;
    });
  });

  test('a body of the wrong shape names the field path', async () => {
    await lab.fault({ method: 'GET', path: '/api/devices', status: 200, body: [{ id: 'x' }], times: 1 });
    await assert.rejects(client.listDevices(), (error: unknown) => {
      assert.ok(error instanceof ResponseValidationError);
      assert.equal(error.endpoint, 'GET /devices');
      assert.ok(error.issues.length > 0);
      return true;
    });
  });

  test('503 on preparation-failed is retried once and then succeeds', async () => {
    const run = await client.reserveDevices({
      name: 'faults',
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
    });
    const deviceId = run.devices[0]?.device_id ?? '';
    await lab.fault({
      method: 'POST',
      path: '/api/runs/*/devices/*/preparation-failed',
      status: 503,
      times: 1,
    });
    await lab.clearRequests();
    const updated = await client.reportPreparationFailure(run.id, deviceId, 'boot loop');
    assert.equal(updated?.reserved_devices?.[0]?.excluded, true);
    const requests = (await lab.requests()).filter((r) => r.endsWith('/preparation-failed'));
    assert.equal(requests.length, 2);
  });

  test('a dropped connection is a transport error; a 500 is a GridFleetApiError INTERNAL_ERROR', async () => {
    await lab.fault({ method: 'GET', path: '/api/devices', drop: true, times: 1 });
    await assert.rejects(client.listDevices(), GridFleetTransportError);
    await lab.fault({ method: 'GET', path: '/api/devices', status: 500, times: 1 });
    await assert.rejects(client.listDevices(), {
      name: 'GridFleetApiError',
      status: 500,
      code: 'INTERNAL_ERROR',
    });
    assert.ok((await client.listDevices()).length > 0);
  });
});
