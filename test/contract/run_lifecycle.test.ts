/**
 * Contract: run lifecycle — ready/active per era, complete/cancel/force-release and their effects,
 * heartbeat, 404-vs-409 for a missing run, expiry through the lab's virtual clock
 * (docs/manager-api.md §C6.4, §C6.5, §C11.5–§C11.7, §C12).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  claim,
  entryOf,
  eventually,
  getDevice,
  getRun,
  MISSING_UUID,
  passTime,
  RunTracker,
  requirement,
} from './support/fixtures';
import { assertFields, assertRun, assertZ, instant } from './support/shapes';
import { type ContractTarget, NEEDS_LAB, openTarget } from './support/target';
import { expectError, expectOk, type Json } from './support/wire';

describe('run lifecycle', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
  });
  afterEach(async () => runs.cleanup());
  after(async () => target?.close());

  const signal = async (runId: string, action: string) => target.api.post(`/api/runs/${runId}/${action}`);
  const ok = async (runId: string, action: string) =>
    assertRun(expectOk(await signal(runId, action), action), `${action} RunRead`);
  const conflict = async (runId: string, action: string, message: string) =>
    expectError(await signal(runId, action), `${action} → 409`, { status: 409, code: 'CONFLICT', message });
  const expectedActive = () =>
    target.era === 'claim-era' ? "expected 'ready'" : "expected 'preparing' or 'active'";

  /** Moves a fresh run to `active` the way the target's era requires. */
  const activate = async (runId: string): Promise<Json> => {
    const ready = await ok(runId, 'ready');
    if (target.era === 'target') return ready;
    return ok(runId, 'active');
  };

  it('ready/active follow the era: claim-era preparing→ready→active, target preparing→active (docs/manager-api.md §C6.4, §C11.6)', async () => {
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    const created = await getRun(target, id);
    const ready = await ok(id, 'ready');
    assert.ok(
      instant(ready.last_heartbeat) >= instant(created.last_heartbeat),
      'ready refreshes last_heartbeat',
    );
    if (target.era === 'claim-era') {
      assert.equal(ready.state, 'ready');
      assert.equal(ready.started_at, null, 'claim-era /ready leaves started_at null');
      await conflict(id, 'ready', "Cannot signal ready from state 'ready', expected 'preparing'");
      const active = await ok(id, 'active');
      assert.equal(active.state, 'active');
      assertZ(active.started_at, 'started_at');
      assert.equal(
        active.started_at,
        active.last_heartbeat,
        '/active sets started_at and last_heartbeat to one instant',
      );
      await conflict(id, 'active', "Cannot signal active from state 'active', expected 'ready'");
    } else {
      assert.equal(ready.state, 'active');
      assert.equal(
        ready.started_at,
        ready.last_heartbeat,
        '/ready sets started_at and last_heartbeat to one instant',
      );
      const again = await ok(id, 'active');
      assert.equal(again.state, 'active');
      assert.equal(again.started_at, ready.started_at, 'no-op /active keeps started_at');
      assert.equal(again.last_heartbeat, ready.last_heartbeat, 'no-op /active keeps last_heartbeat');
    }
    await conflict(id, 'ready', "Cannot signal ready from state 'active', expected 'preparing'");
  });

  it("the device's reservation.run_state follows the run (docs/manager-api.md §C4.1)", async () => {
    const run = await runs.reserve([requirement()]);
    const deviceId = String((run.devices as Json[])[0]?.device_id);
    const runState = async () => ((await getDevice(target, deviceId)).reservation as Json).run_state;
    assert.equal(await runState(), 'preparing');
    await activate(String(run.id));
    assert.equal(await runState(), 'active');
  });

  it('a device with a running session stays busy after the run ends, until the session ends (docs/manager-api.md §C6.4)', async () => {
    const run = await runs.reserve([requirement()]);
    const deviceId = String((run.devices as Json[])[0]?.device_id);
    const sessionId = `contract-busy-${Date.now()}`;
    expectOk(
      await target.api.post('/api/sessions', { session_id: sessionId, device_id: deviceId }),
      'register',
    );
    await ok(String(run.id), 'complete');
    const during = await getDevice(target, deviceId);
    assert.equal(during.operational_state, 'busy', 'still busy with its running session');
    assert.equal(during.hold, null);
    expectOk(
      await target.api.patch(`/api/sessions/${sessionId}/status`, { status: 'passed' }),
      'end session',
    );
    assert.equal((await getDevice(target, deviceId)).operational_state, 'available');
  });

  it('claim-era /active from preparing is 409; target /active from preparing activates (docs/manager-api.md §C6.4, §C6.5)', async () => {
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    if (target.era === 'claim-era') {
      await conflict(id, 'active', "Cannot signal active from state 'preparing', expected 'ready'");
    } else {
      const active = await ok(id, 'active');
      assert.equal(active.state, 'active');
      assert.equal(active.started_at, active.last_heartbeat);
    }
  });

  it('complete: any non-terminal → completed, completed_at stamped, devices and claims released (docs/manager-api.md §C6.4)', async () => {
    const { run, deviceIds } = await runs.reserveAll({ created_by: 'contract' });
    const id = String(run.id);
    const active = await activate(id);
    const claimed = await claim(target, id, 'contract-w0');
    const before = await getRun(target, id);
    const done = await ok(id, 'complete');
    assert.equal(done.state, 'completed');
    assertZ(done.completed_at, 'completed_at');
    assert.equal(done.error, null);
    assert.equal(done.started_at, active.started_at, 'started_at unchanged');
    assert.equal(done.last_heartbeat, before.last_heartbeat, 'last_heartbeat unchanged');
    assert.equal((done.reserved_devices as Json[]).length, deviceIds.length, 'released entries stay listed');
    const entry = entryOf(done, String(claimed.device_id));
    assert.equal(entry.claimed_by, null, 'claims are cleared when the run ends');
    assert.equal(entry.claimed_at, null);
    for (const deviceId of deviceIds) {
      const device = await getDevice(target, deviceId);
      assert.equal(device.hold, null, `${deviceId} hold cleared`);
      assert.equal(device.reservation, null, `${deviceId} reservation cleared`);
      assert.equal(
        device.operational_state,
        'available',
        `${deviceId} back to available (claimed one was busy)`,
      );
    }
    await conflict(id, 'complete', "Run is already in terminal state 'completed'");
    await conflict(id, 'cancel', "Run is already in terminal state 'completed'");
    await conflict(id, 'ready', "Cannot signal ready from state 'completed', expected 'preparing'");
    await conflict(id, 'active', `Cannot signal active from state 'completed', ${expectedActive()}`);
    const fromPreparing = await runs.reserve([requirement()]);
    assert.equal(
      (await ok(String(fromPreparing.id), 'complete')).state,
      'completed',
      'complete works from preparing',
    );
  });

  it('cancel from preparing stamps completed_at, keeps started_at null, frees devices (docs/manager-api.md §C6.4)', async () => {
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    const deviceId = String((run.devices as Json[])[0]?.device_id);
    const cancelled = await ok(id, 'cancel');
    assert.equal(cancelled.state, 'cancelled');
    assertZ(cancelled.completed_at, 'completed_at');
    assert.equal(cancelled.started_at, null);
    assert.equal(cancelled.error, null);
    const device = await getDevice(target, deviceId);
    assert.equal(device.hold, null);
    assert.equal(device.reservation, null);
    await conflict(id, 'cancel', "Run is already in terminal state 'cancelled'");
  });

  it('only GET /runs/{id} has devices; lifecycle replies are plain RunRead (docs/manager-api.md §C6.1)', async () => {
    const run = await runs.reserve([requirement()]);
    const detail = await getRun(target, String(run.id));
    assert.deepEqual(detail.devices, detail.reserved_devices);
    const read = await ok(String(run.id), 'cancel');
    assert.equal('devices' in read, false);
  });

  it('heartbeat refreshes non-terminal runs (preparing too) and is a 200 no-op on terminal ones (docs/manager-api.md §C6.4)', async () => {
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    const created = await getRun(target, id);
    const beat = assertFields(
      expectOk(await signal(id, 'heartbeat'), 'heartbeat'),
      ['state', 'last_heartbeat'],
      'heartbeat',
      true,
    );
    assert.equal(beat.state, 'preparing');
    assertZ(beat.last_heartbeat, 'heartbeat.last_heartbeat');
    assert.ok(instant(beat.last_heartbeat) >= instant(created.last_heartbeat));
    assert.equal((await getRun(target, id)).last_heartbeat, beat.last_heartbeat);
    await ok(id, 'complete');
    const late = expectOk(await signal(id, 'heartbeat'), 'heartbeat on completed');
    assert.deepEqual(late, { state: 'completed', last_heartbeat: beat.last_heartbeat });
  });

  it('a claim leaves the run state and last_heartbeat alone (docs/manager-api.md §C7.1)', async () => {
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    const before = await getRun(target, id);
    await claim(target, id, 'contract-w0');
    const after = await getRun(target, id);
    assert.equal(after.state, 'preparing');
    assert.equal(after.last_heartbeat, before.last_heartbeat);
  });

  it('a missing run is 404 on GET/heartbeat/force-release/claim/release/cooldown, 409 on the rest (docs/manager-api.md §C11.5)', async () => {
    const notFound = { status: 404, code: 'NOT_FOUND', message: 'Run not found' };
    const conflictNotFound = { status: 409, code: 'CONFLICT', message: 'Run not found' };
    const base = `/api/runs/${MISSING_UUID}`;
    expectError(await target.api.get(base), 'GET', notFound);
    for (const action of ['heartbeat', 'force-release'])
      expectError(await target.api.post(`${base}/${action}`), action, notFound);
    expectError(await target.api.post(`${base}/claim`, { worker_id: 'w' }), 'claim', notFound);
    expectError(
      await target.api.post(`${base}/release`, { device_id: MISSING_UUID, worker_id: 'w' }),
      'release',
      notFound,
    );
    expectError(
      await target.api.post(`${base}/devices/${MISSING_UUID}/release-with-cooldown`, {
        worker_id: 'w',
        reason: 'r',
        ttl_seconds: 60,
      }),
      'release-with-cooldown',
      notFound,
    );
    for (const action of ['ready', 'active', 'complete', 'cancel']) {
      expectError(await target.api.post(`${base}/${action}`), action, conflictNotFound);
    }
    expectError(
      await target.api.post(`${base}/devices/${MISSING_UUID}/preparation-failed`, { message: 'x' }),
      'preparation-failed',
      conflictNotFound,
    );
  });

  it('force-release cancels any run with an error, frees devices, and rewrites completed runs (docs/manager-api.md §C6.4)', async () => {
    const { run, deviceIds } = await runs.reserveAll();
    const id = String(run.id);
    await activate(id);
    const claimed = await claim(target, id, 'contract-w0');
    const forced = assertRun(
      expectOk(await signal(id, 'force-release'), 'force-release'),
      'force-release RunRead',
    );
    assert.equal(forced.state, 'cancelled');
    assert.equal(forced.error, 'Force released by admin');
    assert.equal(entryOf(forced, String(claimed.device_id)).claimed_by, null);
    for (const deviceId of deviceIds) {
      const device = await getDevice(target, deviceId);
      assert.equal(device.hold, null);
      assert.equal(device.operational_state, 'available');
    }
    const other = await runs.reserve([requirement()]);
    await ok(String(other.id), 'complete');
    const rewritten = assertRun(
      expectOk(await signal(String(other.id), 'force-release'), 'force-release completed'),
      'rewritten',
    );
    assert.equal(rewritten.state, 'cancelled', 'a completed run is rewritten to cancelled');
    assert.equal(rewritten.error, 'Force released by admin');
  });

  it('expiry: heartbeat timeout, then absolute TTL that heartbeats do not extend (docs/manager-api.md §C6.5, §C11.7)', async (t) => {
    if (!target.isLab) return t.skip(NEEDS_LAB);
    const stale = await runs.reserve([requirement()], { heartbeat_timeout_sec: 30 });
    const staleDevice = String((stale.devices as Json[])[0]?.device_id);
    await claim(target, String(stale.id), 'contract-w0');
    await passTime(target, 31);
    const expired = await eventually('heartbeat-timed-out run expires', async () => {
      const r = await getRun(target, String(stale.id));
      return r.state === 'expired' ? r : undefined;
    });
    assert.equal(expired.error, 'Heartbeat timeout');
    const freed = await getDevice(target, staleDevice);
    assert.equal(freed.hold, null, 'expired run released its device');
    assert.equal(freed.operational_state, 'available', 'the claimed device is no longer busy');
    assert.equal(entryOf(expired, staleDevice).claimed_by, null, 'expiry clears claims');
    assertZ(expired.completed_at, 'completed_at', true);
    const late = expectOk(await signal(String(stale.id), 'heartbeat'), 'heartbeat on expired');
    assert.equal(late.state, 'expired');

    const ttl = await runs.reserve([requirement()], { ttl_minutes: 1, heartbeat_timeout_sec: 100_000 });
    await passTime(target, 50);
    expectOk(await signal(String(ttl.id), 'heartbeat'), 'heartbeat before TTL');
    await passTime(target, 15);
    const ttlExpired = await eventually('TTL run expires', async () => {
      const r = await getRun(target, String(ttl.id));
      return r.state === 'expired' ? r : undefined;
    });
    assert.equal(ttlExpired.error, 'TTL exceeded (1 minutes)');

    const zero = await runs.reserve([requirement()], { ttl_minutes: 0 });
    assert.equal(zero.ttl_minutes, 0, 'no lower bound on ttl_minutes');
    await passTime(target, 1);
    const zeroExpired = await eventually('ttl 0 run expires at the next pass', async () => {
      const r = await getRun(target, String(zero.id));
      return r.state === 'expired' ? r : undefined;
    });
    assert.equal(zeroExpired.error, 'TTL exceeded (0 minutes)');
  });
});
