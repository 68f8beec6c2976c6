/**
 * Router era (docs/manager-api.md §R1.2, §R2, §R8 and transcript B.24–B.28): retired routes,
 * the flat `GET /api/grid/status`, and per-route authentication.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../support/http';
import { openSideLab } from '../support/target';
import { expectError, expectFrameworkError, expectOk, isObject, type Json } from '../support/wire';
import { MISSING_UUID, NEEDS_ROUTER_ERA, openRouterTarget, type RouterTarget } from './support';

describe('router era: retired routes and grid status (docs/manager-api.md §R1.2, §R8)', () => {
  let target: RouterTarget;
  before(async () => {
    target = await openRouterTarget();
  });
  after(async () => target?.close());

  it('claim, release, release-with-cooldown, finished, by-connection-target are framework 404s', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const run = `/api/runs/${MISSING_UUID}`;
    const retired: [string, string][] = [
      ['POST', `${run}/claim`],
      ['POST', `${run}/release`],
      ['POST', `${run}/devices/${MISSING_UUID}/release-with-cooldown`],
      ['POST', '/api/sessions/some-session/finished'],
      ['GET', '/api/devices/by-connection-target/some-target'],
    ];
    for (const [method, path] of retired) {
      const body = method === 'POST' ? {} : undefined;
      expectFrameworkError(await target.api.request(method, path, { body }), `${method} ${path}`, 404);
      const anon = await target.api.request(method, path, { body, noAuth: true });
      expectFrameworkError(anon, `${method} ${path} without credentials`, 404);
    }
  });

  it('POST /api/sessions (register) is a 405 with allow: GET, even without credentials', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    for (const noAuth of [false, true]) {
      const res = await target.api.post('/api/sessions', {}, { noAuth });
      expectFrameworkError(res, 'POST /api/sessions', 405);
      assert.equal(res.headers.get('allow'), 'GET', 'Allow names the remaining GET');
    }
  });

  it('GET /api/grid/status is the flat control-plane shape, no grid key (Probe A)', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const status = expectOk(await target.api.get('/api/grid/status'), 'grid status');
    assert.deepEqual(Object.keys(status), [
      'ready',
      'message',
      'registry',
      'active_sessions',
      'active_session_ids',
      'running_node_count',
      'queue_size',
      'queued_request_ids',
    ]);
    assert.equal(status.ready, true);
    assert.equal(status.message, 'gridfleet control plane');
    const registry = status.registry as Json;
    assert.ok(Array.isArray(registry.devices));
    assert.equal(registry.device_count, (registry.devices as unknown[]).length);
    for (const d of registry.devices as Json[]) {
      assert.deepEqual(Object.keys(d), [
        'id',
        'identity_value',
        'connection_target',
        'name',
        'platform_id',
        'operational_state',
        'node_state',
        'node_port',
      ]);
      assert.ok(!('hold' in d), 'no hold in the registry');
    }
    assert.equal(typeof status.active_sessions, 'number');
    assert.equal(status.active_sessions, (status.active_session_ids as unknown[]).length);
    assert.equal(status.queue_size, (status.queued_request_ids as unknown[]).length);
    assert.ok(Number(status.running_node_count) <= Number(registry.device_count));
  });

  it('GET /api/grid/queue lists waiting tickets', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const queue = expectOk(await target.api.get('/api/grid/queue'), 'grid queue');
    assert.deepEqual(Object.keys(queue), ['queue_size', 'requests']);
    assert.equal(queue.queue_size, (queue.requests as unknown[]).length);
  });

  it('wrong method on a known path is a 405 naming that route (PUT catalog → allow: GET)', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const res = await target.api.request('PUT', '/api/driver-packs/catalog', { noAuth: true });
    expectFrameworkError(res, 'PUT catalog', 405);
    assert.equal(res.headers.get('allow'), 'GET');
  });
});

describe('router era: per-route authentication (docs/manager-api.md §R2)', () => {
  let target: RouterTarget;
  let anon: ApiClient | undefined;
  let authed: ApiClient | undefined;
  let closeSide: (() => Promise<void>) | undefined;
  let skipReason = NEEDS_ROUTER_ERA;
  const credentials = { username: 'router-machine', password: 'router-secret' };

  before(async () => {
    target = await openRouterTarget();
    if (!target.routerEra) return;
    if (target.isLab) {
      const side = await openSideLab(
        { generation: 'router', auth: { enabled: true, ...credentials } },
        credentials,
      );
      closeSide = () => side.close();
      authed = side.api;
      anon = new ApiClient(side.url);
    } else if (target.credentials) {
      authed = target.api;
      anon = new ApiClient(target.url);
    } else skipReason = 'target is not a lab and no GRIDFLEET_TESTKIT_USERNAME/PASSWORD are set';
  });
  after(async () => {
    await closeSide?.();
    await target?.close();
  });

  it('a matched route without credentials answers 401 "Authentication required"', async (t) => {
    if (!anon) return t.skip(skipReason);
    const unauthorized = { status: 401, code: 'UNAUTHORIZED', message: 'Authentication required' };
    for (const path of [
      '/api/devices',
      '/api/runs',
      '/api/sessions',
      '/api/grid/status',
      '/api/device-groups',
    ]) {
      expectError(await anon.get(path), `GET ${path} without credentials`, unauthorized);
    }
    // Checked before the path is validated: a malformed uuid still gets the 401.
    expectError(await anon.get('/api/runs/not-a-uuid'), 'malformed run id without credentials', unauthorized);
  });

  it('unknown paths and wrong methods answer 404/405 even without credentials', async (t) => {
    if (!anon) return t.skip(skipReason);
    expectFrameworkError(await anon.get('/api/no-such-route'), 'unknown path', 404);
    expectFrameworkError(await anon.request('DELETE', '/api/runs'), 'wrong method', 405);
  });

  it('machine Basic credentials pass', async (t) => {
    if (!authed) return t.skip(skipReason);
    const res = await authed.get('/api/grid/status');
    assert.equal(res.status, 200, res.text);
    assert.ok(isObject(res.json));
  });
});
