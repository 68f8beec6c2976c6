/**
 * Router era runs (docs/manager-api.md §R6.1–§R6.4; transcript B.12–B.18, D.45–D.56): reserve
 * with `groups`, ignored `tags` and `include=`, the shortfall breakdown, lifecycle without `ready`,
 * and expiry texts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { advanceLabClock, NEEDS_LAB } from '../support/target';
import {
  expectError,
  expectOk,
  expectOkArray,
  expectValidationIssues,
  issueAt,
  type Json,
} from '../support/wire';
import {
  assertRouterRun,
  freeDevices,
  MISSING_UUID,
  NEEDS_ROUTER_ERA,
  openRouterTarget,
  PACK,
  PLATFORM,
  RouterRuns,
  type RouterTarget,
  req,
  uniqueName,
} from './support';

const conflict = (message: string) => ({ status: 409, code: 'CONFLICT', message });

describe('router era: reserve (docs/manager-api.md §R6.2)', () => {
  let target: RouterTarget;
  let runs: RouterRuns;
  before(async () => {
    target = await openRouterTarget();
    runs = new RouterRuns(target);
  });
  after(async () => {
    await runs?.cleanup();
    await target?.close();
  });

  it('201 without grid_url; include= ignored; entries in the router-era shape; tags ignored', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    await freeDevices(target, 1);
    const run = await runs.reserve(
      [req(1, { tags: { team: 'nobody-has-this' } })],
      {},
      '?include=config,test_data',
    );
    const detail = assertRouterRun(
      expectOk(await target.api.get(`/api/runs/${String(run.id)}`), 'detail'),
      'RunDetail',
      true,
    );
    assert.deepEqual(detail.requirements, [{ pack_id: PACK, platform_id: PLATFORM, count: 1, groups: [] }]);
    assert.equal(detail.state, 'preparing');
    assert.equal(detail.ttl_minutes, 60);
    assert.equal(detail.heartbeat_timeout_sec, 120);
    await target.api.post(`/api/runs/${String(run.id)}/cancel`);
  });

  it('all_available is stored with min_count 1; count + all_available is a 422', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const free = await freeDevices(target, 1);
    const run = await runs.reserve([{ pack_id: PACK, platform_id: PLATFORM, allocation: 'all_available' }]);
    assert.equal((run.devices as Json[]).length, free.length, 'every allocatable device is taken');
    const detail = expectOk(await target.api.get(`/api/runs/${String(run.id)}`), 'detail');
    assert.deepEqual(detail.requirements, [
      { pack_id: PACK, platform_id: PLATFORM, allocation: 'all_available', min_count: 1, groups: [] },
    ]);
    await target.api.post(`/api/runs/${String(run.id)}/cancel`);
    const both = await runs.create({ name: 'bad', requirements: [req(1, { allocation: 'all_available' })] });
    const issue = issueAt(
      expectValidationIssues(both, 'count + all_available'),
      ['body', 'requirements', 0],
      'req',
    );
    assert.equal(issue.msg, 'Value error, count cannot be provided when allocation is all_available');
  });

  it('the shortfall 409 carries the breakdown; nothing is reserved', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    await freeDevices(target, 1);
    const run = await runs.reserve([{ pack_id: PACK, platform_id: PLATFORM, allocation: 'all_available' }]);
    const n = (run.devices as Json[]).length;
    const res = await runs.create({ name: uniqueName('short'), requirements: [req(1)] });
    const error = expectError(res, 'shortfall', {
      status: 409,
      code: 'CONFLICT',
      message: /^Not enough devices/,
    });
    const message = String(error.message);
    assert.ok(
      message.startsWith(
        `Not enough devices for requirement: pack_id=${PACK}, platform_id=${PLATFORM}, os_version=None, count=1 (matched 0 eligible devices right now; `,
      ),
      message,
    );
    assert.match(message, new RegExp(`${n} held by active reservation \\(run ${String(run.id)}\\)`));
    assert.match(message, /\d+ candidate devices?: /);
    assert.ok(
      message.endsWith('). Check /api/availability for current platform capacity or retry later.'),
      message,
    );
    await target.api.post(`/api/runs/${String(run.id)}/cancel`);
  });

  it('groups: unknown key 422 before matching, malformed key 422 pattern, members only', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const unknown = await runs.create({
      name: 'g',
      requirements: [req(1, { groups: ['zz-contract-none'] })],
    });
    expectError(unknown, 'unknown group', {
      status: 422,
      code: 'VALIDATION_ERROR',
      message: 'unknown device groups: zz-contract-none',
    });
    const bad = await runs.create({ name: 'g', requirements: [req(1, { groups: ['Bad_Key'] })] });
    const issue = issueAt(
      expectValidationIssues(bad, 'bad key'),
      ['body', 'requirements', 0, 'groups', 0],
      'key',
    );
    assert.equal(issue.type, 'string_pattern_mismatch');
    const groups = expectOkArray(await target.api.get('/api/device-groups'), 'groups');
    let group: Json | undefined;
    let members: Json[] = [];
    for (const g of groups) {
      const devices = expectOk(await target.api.get(`/api/device-groups/${String(g.key)}`), 'group')
        .devices as Json[];
      members = devices.filter(
        (d) => d.pack_id === PACK && d.platform_id === PLATFORM && d.allocatable === true,
      );
      if (members.length > 0) {
        group = g;
        break;
      }
    }
    if (!group) return t.skip(`no device group with an allocatable ${PACK}/${PLATFORM} device on the target`);
    const run = await runs.reserve([
      { pack_id: PACK, platform_id: PLATFORM, allocation: 'all_available', groups: [group.key] },
    ]);
    assert.deepEqual(
      (run.devices as Json[]).map((d) => d.device_id).sort(),
      members.map((d) => d.id).sort(),
      'exactly the group members are reserved',
    );
    await target.api.post(`/api/runs/${String(run.id)}/cancel`);
  });
});

describe('router era: lifecycle (docs/manager-api.md §R6.3, §R6.4)', () => {
  let target: RouterTarget;
  let runs: RouterRuns;
  before(async () => {
    target = await openRouterTarget();
    runs = new RouterRuns(target);
  });
  after(async () => {
    await runs?.cleanup();
    await target?.close();
  });

  const post = (runId: unknown, action: string) => target.api.post(`/api/runs/${String(runId)}/${action}`);

  it('/ready → active; /ready again 409; /active idempotent; heartbeat; complete releases', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const run = await runs.reserve([]);
    assert.equal(assertRouterRun(expectOk(await post(run.id, 'ready'), 'ready'), 'ready').state, 'active');
    expectError(
      await post(run.id, 'ready'),
      'ready again',
      conflict("Cannot signal ready from state 'active', expected 'preparing'"),
    );
    assert.equal(expectOk(await post(run.id, 'active'), 'active').state, 'active');
    const beat = expectOk(await post(run.id, 'heartbeat'), 'heartbeat');
    assert.deepEqual(Object.keys(beat), ['state', 'last_heartbeat']);
    const done = assertRouterRun(expectOk(await post(run.id, 'complete'), 'complete'), 'complete');
    assert.equal(done.state, 'completed');
    expectError(
      await post(run.id, 'cancel'),
      'cancel after complete',
      conflict("Run is already in terminal state 'completed'"),
    );
    expectError(
      await post(run.id, 'active'),
      'active after complete',
      conflict("Cannot signal active from state 'completed', expected 'preparing' or 'active'"),
    );
    const after = expectOk(await post(run.id, 'heartbeat'), 'heartbeat after complete');
    assert.equal(after.state, 'completed');
    assert.equal(after.last_heartbeat, beat.last_heartbeat, 'a terminal run keeps its last heartbeat');
  });

  it('preparing → active via /active; reservations get released_at at the end', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    await freeDevices(target, 1);
    const run = await runs.reserve([req(1)]);
    assert.equal(expectOk(await post(run.id, 'active'), 'active').state, 'active');
    const cancelled = assertRouterRun(expectOk(await post(run.id, 'cancel'), 'cancel'), 'cancel');
    assert.equal(cancelled.state, 'cancelled');
    for (const e of cancelled.reserved_devices as Json[]) assert.notEqual(e.released_at, null);
  });

  it('missing runs: 409 on ready/active/complete/cancel, 404 on get/heartbeat', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    for (const action of ['ready', 'active', 'complete', 'cancel']) {
      expectError(await post(MISSING_UUID, action), action, conflict('Run not found'));
    }
    const notFound = { status: 404, code: 'NOT_FOUND', message: 'Run not found' };
    expectError(await post(MISSING_UUID, 'heartbeat'), 'heartbeat', notFound);
    expectError(await target.api.get(`/api/runs/${MISSING_UUID}`), 'get', notFound);
  });

  it('GET /api/runs: state=ready is a 422 (no such state), sort_by is ignored', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const issues = expectValidationIssues(await target.api.get('/api/runs?state=ready'), 'state=ready');
    assert.equal(issueAt(issues, ['query', 'state'], 'state').type, 'enum');
    const page = expectOk(await target.api.get('/api/runs?sort_by=nonsense&limit=2'), 'sort_by ignored');
    assert.deepEqual(Object.keys(page), ['items', 'total', 'limit', 'offset', 'next_cursor', 'prev_cursor']);
    for (const [i, r] of (page.items as unknown[]).entries()) assertRouterRun(r, `runs[${i}]`);
  });

  it('force-release: non-terminal → cancelled with the admin error; terminal → 200 unchanged (lab)', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    if (!target.destructive)
      return t.skip('force-release is an admin call; lab or GRIDFLEET_CONTRACT_DESTRUCTIVE=1');
    const run = await runs.reserve([]);
    const forced = expectOk(await post(run.id, 'force-release'), 'force-release');
    assert.equal(forced.state, 'cancelled');
    assert.equal(forced.error, 'Force released by admin');
    const done = await runs.reserve([]);
    expectOk(await post(done.id, 'complete'), 'complete');
    const again = expectOk(await post(done.id, 'force-release'), 'force-release on completed');
    assert.equal(again.state, 'completed');
    assert.equal(again.error, null);
  });

  it('expiry while preparing carries the suffix; after /active the plain text (lab clock)', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    if (!target.isLab) return t.skip(NEEDS_LAB);
    const preparing = await runs.reserve([], { heartbeat_timeout_sec: 30 });
    const active = await runs.reserve([], { heartbeat_timeout_sec: 30 });
    expectOk(await post(active.id, 'active'), 'active');
    const ttl = await runs.reserve([], { ttl_minutes: 1, heartbeat_timeout_sec: 600 });
    expectOk(await post(ttl.id, 'active'), 'active');
    await advanceLabClock(target.api, 31);
    const p = expectOk(await target.api.get(`/api/runs/${String(preparing.id)}`), 'preparing run');
    assert.equal(p.state, 'expired');
    assert.equal(
      p.error,
      'Heartbeat timeout; run was still in `preparing` — `/api/runs/{id}/active` was never signaled',
    );
    const a = expectOk(await target.api.get(`/api/runs/${String(active.id)}`), 'active run');
    assert.equal(a.error, 'Heartbeat timeout');
    await advanceLabClock(target.api, 30);
    const x = expectOk(await target.api.get(`/api/runs/${String(ttl.id)}`), 'ttl run');
    assert.equal(x.error, 'TTL exceeded (1 minutes)');
  });
});
