/**
 * What happens to the lab-created Appium sessions when a run ends (cancel, complete, expiry), when
 * sessions idle, and when Appium refuses the create — against a real Appium 3 fake-driver server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeBody, gridFixture } from './support';

const fx = gridFixture({ appium: true });
const { grid } = fx;

/** A lab whose runs outlive the clock jumps below (heartbeat 1 h, TTL 3 h). */
const longRuns = { default_heartbeat_timeout_sec: 3600, default_ttl_minutes: 180 };

async function createdSession(runId: string, testName = 'scenario'): Promise<string> {
  const r = await grid.create(fakeBody({ 'gridfleet:testName': testName }), { run_id: runId });
  assert.equal(r.body.status, 'created', r.text);
  return r.body.session_id as string;
}

async function row(sessionId: string): Promise<Record<string, unknown> | undefined> {
  return (await grid.sessions()).find((s) => s.session_id === sessionId);
}

describe('run teardown', () => {
  test('cancel deletes the Appium session first, closes the row run_released, and fails the queued request', async () => {
    await fx.start({ appium_url: fx.appium.url, create_session_slice_sec: 15 });
    const { runId } = await grid.reserve(1);
    const sid = await createdSession(runId);
    const queued = grid.create(fakeBody({ 'gridfleet:testName': 'queued at cancel' }), { run_id: runId });
    // Wait until the second request holds a ticket, so it is really queued when the run ends.
    for (let i = 0; i < 100 && (await grid.api('GET', '/grid/queue')).body.queue_size === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancel = await grid.api('POST', `/runs/${runId}/cancel`);
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(await fx.appium.alive(sid), false, 'the lab deleted the Appium session');
    const closed = await row(sid);
    assert.equal(closed?.status, 'error');
    assert.equal(closed?.error_type, 'run_released');
    assert.equal(closed?.error_message, 'Run ended while session was still running (cancelled)');
    assert.deepEqual(await grid.routes(), []);

    const q = await queued;
    assert.equal(q.status, 400, q.text);
    assert.deepEqual(q.body, {
      status: 'invalid',
      message: `run ${runId} is cancelled; sessions can only be created for a live (non-terminal) run`,
    });
    assert.equal((await grid.api('GET', '/grid/queue')).body.queue_size, 0);
    // The router's late DELETE of that session reaches Appium, which no longer knows it.
    assert.equal((await fetch(`${fx.appium.url}/session/${sid}`, { method: 'DELETE' })).status, 404);
    assert.equal((await grid.ended(sid)).status, 204, 'sessions/ended for a closed row is a no-op');
    assert.equal((await row(sid))?.error_type, 'run_released');
  });

  test('complete closes the row passed and leaves the Appium session alone', async () => {
    await fx.start({ appium_url: fx.appium.url });
    const { runId } = await grid.reserve(1);
    const sid = await createdSession(runId, 'complete scenario');
    const complete = await grid.api('POST', `/runs/${runId}/complete`);
    assert.equal(complete.status, 200, complete.text);
    const closed = await row(sid);
    assert.equal(closed?.status, 'passed');
    assert.equal(closed?.ended, true);
    assert.deepEqual(await grid.routes(), [], 'the route vanishes');
    assert.ok(await fx.appium.alive(sid), 'complete does not touch Appium');
    assert.equal((await grid.admin('GET', '/state')).body.devices[0].operational_state, 'available');
    await fetch(`${fx.appium.url}/session/${sid}`, { method: 'DELETE' });
  });

  test('expiry deletes the Appium session before the run expires; the row carries the run error', async () => {
    await fx.start({ appium_url: fx.appium.url, default_heartbeat_timeout_sec: 60 });
    const { runId } = await grid.reserve(1);
    const sid = await createdSession(runId);
    const clock = await grid.admin('POST', '/clock', { advance_sec: 61 });
    assert.deepEqual(clock.body.expired_runs, [runId]);
    assert.equal(await fx.appium.alive(sid), false);
    const closed = await row(sid);
    assert.equal(closed?.status, 'error');
    assert.equal(closed?.error_type, 'run_released');
    // Still `preparing`: the run error carries the suffix of docs/manager-api.md §R6.4.
    assert.equal(
      closed?.error_message,
      'Heartbeat timeout; run was still in `preparing` — `/api/runs/{id}/active` was never signaled',
    );
  });

  test('force-release deletes the Appium session; the row carries "Force released by admin"', async () => {
    await fx.start({ appium_url: fx.appium.url });
    const { runId } = await grid.reserve(1);
    const sid = await createdSession(runId);
    assert.equal((await grid.api('POST', `/runs/${runId}/force-release`)).status, 200);
    assert.equal(await fx.appium.alive(sid), false);
    assert.equal((await row(sid))?.error_message, 'Force released by admin');
  });
});

describe('idle reaping', () => {
  test('a session never commanded is reaped after the first-command grace', async () => {
    await fx.start({ appium_url: fx.appium.url, ...longRuns });
    const { runId } = await grid.reserve(1);
    const sid = await createdSession(runId);
    await grid.admin('POST', '/clock', { advance_sec: 170 });
    assert.ok(await fx.appium.alive(sid), 'still inside the 180 s grace');
    await grid.admin('POST', '/clock', { advance_sec: 11 });
    assert.equal(await fx.appium.alive(sid), false);
    assert.equal((await row(sid))?.status, 'passed', 'reaped sessions close like a DELETE');
  });

  test('activity keeps a session; it is reaped after the idle timeout', async () => {
    await fx.start({ appium_url: fx.appium.url, session_idle_timeout_sec: 600, ...longRuns });
    const { runId } = await grid.reserve(1);
    const sid = await createdSession(runId);
    assert.equal((await grid.activity([sid])).status, 204);
    await grid.admin('POST', '/clock', { advance_sec: 590 });
    assert.ok(await fx.appium.alive(sid), 'commanded: the first-command grace no longer applies');
    assert.equal((await row(sid))?.status, 'running');
    await grid.admin('POST', '/clock', { advance_sec: 11 });
    assert.equal(await fx.appium.alive(sid), false);
    assert.equal((await row(sid))?.status, 'passed');
  });
});

describe('Appium refuses the create', () => {
  test('no appium:app with the lab adding it switched off → create_failed; device untouched', async () => {
    await fx.start({ appium_url: fx.appium.url, appium_add_fake_app: false });
    const { runId, deviceIds } = await grid.reserve(1);
    const r = await grid.create(fakeBody({ 'gridfleet:testName': 'no app' }), { run_id: runId });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'create_failed');
    assert.equal(r.body.appium_status, 500);
    assert.equal(r.body.appium_body.value.error, 'session not created');
    assert.match(r.body.appium_body.value.message, /'app' is required/);
    assert.equal(r.body.message, null);
    for (const k of ['session_id', 'target', 'device_id', 'ticket']) assert.equal(r.body[k], null, k);
    const [failed] = await grid.sessions();
    assert.equal(failed?.status, 'error');
    assert.equal(failed?.error_type, 'allocation_failed');
    assert.equal(failed?.error_message, 'appium returned 500');
    assert.match(String(failed?.session_id), /^alloc-/);
    const device = (await grid.admin('GET', '/state')).body.devices.find(
      (d: { id: string }) => d.id === deviceIds[0],
    );
    assert.equal(device.operational_state, 'available', 'a W3C refusal does not mark the node down');
  });

  test('an automationName Appium has no driver for → create_failed', async () => {
    await fx.start({ appium_url: fx.appium.url });
    const { runId } = await grid.reserve(1);
    const r = await grid.create(fakeBody({ 'appium:automationName': 'NoSuchDriver' }), { run_id: runId });
    assert.equal(r.body.status, 'create_failed', r.text);
    assert.ok(r.body.appium_status >= 400);
    assert.equal(typeof r.body.appium_body.value.message, 'string');
  });
});
