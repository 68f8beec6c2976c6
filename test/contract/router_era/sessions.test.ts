/**
 * Router era sessions (docs/manager-api.md §R3.10, §R3.12, §R5; transcript B.22–B.23, E.65–E.98):
 * the status report's 404/422, the list page, and — on the lab, with a real Appium (fake driver)
 * behind the demo devices — rows made by the internal grid: shapes, docs/manager-api.md §R5.4 ordering, run teardown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FakeAppium, startFakeAppium } from '../../internal_grid/support';
import type { ApiClient } from '../support/http';
import { assertFields } from '../support/shapes';
import { NEEDS_LAB, openSideLab, type SideLab } from '../support/target';
import { expectError, expectOk, expectValidationIssues, issueAt, type Json } from '../support/wire';
import {
  assertRouterEntry,
  NEEDS_ROUTER_ERA,
  openRouterTarget,
  PLATFORM,
  ROUTER_SESSION_DETAIL_FIELDS,
  ROUTER_SESSION_FIELDS,
  type RouterTarget,
  req,
  uniqueName,
} from './support';

describe('router era: session calls on any manager (docs/manager-api.md §R3.10, §R3.12)', () => {
  let target: RouterTarget;
  before(async () => {
    target = await openRouterTarget();
  });
  after(async () => target?.close());

  it('PATCH status: unknown session 404, bad value 422 listing pending', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    expectError(await target.api.patch('/api/sessions/no-such-session/status', { status: 'passed' }), '404', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Session not found',
    });
    const issues = expectValidationIssues(
      await target.api.patch('/api/sessions/no-such-session/status', { status: 'bogus' }),
      'bogus',
    );
    const issue = issueAt(issues, ['body', 'status'], 'status');
    assert.equal(issue.msg, "Input should be 'running', 'passed', 'failed', 'error' or 'pending'");
  });

  it('GET /api/sessions: offset page (cursors null), status=pending and active accepted', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    for (const query of ['', '?status=pending', '?active=true', '?include_probes=true&limit=5']) {
      const page = expectOk(await target.api.get(`/api/sessions${query}`), `sessions${query}`);
      assert.deepEqual(Object.keys(page), [
        'items',
        'total',
        'limit',
        'offset',
        'next_cursor',
        'prev_cursor',
      ]);
      assert.equal(page.next_cursor, null);
      assert.equal(page.prev_cursor, null);
      for (const s of page.items as Json[])
        assertFields(s, ROUTER_SESSION_DETAIL_FIELDS, 'SessionDetail', true);
    }
    expectError(await target.api.get('/api/sessions/no-such-session'), 'detail 404', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Session not found',
    });
  });
});

describe('router era: session rows made by the internal grid (lab, real Appium)', () => {
  let target: RouterTarget;
  let appium: FakeAppium | undefined;
  let side: SideLab | undefined;
  let api: ApiClient;
  let skipReason: string | undefined;

  before(async () => {
    target = await openRouterTarget();
    if (!target.routerEra) skipReason = NEEDS_ROUTER_ERA;
    else if (!target.isLab) skipReason = NEEDS_LAB;
    else {
      appium = await startFakeAppium();
      side = await openSideLab({ generation: 'router', appium_url: appium.url, allocation_retry_sec: 0.05 });
      api = side.api;
    }
  });
  after(async () => {
    await side?.close();
    await appium?.stop();
    await target?.close();
  });

  /** What the router sends for a run-bound new session; answers Appium's session id. */
  const create = async (runId: unknown, testName: string): Promise<string> => {
    const caps = {
      platformName: 'Fake',
      'appium:automationName': 'Fake',
      'appium:platform': PLATFORM,
      'gridfleet:testName': testName,
    };
    const res = await api.post(
      '/internal/grid/create-session',
      { body: { capabilities: { alwaysMatch: caps, firstMatch: [{}] } }, ticket: null, run_id: runId },
      { headers: { 'x-gridfleet-create-budget-ms': '30000' } },
    );
    const body = expectOk(res, 'create-session');
    assert.equal(body.status, 'created', res.text);
    return String(body.session_id);
  };
  const reserve = async (): Promise<Json> =>
    expectOk(
      await api.post('/api/runs', { name: uniqueName('sessions'), requirements: [req(1)] }),
      'reserve',
      201,
    );
  const session = async (sid: string) => expectOk(await api.get(`/api/sessions/${sid}`), `session ${sid}`);
  const device = async (id: unknown) => expectOk(await api.get(`/api/devices/${String(id)}`), 'device');
  const deleteAtAppium = (sid: string) => fetch(`${appium?.url}/session/${sid}`, { method: 'DELETE' });

  it('a running row: router-era shapes, busy device, no auto-activation; PATCH after the end only rewrites', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const run = await reserve();
    const deviceId = (run.devices as Json[])[0]?.device_id;
    const sid = await create(run.id, 'contract scenario');
    const row = assertFields(await session(sid), ROUTER_SESSION_DETAIL_FIELDS, 'SessionDetail', true);
    assert.equal(row.status, 'running');
    assert.equal(row.test_name, 'contract scenario');
    assert.equal(row.run_id, run.id);
    assert.equal(row.device_id, deviceId);
    assert.equal(row.is_probe, false);
    assert.ok(row.actual_capabilities && typeof row.actual_capabilities === 'object');
    const busy = await device(deviceId);
    assert.equal(busy.operational_state, 'busy');
    assert.equal(busy.unavailable_reason, 'busy');
    const listed = expectOk(await api.get(`/api/sessions?run_id=${String(run.id)}&active=true`), 'active');
    assert.deepEqual(
      (listed.items as Json[]).map((s) => s.session_id),
      [sid],
    );
    const detail = expectOk(await api.get(`/api/runs/${String(run.id)}`), 'run');
    assert.equal(detail.state, 'preparing', 'sessions do not activate a run');
    assert.equal((detail.session_counts as Json).running, 1);
    // Normal order: DELETE (router → Appium, then sessions/ended), then the report.
    await deleteAtAppium(sid);
    assert.equal((await api.post('/internal/grid/sessions/ended', { session_id: sid })).status, 204);
    const ended = await session(sid);
    assert.equal(ended.status, 'passed');
    const reported = assertFields(
      expectOk(await api.patch(`/api/sessions/${sid}/status`, { status: 'failed' }), 'PATCH'),
      ROUTER_SESSION_FIELDS,
      'SessionRead',
      true,
    );
    assert.equal(reported.status, 'failed');
    assert.equal(reported.ended_at, ended.ended_at, 'ended_at unchanged');
    assert.equal(reported.error_type, null);
    await api.post(`/api/runs/${String(run.id)}/cancel`);
  });

  it('PATCH before the end closes the row now and frees the device; running only rewrites', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const run = await reserve();
    const deviceId = (run.devices as Json[])[0]?.device_id;
    const sid = await create(run.id, 'early report');
    const still = expectOk(await api.patch(`/api/sessions/${sid}/status`, { status: 'running' }), 'running');
    assert.equal(still.ended_at, null, '"running" does not close the row');
    const closed = expectOk(await api.patch(`/api/sessions/${sid}/status`, { status: 'passed' }), 'passed');
    assert.notEqual(closed.ended_at, null, 'closed at once');
    const routes = expectOk(await api.get('/internal/grid/routes'), 'routes');
    assert.deepEqual(routes.routes, [], 'the route vanishes');
    const freed = await device(deviceId);
    assert.equal(freed.operational_state, 'available');
    assert.equal(freed.is_reserved, true);
    await deleteAtAppium(sid);
    await api.post(`/api/runs/${String(run.id)}/cancel`);
  });

  it('cancel closes live rows error / run_released and releases the entries', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const run = await reserve();
    const sid = await create(run.id, 'cancelled scenario');
    const cancelled = expectOk(await api.post(`/api/runs/${String(run.id)}/cancel`), 'cancel');
    for (const e of cancelled.reserved_devices as Json[])
      assert.notEqual(assertRouterEntry(e, 'entry').released_at, null);
    const row = await session(sid);
    assert.equal(row.status, 'error');
    assert.equal(row.error_type, 'run_released');
    assert.equal(row.error_message, 'Run ended while session was still running (cancelled)');
    assert.equal(await appium?.alive(sid), false, 'the manager deleted the Appium session first');
  });

  it('complete closes live rows passed without touching Appium', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const run = await reserve();
    const sid = await create(run.id, 'completed scenario');
    expectOk(await api.post(`/api/runs/${String(run.id)}/complete`), 'complete');
    const row = await session(sid);
    assert.equal(row.status, 'passed');
    assert.equal(row.error_type, null);
    assert.equal(await appium?.alive(sid), true, 'the Appium session is left alive');
    await deleteAtAppium(sid);
  });
});
