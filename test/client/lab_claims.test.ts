/** Claims, releases, cooldowns and the claim retry loop against the lab over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type Clock,
  GridFleetApiError,
  GridFleetClient,
  NoClaimableDevicesError,
  silentLogger,
  UnknownIncludeError,
} from '../../src/client';
import { startTestLab, type TestLab } from './support/lab';

const FIRETV = { packId: 'appium-uiautomator2', platformId: 'firetv_real' } as const;
const NO_RUN = '00000000-0000-4000-8000-000000000000';

describe('claims on a claim-era lab', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era', cooldown_escalation_threshold: 2 });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  beforeEach(() => lab.reset());
  after(() => lab.close());

  const reserveOne = async () =>
    client.reserveDevices({ name: 'claims', requirements: [{ ...FIRETV, count: 1 }] });

  test('claim with every include, then no-claimable carries run, retry hints and request id', async () => {
    const run = await reserveOne();
    const claim = await client.claimDevice(run.id, {
      workerId: 'gw0',
      include: ['config', 'capabilities', 'test_data'],
    });
    assert.equal(claim.claimed_by, 'gw0');
    assert.equal(claim.device_id, run.devices[0]?.device_id);
    assert.ok(claim.config && claim.live_capabilities && claim.test_data);
    await assert.rejects(client.claimDevice(run.id, { workerId: 'gw1' }), (error: unknown) => {
      assert.ok(error instanceof NoClaimableDevicesError);
      assert.equal(error.runId, run.id);
      assert.equal(error.retryAfterSec, 5);
      assert.equal(error.retryAfterHeaderSec, 5);
      assert.equal(error.nextAvailableAt, null);
      assert.ok(error.requestId);
      return true;
    });
  });

  test('anonymous claim, unknown include, terminal run, unknown run', async () => {
    const run = await reserveOne();
    await assert.rejects(
      client.claimDevice(run.id, { include: ['caps'] as never }),
      (error: unknown) => error instanceof UnknownIncludeError && error.values.join() === 'caps',
    );
    await assert.rejects(client.claimDevice(run.id, { include: 'config' as never }), TypeError);
    assert.match((await client.claimDevice(run.id)).claimed_by, /^anonymous-/);
    await client.completeRun(run.id);
    await assert.rejects(client.claimDevice(run.id, { workerId: 'gw0' }), {
      status: 409,
      serverMessage: /terminal state 'completed'/,
    });
    await assert.rejects(client.claimDevice(NO_RUN, { workerId: 'gw0' }), {
      status: 404,
      serverMessage: 'Run not found',
    });
  });

  test('release, releaseDeviceSafe on every outcome', async () => {
    const run = await reserveOne();
    const deviceId = (await client.claimDevice(run.id, { workerId: 'gw0' })).device_id;
    await assert.rejects(client.releaseDeviceSafe(run.id, { deviceId, workerId: 'intruder' }), {
      status: 409,
      serverMessage: /claimed by another worker/,
    });
    assert.deepEqual(await client.releaseDevice(run.id, { deviceId, workerId: 'gw0' }), {
      status: 'released',
    });
    await assert.rejects(client.releaseDevice(run.id, { deviceId, workerId: 'gw0' }), { status: 409 });
    assert.equal(await client.releaseDeviceSafe(run.id, { deviceId, workerId: 'gw0' }), false);
    await client.claimDevice(run.id, { workerId: 'gw0' });
    assert.equal(await client.releaseDeviceSafe(run.id, { deviceId, workerId: 'gw0' }), true);
    assert.equal(await client.releaseDeviceSafe(NO_RUN, { deviceId, workerId: 'gw0' }), false);
    await client.claimDevice(run.id, { workerId: 'gw0' });
    await client.completeRun(run.id);
    assert.equal(await client.releaseDeviceSafe(run.id, { deviceId, workerId: 'anyone' }), true);
    await assert.rejects(client.releaseDeviceSafe(run.id, { deviceId: 'not-a-uuid', workerId: 'gw0' }), {
      status: 422,
      serverMessage: 'Invalid device_id',
    });
  });

  test('cooldown: set, then escalated at the threshold; ttl above max is a 422', async () => {
    const run = await reserveOne();
    const deviceId = (await client.claimDevice(run.id, { workerId: 'gw0' })).device_id;
    await assert.rejects(
      client.releaseDeviceWithCooldown(run.id, {
        deviceId,
        workerId: 'gw0',
        reason: 'flaky',
        ttlSeconds: 999_999,
      }),
      { status: 422, serverMessage: /ttl_seconds must be <=/ },
    );
    const first = await client.releaseDeviceWithCooldown(run.id, {
      deviceId,
      workerId: 'gw0',
      reason: 'flaky',
      ttlSeconds: 20,
    });
    assert.equal(first.status, 'cooldown_set');
    if (first.status === 'cooldown_set') assert.equal(first.retry_after_sec, 20);
    await assert.rejects(client.claimDevice(run.id, { workerId: 'gw0' }), (error: unknown) => {
      assert.ok(error instanceof NoClaimableDevicesError);
      assert.match(error.nextAvailableAt ?? '', /\+00:00$/);
      return true;
    });
    await lab.advance(21);
    await client.claimDevice(run.id, { workerId: 'gw0' });
    const second = await client.releaseDeviceWithCooldown(run.id, {
      deviceId,
      workerId: 'gw0',
      reason: 'again',
      ttlSeconds: 20,
    });
    assert.equal(second.status, 'maintenance_escalated');
    if (second.status === 'maintenance_escalated') assert.equal(second.threshold, 2);
  });

  test('claimDeviceWithRetry waits out a cooldown on the lab clock (controllable clock drives the lab)', async () => {
    const run = await reserveOne();
    const deviceId = (await client.claimDevice(run.id, { workerId: 'gw0' })).device_id;
    await client.releaseDeviceWithCooldown(run.id, {
      deviceId,
      workerId: 'gw0',
      reason: 'flaky',
      ttlSeconds: 12,
    });
    let now = Date.now();
    const slept: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
        await lab.advance(ms / 1000);
      },
    };
    const retrying = new GridFleetClient(lab.apiUrl, { clock, logger: silentLogger, env: {} });
    const claim = await retrying.claimDeviceWithRetry(run.id, { workerId: 'gw1', maxWaitSec: 60 });
    assert.equal(claim.device_id, deviceId);
    assert.equal(claim.claimed_by, 'gw1');
    assert.ok(slept.length >= 2, `slept ${slept}`);
    assert.ok(
      slept.every((ms) => ms <= 5000 && ms >= 1000),
      `slept ${slept}`,
    );
    assert.ok(slept.reduce((a, b) => a + b, 0) >= 11_000, `slept ${slept}`);
  });

  test('claimDeviceWithRetry gives up naming the run and the wait', async () => {
    const run = await reserveOne();
    await client.claimDevice(run.id, { workerId: 'gw0' });
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    const retrying = new GridFleetClient(lab.apiUrl, { clock, logger: silentLogger, env: {} });
    await assert.rejects(
      retrying.claimDeviceWithRetry(run.id, { workerId: 'gw1', maxWaitSec: 9 }),
      (error: unknown) => {
        assert.ok(error instanceof NoClaimableDevicesError);
        assert.equal(error.waitedSec, 9);
        assert.match(error.message, new RegExp(`run ${run.id} after waiting 9\\.0 s`));
        return true;
      },
    );
  });
});

describe('waking and aborting a waiting claimer (real clock)', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    // A huge Retry-After: a claimer that is not woken would wait far longer than the test timeout.
    lab = await startTestLab({ lifecycle: 'claim-era', retry_after_sec: 600 });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  after(() => lab.close());

  test('a sibling release wakes the claimer at once', { timeout: 15_000 }, async () => {
    const run = await client.reserveDevices({ name: 'wake', requirements: [{ ...FIRETV, count: 1 }] });
    const deviceId = (await client.claimDevice(run.id, { workerId: 'gw0' })).device_id;
    const released = new EventTarget();
    let markWaiting: () => void = () => {};
    const isWaiting = new Promise<void>((resolve) => {
      markWaiting = resolve;
    });
    const waiting = client.claimDeviceWithRetry(run.id, {
      workerId: 'gw1',
      maxWaitSec: 600,
      wakeUp: (wake) => {
        released.addEventListener('released', wake);
        markWaiting();
        return () => released.removeEventListener('released', wake);
      },
    });
    // The claimer subscribes only once its first claim got the no-claimable answer.
    await isWaiting;
    await client.releaseDevice(run.id, { deviceId, workerId: 'gw0' });
    released.dispatchEvent(new Event('released'));
    assert.equal((await waiting).claimed_by, 'gw1');
    await client.cancelRun(run.id);
  });

  test('an AbortSignal ends the wait with its reason', { timeout: 15_000 }, async () => {
    const run = await client.reserveDevices({ name: 'abort', requirements: [{ ...FIRETV, count: 1 }] });
    await client.claimDevice(run.id, { workerId: 'gw0' });
    const controller = new AbortController();
    const waiting = client.claimDeviceWithRetry(run.id, { workerId: 'gw1', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('scenario timeout')), 100);
    await assert.rejects(waiting, /scenario timeout/);
    await client.cancelRun(run.id);
  });
});

describe('typed errors stay distinct', () => {
  test('NoClaimableDevicesError and UnknownIncludeError are not GridFleetApiErrors', () => {
    const error = new NoClaimableDevicesError({ runId: 'r', retryAfterSec: 5, nextAvailableAt: null });
    assert.ok(error instanceof Error);
    assert.ok(!(error instanceof GridFleetApiError));
  });
});
