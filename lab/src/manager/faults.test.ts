import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call, tinyLab } from './test_support/http';

let lab: RunningLab;
const admin = (method: string, path: string, body?: unknown) => call(lab.url, method, `/lab${path}`, body);

describe('fault injection and request log', () => {
  before(async () => {
    lab = await startLab({ lab: tinyLab(), port: 0 });
  });
  after(async () => {
    await lab.close();
  });
  beforeEach(async () => {
    await admin('DELETE', '/faults');
    await admin('DELETE', '/requests');
  });

  test('status fault with times: realistic envelope, then normal answers again', async () => {
    const f = await admin('POST', '/faults', { method: 'GET', path: '/api/devices', status: 503, times: 2 });
    assert.equal(f.status, 201);
    for (let i = 0; i < 2; i++) {
      const r = await call(lab.apiUrl, 'GET', '/devices');
      assert.equal(r.status, 503);
      assert.equal(r.body.error.code, 'SHUTTING_DOWN');
      assert.equal(r.body.error.request_id, r.headers.get('x-request-id'));
    }
    assert.equal((await call(lab.apiUrl, 'GET', '/devices')).status, 200);
    assert.deepEqual((await admin('GET', '/faults')).body, []);
  });

  test('500 fault has no x-request-id header, like the manager', async () => {
    await admin('POST', '/faults', { path: '/api/runs/*/claim', status: 500 });
    const r = await call(lab.apiUrl, 'POST', '/runs/00000000-0000-0000-0000-000000000000/claim');
    assert.equal(r.status, 500);
    assert.equal(r.headers.get('x-request-id'), null);
    assert.equal(r.body.error.code, 'INTERNAL_ERROR');
    assert.match(r.body.error.request_id, /^[0-9a-f-]{36}$/);
    // other routes and methods are untouched
    assert.equal((await call(lab.apiUrl, 'GET', '/runs/00000000-0000-0000-0000-000000000000')).status, 404);
  });

  test('dropped connection and malformed JSON', async () => {
    await admin('POST', '/faults', { path: '/api/driver-packs/catalog', drop: true, times: 1 });
    await assert.rejects(fetch(`${lab.apiUrl}/driver-packs/catalog`));
    await admin('POST', '/faults', { path: '/^\\/api\\/driver-packs/', malformed: true, times: 1 });
    const r = await call(lab.apiUrl, 'GET', '/driver-packs/catalog');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.throws(() => JSON.parse(r.text));
    assert.equal((await call(lab.apiUrl, 'GET', '/driver-packs/catalog')).status, 200);
  });

  test('applied: the claim lands, then its answer is replaced (500, or a dropped connection)', async () => {
    const run = await call(lab.apiUrl, 'POST', '/runs', {
      name: 'applied',
      requirements: [{ pack_id: 'appium-uiautomator2', platform_id: 'android_mobile', count: 2 }],
    });
    assert.equal(run.status, 201);
    const claimPath = `/runs/${run.body.id}/claim`;
    await admin('POST', '/faults', { path: '/api/runs/*/claim', status: 500, applied: true, times: 1 });
    const lost = await call(lab.apiUrl, 'POST', claimPath, { worker_id: 'w-applied' });
    assert.equal(lost.status, 500);
    assert.equal(lost.body.error.code, 'INTERNAL_ERROR');
    await admin('POST', '/faults', { path: '/api/runs/*/claim', drop: true, applied: true, times: 1 });
    await assert.rejects(
      fetch(`${lab.apiUrl}${claimPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ worker_id: 'w-dropped' }),
      }),
    );
    const detail = await call(lab.apiUrl, 'GET', `/runs/${run.body.id}`);
    const owners = detail.body.devices.map((d: { claimed_by: string | null }) => d.claimed_by).sort();
    assert.deepEqual(owners, ['w-applied', 'w-dropped'], 'both claims landed although no answer said so');
    const log = (await admin('GET', '/requests')).body as Array<{
      path: string;
      status: number;
      fault_id: string | null;
    }>;
    const claims = log.filter((e) => e.path.endsWith('/claim'));
    assert.deepEqual(
      claims.map((e) => [e.status, e.fault_id !== null]),
      [
        [500, true],
        [0, true],
      ],
    );
    await admin('POST', '/reset');
  });

  test('applied needs an answer to replace', async () => {
    const r = await admin('POST', '/faults', { path: '/api/devices', latency_ms: 10, applied: true });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /applied: true needs status, drop or malformed/);
  });

  test('latency-only faults still answer normally; probability 0 never fires', async () => {
    await admin('POST', '/faults', { path: '/api/devices', latency_ms: 30, times: 1 });
    assert.equal((await call(lab.apiUrl, 'GET', '/devices')).status, 200);
    await admin('POST', '/faults', { path: '/api/devices', status: 500, probability: 0 });
    for (let i = 0; i < 5; i++) assert.equal((await call(lab.apiUrl, 'GET', '/devices')).status, 200);
  });

  test('bad fault specs name the problem', async () => {
    const r = await admin('POST', '/faults', { path: '/api/devices', status: 99 });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /^status: /);
    const none = await admin('POST', '/faults', { path: '/api/devices' });
    assert.match(none.body.error.message, /at least one of status, latency_ms, drop or malformed/);
    const regex = await admin('POST', '/faults', { path: '/(/', status: 500 });
    assert.match(regex.body.error.message, /path: invalid regular expression/);
  });

  test('request log records API calls (not admin ones) and supports since=', async () => {
    await call(lab.apiUrl, 'GET', '/devices?status=available');
    await call(lab.apiUrl, 'GET', '/runs/not-a-uuid');
    const all = (await admin('GET', '/requests')).body;
    assert.equal(all.length, 2);
    assert.deepEqual(
      all.map((e: { method: string; path: string; query: string; status: number }) => [
        e.method,
        e.path,
        e.query,
        e.status,
      ]),
      [
        ['GET', '/api/devices', 'status=available', 200],
        ['GET', '/api/runs/not-a-uuid', '', 422],
      ],
    );
    assert.equal(typeof all[0].duration_ms, 'number');
    const later = (await admin('GET', `/requests?since=${all[0].seq}`)).body;
    assert.equal(later.length, 1);
    assert.equal((await admin('GET', '/requests?since=yesterday')).status, 400);
  });

  test('reset restores the lab file state', async () => {
    const run = await call(lab.apiUrl, 'POST', '/runs', {
      name: 'r',
      requirements: [{ pack_id: 'appium-uiautomator2', platform_id: 'android_mobile', count: 2 }],
    });
    assert.equal(run.status, 201);
    assert.equal((await admin('GET', '/state')).body.runs.length, 1);
    await admin('POST', '/reset');
    const state = (await admin('GET', '/state')).body;
    assert.equal(state.runs.length, 0);
    assert.ok(state.devices.every((d: { hold: null }) => d.hold === null));
    assert.equal((await call(lab.apiUrl, 'GET', `/runs/${run.body.id}`)).status, 404);
  });
});
