import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call, tinyLab } from './test_support/http';

const PACK = 'appium-uiautomator2';
let lab: RunningLab;
const api = (method: string, path: string, body?: unknown) => call(lab.apiUrl, method, path, body);
const advance = (sec: number, sweep = true) =>
  call(lab.url, 'POST', '/lab/clock', { advance_sec: sec, sweep });

async function reserve(body: Record<string, unknown>) {
  const r = await api('POST', '/runs', {
    name: 'exp',
    requirements: [{ pack_id: PACK, platform_id: 'android_mobile' }],
    ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

describe('expiry through the virtual clock', () => {
  before(async () => {
    lab = await startLab({ lab: tinyLab({ claim_ttl_seconds: 30 }), port: 0 });
  });
  after(async () => {
    await lab.close();
  });
  beforeEach(async () => {
    await call(lab.url, 'POST', '/lab/reset');
  });

  test('heartbeat timeout expires the run (also in preparing) and frees its devices', async () => {
    const run = await reserve({ heartbeat_timeout_sec: 60 });
    await api('POST', `/runs/${run.id}/claim`, { worker_id: 'w' });
    await api('POST', '/sessions', { session_id: 'live', device_id: run.devices[0].device_id });
    const early = await advance(59);
    assert.deepEqual(early.body.expired_runs, []);
    const late = await advance(2);
    assert.deepEqual(late.body.expired_runs, [run.id]);
    const r = (await api('GET', `/runs/${run.id}`)).body;
    assert.equal(r.state, 'expired');
    assert.equal(r.error, 'Heartbeat timeout');
    assert.equal(r.reserved_devices[0].claimed_by, null);
    const d = (await api('GET', `/devices/${run.devices[0].device_id}`)).body;
    assert.equal(d.hold, null);
    assert.equal(d.reservation, null);
    assert.equal(d.operational_state, 'available');
    const s = (await api('GET', '/sessions/live')).body;
    assert.equal(s.status, 'error');
    assert.equal(s.error_type, 'run_released');
  });

  test('heartbeats keep a run alive but the TTL is absolute', async () => {
    const run = await reserve({ ttl_minutes: 2, heartbeat_timeout_sec: 100 });
    for (let i = 0; i < 2; i++) {
      await advance(55);
      assert.equal((await api('POST', `/runs/${run.id}/heartbeat`)).body.state, 'preparing');
    }
    const expired = await advance(15);
    assert.deepEqual(expired.body.expired_runs, [run.id]);
    const r = (await api('GET', `/runs/${run.id}`)).body;
    assert.equal(r.error, 'TTL exceeded (2 minutes)');
  });

  test('the background sweeper expires runs on its own', async () => {
    const fast = await startLab({ lab: tinyLab({ sweep_interval_sec: 0.05 }), port: 0 });
    try {
      const r = await call(fast.apiUrl, 'POST', '/runs', {
        name: 'bg',
        requirements: [{ pack_id: PACK, platform_id: 'android_mobile' }],
        heartbeat_timeout_sec: 1,
      });
      await call(fast.url, 'POST', '/lab/clock', { advance_sec: 5, sweep: false });
      let state = 'preparing';
      for (let i = 0; i < 100 && state !== 'expired'; i++) {
        await new Promise((res) => setTimeout(res, 20));
        state = (await call(fast.apiUrl, 'GET', `/runs/${r.body.id}`)).body.state;
      }
      assert.equal(state, 'expired');
    } finally {
      await fast.close();
    }
  });

  test('cooldown expiry makes the device claimable again and the claim clears the exclusion', async () => {
    const run = await reserve({});
    const c = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'w' });
    await api('POST', `/runs/${run.id}/devices/${c.body.device_id}/release-with-cooldown`, {
      worker_id: 'w',
      reason: 'flaky',
      ttl_seconds: 20,
    });
    const dev = (await api('GET', `/devices/${c.body.device_id}`)).body;
    assert.equal(dev.reservation.excluded, true);
    await advance(21, false);
    const expiredView = (await api('GET', `/devices/${c.body.device_id}`)).body;
    assert.equal(expiredView.reservation.excluded, false, 'exclusion no longer in force');
    const raw = (await api('GET', `/runs/${run.id}`)).body.devices[0];
    assert.equal(raw.excluded, true, 'raw flag stays until the next claim');
    assert.equal(raw.cooldown_remaining_sec, 0);
    const again = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'w2' });
    assert.equal(again.body.device_id, c.body.device_id);
    const entry = (await api('GET', `/runs/${run.id}`)).body.devices[0];
    assert.equal(entry.excluded, false);
    assert.equal(entry.exclusion_reason, null);
    assert.equal(entry.excluded_until, null);
    assert.equal(entry.cooldown_count, 1);
  });

  test('a claim older than claim_ttl_seconds is taken over lazily by the next claim', async () => {
    const run = await reserve({});
    const first = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'slow' });
    assert.equal((await api('POST', `/runs/${run.id}/claim`, { worker_id: 'w2' })).status, 409);
    await advance(31, false);
    const stillHeld = (await api('GET', `/runs/${run.id}`)).body.devices[0];
    assert.equal(stillHeld.claimed_by, 'slow', 'no sweep before the next claim');
    const taken = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'w2' });
    assert.equal(taken.status, 200);
    assert.equal(taken.body.device_id, first.body.device_id);
    assert.equal(taken.body.claimed_by, 'w2');
    const late = await api('POST', `/runs/${run.id}/release`, {
      device_id: first.body.device_id,
      worker_id: 'slow',
    });
    assert.equal(late.body.error.message, `Device ${first.body.device_id} is claimed by another worker`);
  });
});
