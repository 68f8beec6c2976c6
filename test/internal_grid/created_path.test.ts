/**
 * The internal grid API's successful path against a real Appium 3 fake-driver server: the claim,
 * the lab's own Appium create, the queue and hand-over, FIFO per device, a re-sent ticket.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAKE_APP_PATH } from '../../src/stack/paths';
import { freePort } from '../support';
import { fakeBody, gridFixture, startGate } from './support';

const fx = gridFixture({ appium: true });
const { grid } = fx;

/** Ends a created session the way the router does on a client DELETE. */
async function endAsRouter(sessionId: string): Promise<void> {
  const del = await fetch(`${fx.appium.url}/session/${sessionId}`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  assert.equal((await grid.ended(sessionId)).status, 204);
}

describe('create-session, created path', () => {
  test('a run-bound create lands on the reserved device; the row goes pending → running', async () => {
    const gate = await startGate(fx.appium.url);
    try {
      await fx.start({}, 1, [gate.url]);
      const { runId, deviceIds } = await grid.reserve(1);
      const answer = grid.create(fakeBody({ 'gridfleet:testName': 'probe scenario' }), { run_id: runId });
      await gate.held();
      const [pending] = await grid.sessions();
      assert.equal(pending?.status, 'pending');
      assert.match(String(pending?.session_id), /^alloc-[0-9a-f-]{36}$/);
      assert.equal(pending?.test_name, 'probe scenario');
      assert.equal(pending?.device_id, deviceIds[0]);
      const state = (await grid.admin('GET', '/state')).body;
      assert.equal(state.devices[0].operational_state, 'busy', 'the device is busy from the claim on');
      assert.deepEqual(await grid.routes(), [], 'a pending row has no route yet');
      gate.release();

      const r = await answer;
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body).sort(), [
        'appium_body',
        'appium_status',
        'device_id',
        'message',
        'session_id',
        'status',
        'target',
        'ticket',
      ]);
      assert.equal(r.body.status, 'created');
      assert.equal(r.body.target, gate.url);
      assert.equal(r.body.device_id, deviceIds[0]);
      assert.equal(r.body.appium_status, 200);
      assert.equal(r.body.ticket, null);
      assert.equal(r.body.message, null);
      const sid = r.body.session_id as string;
      assert.equal(r.body.appium_body.value.sessionId, sid);
      const caps = r.body.appium_body.value.capabilities;
      assert.equal(caps.app, FAKE_APP_PATH, 'the lab added the fake app for Appium');
      assert.equal(
        caps['gridfleet:deviceId'],
        undefined,
        'the router adds gridfleet:deviceId, not the manager',
      );
      assert.ok(await fx.appium.alive(sid));

      const [running] = await grid.sessions();
      assert.equal(running?.status, 'running');
      assert.equal(running?.session_id, sid);
      assert.equal(running?.test_name, 'probe scenario');
      const detail = (await grid.api('GET', `/sessions/${sid}`)).body;
      assert.equal(
        detail.requested_capabilities['appium:app'],
        undefined,
        'requested = what the client sent',
      );
      assert.deepEqual(await grid.routes(), [{ session_id: sid, target: gate.url }]);
      assert.equal((await grid.activity([sid, 'no-such-session'])).status, 204);

      await endAsRouter(sid);
      const [ended] = await grid.sessions();
      assert.equal(ended?.status, 'passed');
      assert.equal(ended?.ended, true);
      assert.deepEqual(await grid.routes(), []);
      assert.equal((await grid.admin('GET', '/state')).body.devices[0].operational_state, 'available');
    } finally {
      gate.release();
      await gate.close();
    }
  });

  test('a second create for a one-device run queues and gets the device after sessions/ended', async () => {
    await fx.start({ appium_url: fx.appium.url, create_session_slice_sec: 15 });
    const { runId } = await grid.reserve(1);
    const first = await grid.create(fakeBody({ 'gridfleet:testName': 'one' }), { run_id: runId });
    assert.equal(first.body.status, 'created', first.text);

    const second = await grid.create(fakeBody({ 'gridfleet:testName': 'two' }), {
      run_id: runId,
      budgetMs: 300,
    });
    assert.equal(second.status, 200);
    assert.equal(second.body.status, 'queued');
    assert.match(second.body.ticket, /^[0-9a-f-]{36}$/);
    for (const k of ['session_id', 'target', 'device_id', 'appium_status', 'appium_body', 'message']) {
      assert.equal(second.body[k], null, k);
    }
    const queue = (await grid.api('GET', '/grid/queue')).body;
    assert.equal(queue.queue_size, 1);
    assert.equal(queue.requests[0].requestId, second.body.ticket);
    assert.equal(queue.requests[0].runId, runId);
    assert.equal(queue.requests[0].capabilities['gridfleet:testName'], 'two');
    assert.match(queue.requests[0].requestTimestamp, /\+00:00$/);

    // The re-poll is in flight (15 s slice) when the first session ends.
    const repoll = grid.create(fakeBody({ 'gridfleet:testName': 'two' }), {
      run_id: runId,
      ticket: second.body.ticket,
    });
    await endAsRouter(first.body.session_id);
    const got = await repoll;
    assert.equal(got.body.status, 'created', got.text);
    assert.notEqual(got.body.session_id, first.body.session_id);
    assert.equal(
      (await grid.api('GET', '/grid/queue')).body.queue_size,
      0,
      'a claimed ticket leaves the queue',
    );
    await endAsRouter(got.body.session_id);
  });

  test('first come, first served: a younger waiter does not take the device an older one could take', async () => {
    await fx.start({ appium_url: fx.appium.url });
    const { runId } = await grid.reserve(1);
    const holder = await grid.create(fakeBody(), { run_id: runId });
    assert.equal(holder.body.status, 'created', holder.text);
    const older = await grid.create(fakeBody({ 'gridfleet:testName': 'older' }), {
      run_id: runId,
      budgetMs: 200,
    });
    const younger = await grid.create(fakeBody({ 'gridfleet:testName': 'younger' }), {
      run_id: runId,
      budgetMs: 200,
    });
    assert.equal(older.body.status, 'queued');
    assert.equal(younger.body.status, 'queued');
    await endAsRouter(holder.body.session_id);

    const youngerAgain = await grid.create(fakeBody({ 'gridfleet:testName': 'younger' }), {
      run_id: runId,
      ticket: younger.body.ticket,
      budgetMs: 300,
    });
    assert.equal(youngerAgain.body.status, 'queued', 'the older live waiter keeps its place');
    assert.equal(youngerAgain.body.ticket, younger.body.ticket);
    const olderAgain = await grid.create(fakeBody({ 'gridfleet:testName': 'older' }), {
      run_id: runId,
      ticket: older.body.ticket,
    });
    assert.equal(olderAgain.body.status, 'created', olderAgain.text);
    const rows = await grid.sessions();
    assert.equal(rows.find((s) => s.session_id === olderAgain.body.session_id)?.test_name, 'older');
    await endAsRouter(olderAgain.body.session_id);
  });

  test('a re-sent ticket tears down the session its claim created and creates a new one', async () => {
    await fx.start({ appium_url: fx.appium.url });
    const { runId } = await grid.reserve(1);
    const holder = await grid.create(fakeBody(), { run_id: runId });
    const waiting = await grid.create(fakeBody({ 'gridfleet:testName': 'lost answer' }), {
      run_id: runId,
      budgetMs: 200,
    });
    assert.equal(waiting.body.status, 'queued');
    await endAsRouter(holder.body.session_id);
    const ticket = waiting.body.ticket as string;
    const lost = await grid.create(fakeBody({ 'gridfleet:testName': 'lost answer' }), {
      run_id: runId,
      ticket,
    });
    assert.equal(lost.body.status, 'created', lost.text);

    // The router never got that answer and sends the same ticket again.
    const again = await grid.create(fakeBody({ 'gridfleet:testName': 'lost answer' }), {
      run_id: runId,
      ticket,
    });
    assert.equal(again.body.status, 'created', again.text);
    assert.notEqual(again.body.session_id, lost.body.session_id);
    assert.equal(
      await fx.appium.alive(lost.body.session_id),
      false,
      'the first session was deleted at Appium',
    );
    const rows = await grid.sessions();
    assert.equal(rows.find((s) => s.session_id === lost.body.session_id)?.status, 'passed');
    assert.equal(rows.find((s) => s.session_id === again.body.session_id)?.status, 'running');

    // The new session belongs to a new internal ticket: cancelling the router's ticket leaves it alone.
    assert.equal((await grid.cancelTicket(ticket)).status, 204);
    assert.ok(await fx.appium.alive(again.body.session_id));
    assert.deepEqual(await grid.routes(), [{ session_id: again.body.session_id, target: fx.appium.url }]);
    await endAsRouter(again.body.session_id);
  });

  test('after an unreachable Appium the next matching device is tried at once', async () => {
    await fx.start({ appium_url: fx.appium.url }, 2, [`http://127.0.0.1:${await freePort()}`]);
    const { runId } = await grid.reserve(2);
    const state = (await grid.admin('GET', '/state')).body;
    const [broken, healthy] = state.devices.map((d: { id: string }) => d.id);
    const r = await grid.create(fakeBody(), { run_id: runId, budgetMs: 60_000 });
    assert.equal(r.body.status, 'created', r.text);
    assert.equal(r.body.device_id, healthy);
    const rows = await grid.sessions();
    const failed = rows.find((s) => s.device_id === broken);
    assert.equal(failed?.error_type, 'allocation_failed');
    assert.match(String(failed?.error_message), /^appium unreachable: /);
    const after = (await grid.admin('GET', '/state')).body.devices;
    assert.equal(after.find((d: { id: string }) => d.id === broken).operational_state, 'offline');
    await endAsRouter(r.body.session_id);
  });
});
