/** Run calls of the client (reserve, lifecycle on both eras, heartbeat, preparation failure) against the lab. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GridFleetApiError,
  GridFleetClient,
  ReserveCapabilitiesUnsupportedError,
  silentLogger,
  UnknownIncludeError,
} from '../../src/client';
import { startTestLab, type TestLab } from './support/lab';

const ANDROID = { packId: 'appium-uiautomator2', platformId: 'android_mobile' } as const;
const NO_RUN = '00000000-0000-4000-8000-000000000000';

describe('runs on a claim-era lab', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era' });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  beforeEach(() => lab.reset());
  after(() => lab.close());

  test('reserveDevices with includes; getRun shows the devices', async () => {
    const run = await client.reserveDevices({
      name: 'client-test',
      requirements: [{ ...ANDROID, count: 2 }],
      ttlMinutes: 30,
      heartbeatTimeoutSec: 90,
      createdBy: 'node-test',
      include: ['config', 'test_data'],
    });
    assert.equal(run.state, 'preparing');
    assert.equal(run.devices.length, 2);
    assert.equal(run.ttl_minutes, 30);
    assert.equal(run.heartbeat_timeout_sec, 90);
    assert.ok(run.devices.every((d) => d.config !== null && d.test_data !== null));
    const detail = await client.getRun(run.id);
    assert.equal(detail.created_by, 'node-test');
    assert.deepEqual(
      detail.devices.map((d) => d.device_id).sort(),
      run.devices.map((d) => d.device_id).sort(),
    );
  });

  test('reserve defaults: ttl 60, heartbeat 120, created_by null, all_available', async () => {
    const run = await client.reserveDevices({
      name: 'defaults',
      requirements: [{ ...ANDROID, allocation: 'all_available' }],
    });
    assert.equal(run.ttl_minutes, 60);
    assert.equal(run.heartbeat_timeout_sec, 120);
    assert.ok(run.devices.length >= 2);
    assert.equal((await client.getRun(run.id)).created_by, null);
  });

  test('include=capabilities and a bare-string include fail before any request', async () => {
    await lab.clearRequests();
    await assert.rejects(
      client.reserveDevices({ name: 'x', requirements: [ANDROID], include: ['capabilities'] as never }),
      ReserveCapabilitiesUnsupportedError,
    );
    await assert.rejects(
      client.reserveDevices({ name: 'x', requirements: [ANDROID], include: 'config' as never }),
      TypeError,
    );
    assert.deepEqual(await lab.requests(), []);
  });

  test('reserve errors: unknown include, TTL too large, not enough devices, unknown pack', async () => {
    await assert.rejects(
      client.reserveDevices({ name: 'x', requirements: [ANDROID], include: ['garbage'] as never }),
      (error: unknown) => error instanceof UnknownIncludeError && error.values.includes('garbage'),
    );
    await assert.rejects(client.reserveDevices({ name: 'x', requirements: [ANDROID], ttlMinutes: 240 }), {
      name: 'GridFleetApiError',
      status: 409,
      serverMessage: /TTL 240 exceeds maximum/,
    });
    await assert.rejects(client.reserveDevices({ name: 'x', requirements: [{ ...ANDROID, count: 99 }] }), {
      status: 409,
      code: 'CONFLICT',
      serverMessage: /Not enough devices/,
    });
    await assert.rejects(
      client.reserveDevices({ name: 'x', requirements: [{ packId: 'appium-foo', platformId: 'x' }] }),
      (error: unknown) =>
        error instanceof GridFleetApiError &&
        error.status === 422 &&
        (error.details as { code?: string }).code === 'pack_unavailable',
    );
  });

  test('claim-era lifecycle: ready → ready, active → active, ready again → 409', async () => {
    const run = await client.reserveDevices({ name: 'life', requirements: [ANDROID] });
    assert.equal((await client.signalReady(run.id)).state, 'ready');
    await assert.rejects(client.signalReady(run.id), { status: 409, serverMessage: /from state 'ready'/ });
    assert.equal((await client.signalActive(run.id)).state, 'active');
    assert.equal((await client.heartbeat(run.id)).state, 'active');
    assert.equal((await client.completeRun(run.id)).state, 'completed');
    await assert.rejects(client.completeRun(run.id), {
      status: 409,
      serverMessage: /terminal state 'completed'/,
    });
    assert.equal((await client.heartbeat(run.id)).state, 'completed');
  });

  test('activateRun from preparing, from ready and from active', async () => {
    const a = await client.reserveDevices({ name: 'a', requirements: [ANDROID] });
    assert.equal((await client.activateRun(a.id)).state, 'active');
    assert.equal((await client.activateRun(a.id)).state, 'active');
    const b = await client.reserveDevices({ name: 'b', requirements: [ANDROID] });
    await client.signalReady(b.id);
    assert.equal((await client.activateRun(b.id)).state, 'active');
    await client.cancelRun(b.id);
    await assert.rejects(client.activateRun(b.id), { status: 409 });
  });

  test('unknown run: 404 on GET and heartbeat, 409 "Run not found" on lifecycle calls', async () => {
    await assert.rejects(client.getRun(NO_RUN), {
      status: 404,
      code: 'NOT_FOUND',
      serverMessage: 'Run not found',
    });
    await assert.rejects(client.heartbeat(NO_RUN), { status: 404 });
    for (const call of [client.signalReady, client.signalActive, client.completeRun, client.cancelRun]) {
      await assert.rejects(call.call(client, NO_RUN), {
        status: 409,
        code: 'CONFLICT',
        serverMessage: 'Run not found',
      });
    }
    await assert.rejects(client.getRun('not-a-uuid'), { status: 422, code: 'VALIDATION_ERROR' });
  });

  test('reportPreparationFailure excludes the device; a device not in the run is a 409', async () => {
    const run = await client.reserveDevices({ name: 'prep', requirements: [{ ...ANDROID, count: 2 }] });
    const deviceId = run.devices[0]?.device_id ?? '';
    const updated = await client.reportPreparationFailure(run.id, deviceId, 'APK install failed', {
      source: 'node-test',
    });
    const entry = updated?.reserved_devices?.find((d) => d.device_id === deviceId);
    assert.equal(entry?.excluded, true);
    assert.equal(entry?.exclusion_reason, 'APK install failed');
    await assert.rejects(client.reportPreparationFailure(run.id, NO_RUN, 'x'), {
      status: 409,
      serverMessage: 'Device is not actively reserved by this run',
    });
    assert.equal((await client.cancelRun(run.id)).state, 'cancelled');
  });
});

describe('runs on a target-era lab', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'target' });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  after(() => lab.close());

  test('/ready goes straight to active, /active is a no-op, activateRun makes one call', async () => {
    const run = await client.reserveDevices({ name: 'target', requirements: [ANDROID] });
    await lab.clearRequests();
    assert.equal((await client.activateRun(run.id)).state, 'active');
    assert.deepEqual(await lab.requests(), [`POST /api/runs/${run.id}/ready`]);
    assert.equal((await client.signalActive(run.id)).state, 'active');
    assert.equal((await client.activateRun(run.id)).state, 'active');
    await client.completeRun(run.id);
  });
});
