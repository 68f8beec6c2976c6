/**
 * Contract: sessions — idempotent registration, device resolution, run_id derivation, run activation,
 * status PATCH, /finished, list and detail (docs/manager-api.md §C8, §C11.15, §C12).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { notFound } from './support/expected_errors';
import {
  claim,
  eligibleDevices,
  getDevice,
  getRun,
  MISSING_UUID,
  PACK,
  PLATFORM,
  RunTracker,
  releaseWithCooldown,
  requirement,
  uniqueName,
} from './support/fixtures';
import { assertFields, assertSession, assertZ, CURSOR_PAGE_FIELDS } from './support/shapes';
import { type ContractTarget, openTarget } from './support/target';
import { expectError, expectOk, expectValidationIssues, issueAt, type Json } from './support/wire';

describe('sessions', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  let sessions: string[];
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
    sessions = [];
    await eligibleDevices(target, 2);
  });
  afterEach(async () => {
    // End every running session this test registered so its device is freed, then cancel the runs.
    for (const id of sessions)
      await target.api.patch(`/api/sessions/${encodeURIComponent(id)}/status`, { status: 'passed' });
    sessions = [];
    await runs.cleanup();
  });
  after(async () => target?.close());

  const register = async (body: Json) => {
    if (typeof body.session_id === 'string') sessions.push(body.session_id);
    return target.api.post('/api/sessions', body);
  };
  const registered = async (body: Json) =>
    assertSession(expectOk(await register(body), 'register'), 'SessionRead');
  const sid = () => uniqueName('sess');
  const oneDeviceRun = async () => {
    const run = await runs.reserve([requirement()]);
    return { run, id: String(run.id), device: (run.devices as Json[])[0] as Json };
  };

  it('registers a running session by device_id: 200 SessionRead, run_id derived, device busy (docs/manager-api.md §C8.2)', async () => {
    const { id, device } = await oneDeviceRun();
    const caps = { platformName: 'Android', 'appium:udid': device.connection_target };
    const body = {
      session_id: sid(),
      test_name: 'login',
      device_id: device.device_id,
      requested_pack_id: PACK,
      requested_platform_id: PLATFORM,
      requested_capabilities: caps,
    };
    const session = await registered(body);
    assert.equal(session.session_id, body.session_id);
    assert.equal(session.status, 'running', 'status defaults to running');
    assert.equal(session.ended_at, null);
    assertZ(session.started_at, 'started_at');
    assert.equal(session.run_id, id);
    assert.deepEqual(session.requested_capabilities, caps);
    assert.equal(session.requested_pack_id, PACK);
    assert.equal(session.requested_device_type, null);
    assert.equal((await getDevice(target, String(device.device_id))).operational_state, 'busy');
    const counts = (await getRun(target, id)).session_counts as Json;
    assert.deepEqual(counts, { passed: 0, failed: 0, error: 0, running: 1, total: 1 });
  });

  it('registration is idempotent on session_id: the existing row comes back untouched (docs/manager-api.md §C8.2)', async () => {
    const { device } = await oneDeviceRun();
    const body = { session_id: sid(), test_name: 'original', device_id: device.device_id };
    const first = await registered(body);
    const again = await registered({ ...body, test_name: 'dup', status: 'failed' });
    assert.deepEqual(again, first);
  });

  it('resolves the device by saved connection_target; the client run_id is ignored (docs/manager-api.md §C8.2)', async () => {
    const { id, device } = await oneDeviceRun();
    const byTarget = await registered({
      session_id: sid(),
      connection_target: device.connection_target,
      run_id: MISSING_UUID,
    });
    assert.equal(byTarget.run_id, id, 'run_id derived server-side, body run_id ignored');
    const detail = assertSession(
      expectOk(await target.api.get(`/api/sessions/${byTarget.session_id}`), 'detail'),
      'detail',
      true,
    );
    assert.equal(detail.device_id, device.device_id);
    const free = (await eligibleDevices(target, 1))[0] as Json;
    const unreserved = await registered({ session_id: sid(), device_id: free.id, run_id: id });
    assert.equal(unreserved.run_id, null, 'no reservation → run_id null even if the client sends one');
  });

  it('running without a matching device is 404; other statuses give a device-less row (docs/manager-api.md §C8.2, §C12)', async () => {
    const miss = notFound('No matching device found for running session target');
    expectError(
      await register({ session_id: sid(), connection_target: 'no-such-target-xyz' }),
      'unknown target',
      miss,
    );
    expectError(
      await register({ session_id: sid(), device_id: MISSING_UUID, status: 'running' }),
      'unknown device id',
      miss,
    );
    const failed = await registered({
      session_id: sid(),
      connection_target: 'no-such-target-xyz',
      status: 'failed',
    });
    assert.equal(failed.run_id, null);
    const error = await registered({
      session_id: `error-${sid()}`,
      status: 'error',
      error_type: 'SessionNotCreatedException',
      error_message: 'no device',
    });
    assert.equal(error.run_id, null);
    assert.equal(error.started_at, error.ended_at, 'non-running rows start and end at once');
    assert.equal(error.error_type, 'SessionNotCreatedException');
    const detail = assertSession(
      expectOk(await target.api.get(`/api/sessions/${error.session_id}`), 'detail'),
      'detail',
      true,
    );
    for (const key of [
      'device_id',
      'device_name',
      'device_pack_id',
      'device_platform_id',
      'device_platform_label',
    ])
      assert.equal(detail[key], null, key);
  });

  it('bad registrations are 422 (docs/manager-api.md §C8.2, §C12)', async () => {
    const uuidIssue = issueAt(
      expectValidationIssues(await register({ session_id: sid(), device_id: 'null' }), 'device_id "null"'),
      ['body', 'device_id'],
      'device_id',
    );
    assert.equal(uuidIssue.type, 'uuid_parsing');
    issueAt(
      expectValidationIssues(
        await register({ session_id: sid(), run_id: 'nope', status: 'error' }),
        'run_id',
      ),
      ['body', 'run_id'],
      'run_id',
    );
    issueAt(
      expectValidationIssues(await register({ test_name: 'x' }), 'missing session_id'),
      ['body', 'session_id'],
      'session_id',
    );
    issueAt(
      expectValidationIssues(await register({ session_id: sid(), status: 'done' }), 'bad status'),
      ['body', 'status'],
      'status',
    );
    issueAt(
      expectValidationIssues(
        await register({ session_id: sid(), status: 'error', requested_device_type: 'phone' }),
        'bad device type',
      ),
      ['body', 'requested_device_type'],
      'device type',
    );
    issueAt(
      expectValidationIssues(
        await register({ session_id: sid(), status: 'error', requested_connection_type: 'wifi' }),
        'bad connection type',
      ),
      ['body', 'requested_connection_type'],
      'connection type',
    );
    issueAt(
      expectValidationIssues(await register({ session_id: sid(), status: 'error', bogus: 1 }), 'extra key'),
      ['body', 'bogus'],
      'extra',
    );
    const big = { 'appium:blob': 'x'.repeat(33_000) };
    const issue = issueAt(
      expectValidationIssues(
        await register({ session_id: sid(), status: 'error', requested_capabilities: big }),
        'caps > 32 KB',
      ),
      ['body', 'requested_capabilities'],
      'caps',
    );
    assert.equal(issue.type, 'value_error');
    assert.equal(issue.msg, 'Value error, requested_capabilities must serialize to 32 KB or less');
    // Measured as compact JSON: {"k":"…"} is 8 bytes plus the value.
    const exact = { k: 'x'.repeat(32768 - 8) };
    assert.equal(JSON.stringify(exact).length, 32768);
    await registered({ session_id: sid(), status: 'error', requested_capabilities: exact });
    const over = { k: 'x'.repeat(32768 - 7) };
    expectValidationIssues(
      await register({ session_id: sid(), status: 'error', requested_capabilities: over }),
      'caps 32769 bytes',
    );
  });

  it("a running session activates the run from the era's activatable state (docs/manager-api.md §C8.2, §C6.5)", async () => {
    const { id, device } = await oneDeviceRun();
    await registered({ session_id: sid(), device_id: device.device_id });
    const afterPreparing = await getRun(target, id);
    if (target.era === 'target') {
      assert.equal(afterPreparing.state, 'active', 'target era: preparing → active');
      return;
    }
    assert.equal(afterPreparing.state, 'preparing', 'claim era: a session does not activate a preparing run');
    const other = await runs.reserve([requirement()]);
    expectOk(await target.api.post(`/api/runs/${other.id}/ready`), 'ready');
    await registered({ session_id: sid(), device_id: ((other.devices as Json[])[0] as Json).device_id });
    const activated = await getRun(target, String(other.id));
    assert.equal(activated.state, 'active', 'claim era: ready → active');
    assertZ(activated.started_at, 'started_at');
  });

  it('an excluded (cooling) reservation does not lend its run_id (docs/manager-api.md §C8.2)', async () => {
    const { id } = await oneDeviceRun();
    const c = await claim(target, id, 'gw0');
    expectOk(
      await releaseWithCooldown(target, id, String(c.device_id), {
        worker_id: 'gw0',
        reason: 'r',
        ttl_seconds: 600,
      }),
      'cooldown',
    );
    const session = await registered({ session_id: sid(), device_id: c.device_id });
    assert.equal(session.run_id, null);
  });

  it('PATCH status accepts any value, stamps ended_at and frees the device (docs/manager-api.md §C8.3)', async () => {
    const { id, device } = await oneDeviceRun();
    const s = await registered({ session_id: sid(), device_id: device.device_id });
    const path = `/api/sessions/${s.session_id}/status`;
    const passed = assertSession(
      expectOk(await target.api.patch(path, { status: 'passed', ignored: true }), 'passed'),
      'passed',
    );
    assert.equal(passed.status, 'passed');
    assertZ(passed.ended_at, 'ended_at');
    assert.equal(passed.id, s.id);
    const deviceAfter = await getDevice(target, String(device.device_id));
    assert.equal(deviceAfter.operational_state, 'available', 'no running session left → off busy');
    assert.equal(deviceAfter.hold, 'reserved');
    assert.equal(
      assertSession(expectOk(await target.api.patch(path, { status: 'running' }), 'running'), 'r').status,
      'running',
    );
    assert.equal(
      assertSession(expectOk(await target.api.patch(path, { status: 'failed' }), 'failed'), 'f').status,
      'failed',
    );
    issueAt(
      expectValidationIssues(await target.api.patch(path, { status: 'done' }), 'bad status'),
      ['body', 'status'],
      'status',
    );
    expectError(
      await target.api.patch('/api/sessions/no-such-session/status', { status: 'passed' }),
      'unknown',
      notFound('Session not found'),
    );
    const counts = (await getRun(target, id)).session_counts as Json;
    assert.deepEqual(counts, { passed: 0, failed: 1, error: 0, running: 0, total: 1 });
  });

  it('the device leaves busy only when its last running session ends (docs/manager-api.md §C8.3)', async () => {
    const { device } = await oneDeviceRun();
    const a = await registered({ session_id: sid(), device_id: device.device_id });
    const b = await registered({ session_id: sid(), device_id: device.device_id });
    const state = async () => (await getDevice(target, String(device.device_id))).operational_state;
    expectOk(await target.api.patch(`/api/sessions/${a.session_id}/status`, { status: 'passed' }), 'end a');
    assert.equal(await state(), 'busy', 'another session still runs');
    expectOk(await target.api.patch(`/api/sessions/${b.session_id}/status`, { status: 'error' }), 'end b');
    assert.equal(await state(), 'available');
  });

  it('/finished is 204 with an empty body, idempotent, stamps ended_at but keeps status (docs/manager-api.md §C8.4)', async () => {
    const { device } = await oneDeviceRun();
    const s = await registered({ session_id: sid(), device_id: device.device_id });
    const path = `/api/sessions/${s.session_id}/finished`;
    const first = await target.api.post(path);
    assert.equal(first.status, 204);
    assert.equal(first.text, '');
    assert.ok(first.headers.get('x-request-id'), 'x-request-id on 204 too');
    const detail = assertSession(
      expectOk(await target.api.get(`/api/sessions/${s.session_id}`), 'detail'),
      'd',
      true,
    );
    assert.equal(detail.status, 'running', 'status unchanged');
    assertZ(detail.ended_at, 'ended_at stamped');
    assert.equal((await target.api.post(path)).status, 204, 'second call is a no-op 204');
    const again = expectOk(await target.api.get(`/api/sessions/${s.session_id}`), 'detail again');
    assert.equal(again.ended_at, detail.ended_at);
    expectError(
      await target.api.post('/api/sessions/no-such-session/finished'),
      'unknown',
      notFound('Session not found'),
    );
  });

  it('GET /sessions/{id} is a SessionDetail; GET /devices/{id}.sessions holds SessionRead rows (docs/manager-api.md §C8.1, §C4.4)', async () => {
    const { device } = await oneDeviceRun();
    const s = await registered({ session_id: sid(), device_id: device.device_id, test_name: 't' });
    const detail = assertSession(
      expectOk(await target.api.get(`/api/sessions/${s.session_id}`), 'detail'),
      'detail',
      true,
    );
    assert.equal(detail.device_id, device.device_id);
    assert.equal(detail.device_name, device.name);
    assert.equal(detail.device_pack_id, PACK);
    assert.equal(detail.device_platform_id, PLATFORM);
    assert.equal(detail.device_platform_label, device.platform_label);
    expectError(
      await target.api.get('/api/sessions/no-such-session'),
      'unknown',
      notFound('Session not found'),
    );
    const onDevice = (await getDevice(target, String(device.device_id))).sessions as Json[];
    const row = onDevice.find((r) => r.id === s.id);
    assert.ok(row, 'device detail lists the session');
    assertSession(row, 'device.sessions[]');
  });

  it('GET /sessions pages SessionDetail items and filters by run, status, device, pack and platform (docs/manager-api.md §C8.5)', async () => {
    const { id, device } = await oneDeviceRun();
    const running = await registered({ session_id: sid(), device_id: device.device_id });
    const ended = await registered({ session_id: sid(), device_id: device.device_id, status: 'failed' });
    const page = assertFields(
      expectOk(await target.api.get(`/api/sessions?run_id=${id}`), 'list'),
      CURSOR_PAGE_FIELDS,
      'sessions page',
    );
    assert.equal(page.total, 2);
    assert.equal(page.limit, 50);
    assert.equal(page.offset, 0);
    const items = page.items as Json[];
    for (const [i, item] of items.entries()) assertSession(item, `items[${i}]`, true);
    assert.deepEqual(new Set(items.map((i) => i.id)), new Set([running.id, ended.id]));
    const failedOnly = expectOk(
      await target.api.get(`/api/sessions?run_id=${id}&status=failed`),
      'status filter',
    );
    assert.deepEqual(
      (failedOnly.items as Json[]).map((i) => i.id),
      [ended.id],
    );
    const byDevice = expectOk(
      await target.api.get(`/api/sessions?device_id=${device.device_id}&limit=200`),
      'device filter',
    );
    assert.ok((byDevice.items as Json[]).every((i) => i.device_id === device.device_id));
    const byPlatform = expectOk(
      await target.api.get(`/api/sessions?pack_id=${PACK}&platform_id=${PLATFORM}&limit=200`),
      'pack filter',
    );
    assert.ok((byPlatform.items as Json[]).some((i) => i.id === running.id));
    assert.ok((byPlatform.items as Json[]).every((i) => i.device_platform_id === PLATFORM));
    const limited = expectOk(await target.api.get(`/api/sessions?run_id=${id}&limit=1`), 'limit');
    assert.equal((limited.items as Json[]).length, 1);
    assert.equal(limited.total, 2);
    issueAt(
      expectValidationIssues(await target.api.get('/api/sessions?device_id=nope'), 'bad device_id'),
      ['query', 'device_id'],
      'q',
    );
  });
});
