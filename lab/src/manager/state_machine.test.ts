import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call, labApi, tinyLab } from './test_support/http';

const PACK = 'appium-uiautomator2';
let lab: RunningLab;
const { api, reserve } = labApi(() => lab);

describe('lab state machine (claim-era)', () => {
  before(async () => {
    lab = await startLab({ lab: tinyLab(), port: 0 });
  });
  after(async () => {
    await lab.close();
  });
  beforeEach(async () => {
    assert.equal((await call(lab.url, 'POST', '/lab/reset')).status, 200);
  });

  test('device list: array without limit, page with limit; tag and status filters', async () => {
    const all = await api('GET', '/devices');
    assert.ok(Array.isArray(all.body));
    assert.equal(all.body.length, 3);
    const page = await api('GET', '/devices?limit=2&offset=1');
    assert.deepEqual(Object.keys(page.body), ['items', 'total', 'limit', 'offset']);
    assert.equal(page.body.total, 3);
    assert.equal(page.body.items.length, 2);
    const tagged = await api('GET', '/devices?tags.team=qa&tags.rack=A1');
    assert.deepEqual(
      tagged.body.map((d: { name: string }) => d.name),
      ['A1'],
    );
    assert.equal((await api('GET', '/devices?tags.team=qa&tags.rack=B2')).body.length, 0);
    const bad = await api('GET', '/devices?status=nope');
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.details[0].type, 'enum');
    assert.deepEqual(bad.body.error.details[0].loc, ['query', 'status']);
  });

  test('malformed ids are 422 uuid_parsing before any lookup; unknown routes are framework 404/405', async () => {
    const r = await api('GET', '/runs/not-a-uuid');
    assert.equal(r.status, 422);
    assert.deepEqual(r.body.error.details, [
      {
        type: 'uuid_parsing',
        loc: ['path', 'run_id'],
        msg: 'Input should be a valid UUID, invalid character: found `n` at 1',
        input: 'not-a-uuid',
        ctx: { error: 'invalid character: found `n` at 1' },
      },
    ]);
    assert.equal(r.headers.get('x-request-id'), r.body.error.request_id);
    const missing = await api('GET', '/nothing/here');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '{"detail":"Not Found"}');
    const wrong = await api('DELETE', '/runs');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.text, '{"detail":"Method Not Allowed"}');
    assert.match(wrong.headers.get('allow') ?? '', /POST/);
    const slash = await fetch(`${lab.apiUrl}/devices/`, { redirect: 'manual' });
    assert.equal(slash.status, 307);
    assert.equal(slash.headers.get('location'), `${lab.apiUrl}/devices`);
    // claim-era manager: no by-connection-target route
    const lookup = await api('GET', '/devices/by-connection-target/192.0.2.50:5555');
    assert.equal(lookup.status, 404);
    assert.equal(lookup.text, '{"detail":"Not Found"}');
  });

  test('reserve → ready → active → claim/release/cooldown → complete', async () => {
    const run = await reserve(
      [
        { pack_id: PACK, platform_id: 'android_mobile', allocation: 'all_available' },
        { pack_id: PACK, platform_id: 'firetv_real', count: 1 },
      ],
      '?include=config',
    );
    assert.equal(run.state, 'preparing');
    assert.equal(run.devices.length, 3);
    const a1 = run.devices.find((d: { name: string }) => d.name === 'A1');
    assert.deepEqual(a1.config, {
      app_username: 'qa-bot',
      appium_caps: { 'appium:noReset': true, 'appium:systemPort': 1 },
    });
    assert.equal(a1.test_data, null);
    const detail = await api('GET', `/runs/${run.id}`);
    assert.deepEqual(detail.body.requirements[0], {
      pack_id: PACK,
      platform_id: 'android_mobile',
      allocation: 'all_available',
      min_count: 1,
    });
    const conflict = await api('POST', '/runs', {
      name: 'x',
      requirements: [{ pack_id: PACK, platform_id: 'android_mobile' }],
    });
    assert.equal(conflict.status, 409);
    assert.match(
      conflict.body.error.message,
      /os_version=None, count=1 \(matched 0 eligible devices right now\)/,
    );

    const ready = await api('POST', `/runs/${run.id}/ready`);
    assert.equal(ready.body.state, 'ready');
    assert.equal(ready.body.started_at, null);
    const again = await api('POST', `/runs/${run.id}/ready`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.message, "Cannot signal ready from state 'ready', expected 'preparing'");
    const active = await api('POST', `/runs/${run.id}/active`);
    assert.equal(active.body.state, 'active');
    assert.equal(active.body.started_at, active.body.last_heartbeat);

    const c1 = await api('POST', `/runs/${run.id}/claim?include=config,test_data,capabilities`, {
      worker_id: 'gw0',
    });
    assert.equal(c1.status, 200);
    assert.match(c1.body.claimed_at, /\+00:00$/);
    assert.equal(c1.body.live_capabilities['appium:gridfleet:deviceId'], c1.body.device_id);
    const c2 = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'gw0' });
    const c3 = await api('POST', `/runs/${run.id}/claim`);
    assert.match(c3.body.claimed_by, /^anonymous-[0-9a-f]{8}$/);
    assert.equal(new Set([c1.body.device_id, c2.body.device_id, c3.body.device_id]).size, 3);
    const device = await api('GET', `/devices/${c1.body.device_id}`);
    assert.equal(device.body.operational_state, 'busy');
    assert.equal(device.body.hold, 'reserved');
    assert.equal(device.body.reservation.run_state, 'active');

    const none = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'gw3' });
    assert.equal(none.status, 409);
    assert.equal(none.headers.get('retry-after'), '5');
    assert.deepEqual(none.body.error.details, {
      message: 'No unclaimed devices available in this run',
      error: 'no_claimable_devices',
      retry_after_sec: 5,
      next_available_at: null,
    });

    const wrong = await api('POST', `/runs/${run.id}/release`, {
      device_id: c1.body.device_id,
      worker_id: 'gw9',
    });
    assert.equal(wrong.body.error.message, `Device ${c1.body.device_id} is claimed by another worker`);
    assert.equal(
      (await api('POST', `/runs/${run.id}/release`, { device_id: c1.body.device_id, worker_id: 'gw0' }))
        .status,
      200,
    );
    const twice = await api('POST', `/runs/${run.id}/release`, {
      device_id: c1.body.device_id,
      worker_id: 'gw0',
    });
    assert.equal(twice.body.error.message, `Device ${c1.body.device_id} is not claimed`);
    const invalid = await api('POST', `/runs/${run.id}/release`, { device_id: 'null', worker_id: 'gw0' });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.text.includes('"message":"Invalid device_id"'), true);

    const cd = await api('POST', `/runs/${run.id}/devices/${c2.body.device_id}/release-with-cooldown`, {
      worker_id: 'gw0',
      reason: ' flaky adb ',
      ttl_seconds: 20,
    });
    assert.equal(cd.body.status, 'cooldown_set');
    assert.equal(cd.body.reservation.exclusion_reason, 'flaky adb');
    assert.equal(cd.body.reservation.cooldown_remaining_sec, 19);
    assert.equal(cd.body.device_operational_state, 'available');
    assert.equal(cd.body.retry_after_sec, 20);
    assert.match(cd.body.excluded_until, /Z$/);
    assert.match(cd.body.reservation.excluded_until, /\+00:00$/);
    const tooLong = await api('POST', `/runs/${run.id}/devices/${c2.body.device_id}/release-with-cooldown`, {
      worker_id: 'gw0',
      reason: 'x',
      ttl_seconds: 999999,
    });
    assert.equal(tooLong.text.includes('"message":"ttl_seconds must be <= 3600"'), true);

    // released device comes back first; then only the cooling one remains
    const back = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'gw0' });
    assert.equal(back.body.device_id, c1.body.device_id);
    const cooling = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'gw1' });
    assert.equal(cooling.status, 409);
    assert.equal(cooling.body.error.details.next_available_at, cd.body.reservation.excluded_until);

    const done = await api('POST', `/runs/${run.id}/complete`);
    assert.equal(done.body.state, 'completed');
    assert.notEqual(done.body.completed_at, null);
    for (const e of done.body.reserved_devices) assert.equal(e.claimed_by, null);
    const after = await api('GET', '/devices');
    for (const d of after.body) {
      assert.equal(d.hold, null);
      assert.equal(d.operational_state, 'available');
      assert.equal(d.reservation, null);
    }
    const afterEnd = await api('POST', `/runs/${run.id}/release`, {
      device_id: c3.body.device_id,
      worker_id: 'anyone',
    });
    assert.deepEqual(afterEnd.body, { status: 'released' });
    assert.equal(
      (await api('POST', `/runs/${run.id}/claim`)).body.error.message,
      "Cannot claim device from run in terminal state 'completed'",
    );
    const hb = await api('POST', `/runs/${run.id}/heartbeat`);
    assert.deepEqual(hb.body, { state: 'completed', last_heartbeat: done.body.last_heartbeat });
    const late = await api('POST', `/runs/${run.id}/devices/${c2.body.device_id}/release-with-cooldown`, {
      worker_id: 'gw0',
      reason: 'x',
      ttl_seconds: 5,
    });
    assert.equal(late.body.error.message, "Cannot release device from terminal run 'completed'");
  });

  test('cooldown escalates to maintenance at the threshold', async () => {
    const run = await reserve([{ pack_id: PACK, platform_id: 'firetv_real', count: 1 }]);
    let last: { body: unknown } | undefined;
    for (let i = 0; i < 3; i++) {
      await call(lab.url, 'POST', '/lab/clock', { advance_sec: 61 });
      const c = await api('POST', `/runs/${run.id}/claim`, { worker_id: 'w' });
      assert.equal(c.status, 200, c.text);
      await api('POST', `/runs/${run.id}/heartbeat`);
      last = await api('POST', `/runs/${run.id}/devices/${c.body.device_id}/release-with-cooldown`, {
        worker_id: 'w',
        reason: 'boom',
        ttl_seconds: 60,
      });
    }
    const esc = last?.body as Record<string, unknown> & { reservation: Record<string, unknown> };
    assert.equal(esc.status, 'maintenance_escalated');
    assert.equal(esc.device_hold, 'maintenance');
    assert.equal(esc.cooldown_count, 3);
    assert.equal(esc.threshold, 3);
    assert.equal(esc.reservation.exclusion_reason, 'Exceeded cooldown threshold (3/3): boom');
    assert.equal(esc.reservation.cooldown_escalated, true);
    assert.equal(esc.reservation.excluded_until, null);
    await call(lab.url, 'POST', '/lab/clock', { advance_sec: 100 });
    const never = await api('POST', `/runs/${run.id}/claim`);
    assert.equal(never.status, 409);
    assert.equal(never.body.error.details.next_available_at, null);
  });

  test('404 vs 409 for a missing run, and preparation failure effects', async () => {
    const ghost = '00000000-0000-0000-0000-000000000000';
    for (const p of ['ready', 'active', 'complete', 'cancel']) {
      const r = await api('POST', `/runs/${ghost}/${p}`);
      assert.equal(r.status, 409, p);
      assert.equal(r.body.error.message, 'Run not found');
    }
    for (const p of ['heartbeat', 'force-release', 'claim']) {
      assert.equal((await api('POST', `/runs/${ghost}/${p}`)).status, 404, p);
    }
    assert.equal((await api('GET', `/runs/${ghost}`)).status, 404);
    assert.equal(
      (await api('POST', `/runs/${ghost}/release`, { device_id: ghost, worker_id: 'w' })).status,
      404,
    );
    const pf = await api('POST', `/runs/${ghost}/devices/${ghost}/preparation-failed`, { message: 'x' });
    assert.equal(pf.status, 409);

    const run = await reserve([{ pack_id: PACK, platform_id: 'android_mobile', count: 2 }]);
    const notIn = await api('POST', `/runs/${run.id}/devices/${ghost}/preparation-failed`, { message: 'x' });
    assert.equal(notIn.body.error.message, 'Device is not actively reserved by this run');
    const target = run.devices[0].device_id;
    const blank = await api('POST', `/runs/${run.id}/devices/${target}/preparation-failed`, {
      message: '  ',
    });
    assert.equal(blank.body.error.message, 'Preparation failure message is required');
    const failed = await api('POST', `/runs/${run.id}/devices/${target}/preparation-failed`, {
      message: ' apk failed ',
    });
    assert.equal(failed.status, 200);
    assert.equal(failed.body.state, 'preparing');
    const entry = failed.body.reserved_devices.find((e: { device_id: string }) => e.device_id === target);
    assert.equal(entry.excluded, true);
    assert.equal(entry.exclusion_reason, 'apk failed');
    const dev = (await api('GET', `/devices/${target}`)).body;
    assert.equal(dev.operational_state, 'offline');
    assert.equal(dev.hold, 'maintenance');
    assert.equal(dev.health_summary.healthy, false);
    assert.equal(dev.needs_attention, true);
    assert.equal(dev.lifecycle_policy_summary.detail, 'Excluded from run');
    const cancelled = await api('POST', `/runs/${run.id}/cancel`);
    assert.equal(cancelled.body.state, 'cancelled');
    assert.equal(cancelled.body.started_at, null);
    assert.notEqual(cancelled.body.completed_at, null);
    assert.equal(
      (await api('POST', `/runs/${run.id}/cancel`)).body.error.message,
      "Run is already in terminal state 'cancelled'",
    );
    const after = (await api('GET', `/devices/${target}`)).body;
    assert.equal(after.hold, 'maintenance');
    assert.equal(after.lifecycle_policy_summary.state, 'suppressed');
    const forced = await api('POST', `/runs/${run.id}/force-release`);
    assert.equal(forced.body.error, 'Force released by admin');
  });

  test('run create validation order and messages', async () => {
    const both = await api('POST', '/runs', {
      name: 'x',
      requirements: [{ pack_id: PACK, platform_id: 'android_mobile', count: 1, allocation: 'all_available' }],
    });
    assert.equal(both.status, 422);
    assert.equal(
      both.body.error.details[0].msg,
      'Value error, count cannot be provided when allocation is all_available',
    );
    assert.deepEqual(both.body.error.details[0].loc, ['body', 'requirements', 0]);
    const extra = await api('POST', '/runs', { name: 'x', requirements: [], wait_for_devices_sec: 0 });
    assert.deepEqual(extra.body.error.details, [
      {
        type: 'extra_forbidden',
        loc: ['body', 'wait_for_devices_sec'],
        msg: 'Extra inputs are not permitted',
        input: 0,
      },
    ]);
    const unknown = await api('POST', '/runs?include=zeta,config,alpha,capabilities', {
      name: 'x',
      requirements: [],
    });
    assert.deepEqual(unknown.body.error.details, { code: 'unknown_include', values: ['alpha', 'zeta'] });
    assert.equal(unknown.body.error.message, 'Request failed');
    const ttl = await api('POST', '/runs', { name: 'x', requirements: [], ttl_minutes: 240 });
    assert.equal(ttl.body.error.message, 'TTL 240 exceeds maximum allowed TTL of 180 minutes');
    const disabled = await api('POST', '/runs', {
      name: 'x',
      requirements: [{ pack_id: 'appium-espresso', platform_id: 'android_espresso' }],
    });
    assert.deepEqual(disabled.body.error.details, { code: 'pack_disabled', message: 'appium-espresso' });
    const removed = await api('POST', '/runs', {
      name: 'x',
      requirements: [{ pack_id: PACK, platform_id: 'ios' }],
    });
    assert.equal(removed.body.error.message, `${PACK}:ios`);
    const empty = await api('POST', '/runs', { name: 'x', requirements: [] });
    assert.equal(empty.status, 201);
    assert.equal((await api('GET', `/runs/${empty.body.id}`)).body.reserved_devices, null);
  });
});
