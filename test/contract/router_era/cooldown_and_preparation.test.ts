/**
 * Router era cooldown and preparation failure (docs/manager-api.md §R3.8, §R3.9, §R6.5;
 * transcript B.19–B.21): replies, checks in order, the device released from the run on escalation
 * and on a preparation failure (maintenance by default: destructive on a real manager).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertZ } from '../support/shapes';
import { NEEDS_DESTRUCTIVE, NEEDS_LAB } from '../support/target';
import { expectError, expectOk, expectValidationIssues, issueAt, type Json } from '../support/wire';
import {
  assertRouterRun,
  freeDevices,
  MISSING_UUID,
  NEEDS_ROUTER_ERA,
  openRouterTarget,
  RouterRuns,
  type RouterTarget,
  req,
} from './support';

const conflict = (message: string) => ({ status: 409, code: 'CONFLICT', message });

describe('router era: cooldown and preparation failure (docs/manager-api.md §R3.8, §R3.9)', () => {
  let target: RouterTarget;
  let runs: RouterRuns;
  before(async () => {
    target = await openRouterTarget();
    runs = new RouterRuns(target);
  });
  after(async () => {
    await runs?.cleanup();
    if (target?.isLab) await target.api.request('DELETE', '/lab/faults', { noAuth: true });
    await target?.close();
  });

  const cooldown = (runId: unknown, deviceId: unknown, body: unknown) =>
    target.api.post(`/api/runs/${String(runId)}/devices/${String(deviceId)}/cooldown`, body);
  const prepFailed = (runId: unknown, deviceId: unknown, message: string) =>
    target.api.post(`/api/runs/${String(runId)}/devices/${String(deviceId)}/preparation-failed`, {
      message,
      source: 'ci_preparation',
    });
  const device = async (id: unknown) =>
    expectOk(await target.api.get(`/api/devices/${String(id)}`), 'device');
  const run = async (id: unknown) =>
    assertRouterRun(expectOk(await target.api.get(`/api/runs/${String(id)}`), 'run'), 'RunDetail', true);

  it('cooldown_set: the entry is excluded, the device reads unavailable_reason "cooldown"', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    await freeDevices(target, 1);
    const r = await runs.reserve([req(1)]);
    const id = (r.devices as Json[])[0]?.device_id;
    const reply = expectOk(
      await cooldown(r.id, id, { reason: '  flaky adb  ', ttl_seconds: 60 }),
      'cooldown',
    );
    assert.deepEqual(Object.keys(reply), ['status', 'excluded_until', 'cooldown_count']);
    assert.equal(reply.status, 'cooldown_set');
    assert.equal(reply.cooldown_count, 1);
    assertZ(reply.excluded_until, 'excluded_until');
    const entry = (await run(r.id)).devices as Json[];
    assert.equal(entry[0]?.excluded, true);
    assert.equal(entry[0]?.exclusion_reason, 'flaky adb', 'the reason is trimmed');
    assert.equal(entry[0]?.released_at, null, 'a cooldown keeps the device in the run');
    const d = await device(id);
    assert.equal(d.unavailable_reason, 'cooldown');
    assert.equal(d.allocatable, false);
    assert.equal((d.reservation as Json).excluded, true);
    await target.api.post(`/api/runs/${String(r.id)}/cancel`);
  });

  it('checks in order: schema, ttl max, blank reason, run, terminal, device, not reserved', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    await freeDevices(target, 1);
    const r = await runs.reserve([req(1)]);
    const id = (r.devices as Json[])[0]?.device_id;
    const missingTtl = expectValidationIssues(await cooldown(r.id, id, { reason: 'x' }), 'no ttl');
    assert.equal(issueAt(missingTtl, ['body', 'ttl_seconds'], 'ttl').type, 'missing');
    const extra = expectValidationIssues(
      await cooldown(r.id, id, { reason: 'x', ttl_seconds: 5, worker_id: 'w' }),
      'worker_id',
    );
    assert.equal(issueAt(extra, ['body', 'worker_id'], 'worker_id').type, 'extra_forbidden');
    expectError(
      await cooldown(MISSING_UUID, MISSING_UUID, { reason: '   ', ttl_seconds: 99999 }),
      'ttl max',
      {
        status: 422,
        code: 'VALIDATION_ERROR',
        message: 'ttl_seconds must be <= 3600',
      },
    );
    expectError(
      await cooldown(MISSING_UUID, MISSING_UUID, { reason: '   ', ttl_seconds: 5 }),
      'blank',
      conflict('Cooldown reason is required'),
    );
    expectError(await cooldown(MISSING_UUID, id, { reason: 'x', ttl_seconds: 5 }), 'missing run', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Run not found',
    });
    expectError(await cooldown(r.id, MISSING_UUID, { reason: 'x', ttl_seconds: 5 }), 'missing device', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Device not found',
    });
    const other = await runs.reserve([]);
    expectError(
      await cooldown(other.id, id, { reason: 'x', ttl_seconds: 5 }),
      'not reserved by this run',
      conflict(`Device ${String(id)} is not actively reserved by this run`),
    );
    await target.api.post(`/api/runs/${String(r.id)}/cancel`);
    expectError(
      await cooldown(r.id, id, { reason: 'x', ttl_seconds: 5 }),
      'terminal',
      conflict("Cannot cooldown device in terminal run 'cancelled'"),
    );
  });

  it('the 3rd cooldown escalates: released from the run, maintenance', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    if (!target.destructive) return t.skip(NEEDS_DESTRUCTIVE);
    await freeDevices(target, 1);
    const r = await runs.reserve([req(1)]);
    const id = (r.devices as Json[])[0]?.device_id;
    for (const count of [1, 2]) {
      assert.equal(
        expectOk(await cooldown(r.id, id, { reason: 'flake', ttl_seconds: 1 }), 'cd').cooldown_count,
        count,
      );
    }
    const third = expectOk(await cooldown(r.id, id, { reason: 'flake', ttl_seconds: 1 }), 'third');
    assert.deepEqual(third, { status: 'maintenance_escalated', cooldown_count: 3, threshold: 3 });
    const entry = ((await run(r.id)).devices as Json[])[0] as Json;
    assert.notEqual(entry.released_at, null, 'released from the run');
    assert.equal(entry.exclusion_reason, 'Exceeded cooldown threshold (3/3): flake');
    assert.equal(entry.cooldown_escalated, true);
    const d = await device(id);
    assert.equal(d.operational_state, 'maintenance');
    assert.equal(d.is_reserved, false);
    expectError(
      await cooldown(r.id, id, { reason: 'flake', ttl_seconds: 1 }),
      'after release',
      conflict(`Device ${String(id)} is not actively reserved by this run`),
    );
  });

  it('preparation failure: checks in order, release, the committed retry answers 200', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    expectError(
      await prepFailed(MISSING_UUID, MISSING_UUID, '  '),
      'blank',
      conflict('Preparation failure message is required'),
    );
    expectError(await prepFailed(MISSING_UUID, MISSING_UUID, 'x'), 'missing run', conflict('Run not found'));
    const empty = await runs.reserve([]);
    expectError(
      await prepFailed(empty.id, MISSING_UUID, 'x'),
      'missing device',
      conflict('Device not found'),
    );
    if (!target.destructive) return t.skip(NEEDS_DESTRUCTIVE);
    await freeDevices(target, 1);
    const r = await runs.reserve([req(1)]);
    const id = (r.devices as Json[])[0]?.device_id;
    expectError(
      await prepFailed(empty.id, id, 'x'),
      'other run',
      conflict('Device is not actively reserved by this run'),
    );
    const reply = assertRouterRun(
      expectOk(await prepFailed(r.id, id, ' adb gone '), 'prep failed'),
      'RunRead',
    );
    assert.equal(reply.state, 'preparing', 'the run state does not change');
    const entry = (reply.reserved_devices as Json[])[0] as Json;
    assert.notEqual(entry.released_at, null);
    assert.equal(entry.excluded, false);
    assert.equal(entry.exclusion_reason, 'adb gone');
    expectOk(await prepFailed(r.id, id, 'adb gone'), 'the same report again');
    expectError(
      await prepFailed(r.id, id, 'another text'),
      'another text',
      conflict('Device is not actively reserved by this run'),
    );
    assert.equal((await device(id)).operational_state, 'maintenance');
    await target.api.post(`/api/runs/${String(r.id)}/cancel`);
    expectError(
      await prepFailed(r.id, id, 'x'),
      'terminal',
      conflict("Cannot report preparation failure for terminal run 'cancelled'"),
    );
  });

  it('the lock-timeout 503 carries Retry-After: 1 (lab fault)', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    if (!target.isLab) return t.skip(NEEDS_LAB);
    const message = 'Preparation failure report timed out waiting on a database lock; retry the request';
    const fault = await target.api.post(
      '/lab/faults',
      {
        method: 'POST',
        path: '/api/runs/*/devices/*/preparation-failed',
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        message,
        headers: { 'Retry-After': '1' },
        times: 1,
      },
      { noAuth: true },
    );
    assert.equal(fault.status, 201, fault.text);
    const res = await prepFailed(MISSING_UUID, MISSING_UUID, 'x');
    expectError(res, '503', { status: 503, code: 'SERVICE_UNAVAILABLE', message, retryAfter: true });
    assert.equal(res.headers.get('retry-after'), '1');
    const next = await prepFailed(MISSING_UUID, MISSING_UUID, 'x');
    assert.equal(next.headers.get('retry-after'), null, 'Retry-After nowhere else');
  });
});
