/**
 * Contract: error envelope, framework 404/405, request ids, wire format and authentication
 * (docs/manager-api.md §C1, §C2, §C3, §C11.1, §C11.2, §C11.4, §C11.19, §C12).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MISSING_UUID, PACK, PLATFORM, RunTracker, requirement } from './support/fixtures';
import { ApiClient, basicAuth } from './support/http';
import { UUID } from './support/shapes';
import { type ContractTarget, NEEDS_DESTRUCTIVE, openSideLab, openTarget } from './support/target';
import {
  assertJsonWire,
  expectError,
  expectFrameworkError,
  expectOk,
  expectOkArray,
  expectValidationIssues,
} from './support/wire';

describe('error envelope and wire format', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
  });
  after(async () => {
    await runs?.cleanup();
    await target?.close();
  });

  it('unknown route under /api is a framework 404 {"detail":"Not Found"} with x-request-id (docs/manager-api.md §C3)', async () => {
    expectFrameworkError(await target.api.get('/api/no-such-route'), 'GET /api/no-such-route', 404);
    expectFrameworkError(await target.api.post('/api/runs/x/y/z'), 'POST /api/runs/x/y/z', 404);
  });

  it('wrong method on a known path is a framework 405 with an Allow header (docs/manager-api.md §C3)', async () => {
    // Not DELETE/PATCH: those reach the admin route /api/driver-packs/{pack_id} with pack id "catalog".
    for (const method of ['PUT', 'POST']) {
      const res = await target.api.request(method, '/api/driver-packs/catalog');
      expectFrameworkError(res, `${method} catalog`, 405);
      assert.equal(res.headers.get('allow'), 'GET', `${method}: Allow lists the catalog route's GET`);
    }
  });

  it('DELETE / PATCH /api/driver-packs/catalog reach the admin pack route: 404 / 422 (docs/manager-api.md §C3)', async (t) => {
    if (!target.destructive) return t.skip(NEEDS_DESTRUCTIVE);
    expectError(await target.api.request('DELETE', '/api/driver-packs/catalog'), 'DELETE catalog', {
      status: 404,
      code: 'NOT_FOUND',
      message: "Pack 'catalog' not found",
    });
    const patch = await target.api.request('PATCH', '/api/driver-packs/catalog');
    assert.equal(patch.status, 422, `PATCH catalog without a body: ${patch.text}`);
  });

  it('application errors are enveloped, details omitted when absent, request_id = x-request-id (docs/manager-api.md §C3)', async () => {
    const res = await target.api.get(`/api/runs/${MISSING_UUID}`);
    const error = expectError(res, 'GET missing run', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Run not found',
    });
    assert.match(String(error.request_id), UUID, 'a generated request id is a UUID');
    assert.equal((res.json as Record<string, unknown>).detail, undefined, 'no top-level detail');
  });

  it('an X-Request-ID sent by the client is echoed in the header and the envelope (docs/manager-api.md §C1)', async () => {
    const requestId = `contract-${Date.now()}`;
    const res = await target.api.get(`/api/runs/${MISSING_UUID}`, { headers: { 'x-request-id': requestId } });
    assert.equal(res.headers.get('x-request-id'), requestId);
    expectError(res, 'GET missing run with request id', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Run not found',
    });
    const ok = await target.api.get('/api/driver-packs/catalog', { headers: { 'x-request-id': requestId } });
    assert.equal(ok.headers.get('x-request-id'), requestId, 'echoed on success too');
  });

  it('successes are compact JSON with content-type and x-request-id, and no retry-after (docs/manager-api.md §C1)', async () => {
    expectOk(await target.api.get('/api/driver-packs/catalog'), 'catalog');
    expectOkArray(await target.api.get('/api/devices'), 'devices');
    const live = await target.api.get('/health/live', { noAuth: true });
    assert.equal(live.status, 200);
    assertJsonWire(live, '/health/live');
    assert.deepEqual(live.json, { status: 'ok' });
  });

  it('dict-style errors carry the whole raised object as details, message repeated (docs/manager-api.md §C3, §C12)', async () => {
    const res = await runs.create({ name: 'contract-caps', requirements: [requirement()] }, 'capabilities');
    const message =
      'include=capabilities is not supported on reserve; reserved devices may not be online and capabilities require a live agent probe';
    expectError(res, 'reserve include=capabilities', {
      status: 422,
      code: 'VALIDATION_ERROR',
      message,
      details: { code: 'reserve_capabilities_unsupported', message },
    });
  });

  it('malformed UUID path parameters are a 422 uuid_parsing issue, before any lookup (docs/manager-api.md §C1, §C11.4, §C12)', async () => {
    const issues = expectValidationIssues(
      await target.api.get('/api/runs/not-a-uuid'),
      'GET /runs/not-a-uuid',
    );
    assert.deepEqual(issues, [
      {
        type: 'uuid_parsing',
        loc: ['path', 'run_id'],
        msg: 'Input should be a valid UUID, invalid character: found `n` at 1',
        input: 'not-a-uuid',
        ctx: { error: 'invalid character: found `n` at 1' },
      },
    ]);
    const deviceIssues = expectValidationIssues(
      await target.api.get('/api/devices/not-a-uuid'),
      'GET /devices/not-a-uuid',
    );
    assert.deepEqual(deviceIssues[0]?.loc, ['path', 'device_id']);
    assert.equal(deviceIssues[0]?.type, 'uuid_parsing');
  });

  it('every run endpoint validates the run id before looking it up (docs/manager-api.md §C11.4)', async () => {
    const paths = ['heartbeat', 'ready', 'active', 'complete', 'cancel', 'force-release', 'claim'];
    for (const p of paths) {
      const issues = expectValidationIssues(
        await target.api.post(`/api/runs/nope/${p}`),
        `POST /runs/nope/${p}`,
      );
      assert.deepEqual(issues[0]?.loc, ['path', 'run_id'], p);
      assert.equal(issues[0]?.type, 'uuid_parsing', p);
    }
  });

  it('unknown query parameters are ignored (docs/manager-api.md §C1)', async () => {
    const plain = expectOkArray(await target.api.get(`/api/devices?pack_id=${PACK}`), 'devices');
    const extra = expectOkArray(
      await target.api.get(`/api/devices?pack_id=${PACK}&bogus=1&also=x`),
      'devices+bogus',
    );
    assert.deepEqual(
      extra.map((d) => d.id),
      plain.map((d) => d.id),
    );
  });

  it('a malformed JSON body is a 422 validation error, not a 500 (docs/manager-api.md §C3)', async () => {
    const res = await target.api.request('POST', '/api/runs', { rawBody: '{"name": ' });
    const issues = expectValidationIssues(res, 'POST /runs with broken JSON');
    assert.equal(issues[0]?.type, 'json_invalid');
  });

  it('a missing required body field is a 422 "missing" issue (docs/manager-api.md §C3)', async () => {
    const res = await runs.create({ requirements: [{ pack_id: PACK, platform_id: PLATFORM }] });
    const issues = expectValidationIssues(res, 'POST /runs without name');
    assert.ok(
      issues.some((i) => i.type === 'missing' && JSON.stringify(i.loc) === '["body","name"]'),
      JSON.stringify(issues),
    );
  });
});

describe('authentication (docs/manager-api.md §C2, §C11.2)', () => {
  let target: ContractTarget;
  let authApi: ApiClient | undefined;
  let anonApi: ApiClient | undefined;
  let closeAuthLab: (() => Promise<void>) | undefined;
  let skipReason: string | undefined;
  const username = 'contract-machine';
  const password = 'contract-secret';

  before(async () => {
    target = await openTarget();
    if (target.isLab) {
      const lab = await openSideLab({ auth: { enabled: true, username, password } }, { username, password });
      closeAuthLab = () => lab.close();
      authApi = lab.api;
      anonApi = new ApiClient(lab.url);
    } else if (target.credentials) {
      authApi = target.api;
      anonApi = new ApiClient(target.url);
    } else {
      skipReason =
        'target is not a lab and no GRIDFLEET_TESTKIT_USERNAME/PASSWORD are set (auth presumably disabled there)';
    }
  });
  after(async () => {
    await closeAuthLab?.();
    await target?.close();
  });

  const unauthorized = { status: 401, code: 'UNAUTHORIZED', message: 'Authentication is required' };

  it('no credentials → 401 envelope without WWW-Authenticate', async (t) => {
    if (!anonApi) return t.skip(skipReason);
    for (const path of ['/api/devices', '/api/driver-packs/catalog', '/api/runs', '/api/sessions']) {
      const res = await anonApi.get(path);
      expectError(res, `GET ${path} without auth`, unauthorized);
      assert.equal(res.headers.get('www-authenticate'), null, `${path}: no WWW-Authenticate`);
    }
    expectError(
      await anonApi.post('/api/runs', { name: 'x', requirements: [] }),
      'POST /runs without auth',
      unauthorized,
    );
  });

  it('401 is decided before routing: unknown /api paths answer 401, not 404', async (t) => {
    if (!anonApi) return t.skip(skipReason);
    expectError(await anonApi.get('/api/no-such-route'), 'unknown route without auth', unauthorized);
    expectError(await anonApi.get('/api/runs/not-a-uuid'), 'malformed id without auth', unauthorized);
  });

  it('wrong or malformed credentials → 401', async (t) => {
    if (!anonApi) return t.skip(skipReason);
    const headers = [
      basicAuth({ username, password: 'wrong' }),
      basicAuth({ username: 'someone-else', password }),
      'Basic !!!not-base64!!!',
      'Bearer some-token',
      'Basic',
    ];
    for (const authorization of headers) {
      const res = await anonApi.get('/api/devices', { headers: { authorization } });
      expectError(res, `GET /api/devices with "${authorization.split(' ')[0]}" credentials`, unauthorized);
    }
  });

  it('machine Basic credentials are accepted on every protected area', async (t) => {
    if (!authApi) return t.skip(skipReason);
    expectOkArray(await authApi.get('/api/devices'), 'devices with auth');
    expectOk(await authApi.get('/api/driver-packs/catalog'), 'catalog with auth');
    expectOk(await authApi.get('/api/runs'), 'runs with auth');
    expectFrameworkError(await authApi.get('/api/no-such-route'), 'unknown route with auth', 404);
  });

  it('health probes stay open without credentials', async (t) => {
    if (!anonApi) return t.skip(skipReason);
    const live = await anonApi.get('/health/live');
    assert.equal(live.status, 200, '/health/live is open');
    const health = await anonApi.get('/api/health');
    assert.notEqual(health.status, 401, '/api/health is open');
  });
});
