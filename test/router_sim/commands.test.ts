/**
 * Commands, DELETE, route refresh, activity and the router's own endpoints against a scripted
 * manager and an echoing upstream (docs/manager-api.md §R4.1, §R4.5, §R4.6.3–§R4.6.5).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import type { RouterOptions, RunningRouter } from '../../lab/src/router';
import {
  created,
  type ScriptedManager,
  startEchoUpstream,
  startScriptedRouter,
} from '../../lab/src/router/test_support/scripted_manager';
import { freePort, waitFor } from '../support';

const RUN = '27ac470c-2d34-4615-8822-c1b7b648ce7a';
const DEVICE = 'fa400992-f83b-4ccb-8ffc-9d5747405729';

let manager: ScriptedManager;
let router: RunningRouter;
let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
const stops: (() => Promise<void>)[] = [];

async function start(options: Partial<RouterOptions> = {}) {
  const pair = await startScriptedRouter(options);
  ({ manager, router } = pair);
  upstream = await startEchoUpstream();
  stops.push(pair.close, upstream.close);
}

afterEach(async () => {
  while (stops.length > 0) await stops.shift()?.();
});

async function send(method: string, path: string, body?: string) {
  const res = await fetch(`${router.url}${path}`, {
    method,
    body,
    headers: body ? { 'content-type': 'text/plain' } : {},
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function createVia(path: string, sessionId: string, target = upstream.url) {
  manager.script(created(sessionId, target, DEVICE));
  const r = await send('POST', path, '{"capabilities":{}}');
  assert.equal(r.status, 200, r.text);
}

test('commands go to the session target with the prefix stripped, query and body kept, answer untouched', async () => {
  await start();
  await createVia(`/run/${RUN}/session`, 's1');
  const r = await send('POST', `/run/${RUN}/session/s1/element?using=id`, '{"value":"x"}');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-upstream'), 'echo', 'upstream headers pass through');
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  const echoed = (r.json as { value: { method: string; path: string; body: string } }).value;
  assert.deepEqual(
    [echoed.method, echoed.path, echoed.body],
    ['POST', '/session/s1/element?using=id', '{"value":"x"}'],
  );
  // Without the prefix too; an upstream 500 is relayed as is.
  const fail = await send('GET', '/session/s1/fail');
  assert.equal(fail.status, 500);
  assert.equal((fail.json as { value: { path: string } }).value.path, '/session/s1/fail');
});

test('an unknown session is looked up once in the manager routes, then 404 invalid session id', async () => {
  await start();
  const before = manager.callsTo('/internal/grid/routes').length;
  const miss = await send('GET', '/session/ghost/url');
  assert.equal(miss.status, 404);
  assert.equal(
    miss.text,
    '{"value":{"error":"invalid session id","message":"no route for session ghost","stacktrace":""}}',
  );
  assert.equal(manager.callsTo('/internal/grid/routes').length, before + 1);
  // A route only the manager knows is found by that refresh.
  manager.setRoutes([{ session_id: 'known', target: upstream.url }]);
  const hit = await send('GET', '/session/known/url');
  assert.equal(hit.status, 200);
  assert.equal((hit.json as { value: { path: string } }).value.path, '/session/known/url');
});

test('DELETE is proxied, then the route is dropped and sessions/ended sent; a DELETE without route calls nothing', async () => {
  await start();
  await createVia('/session', 's2');
  const del = await send('DELETE', `/run/${RUN}/session/s2/`);
  assert.equal(del.status, 200);
  assert.equal(upstream.requests.at(-1)?.path, '/session/s2/');
  await waitFor(() => manager.callsTo('/internal/grid/sessions/ended').length === 1, {
    what: 'sessions/ended',
  });
  assert.deepEqual(manager.callsTo('/internal/grid/sessions/ended')[0]?.body, { session_id: 's2' });
  const after = await send('GET', '/session/s2/url');
  assert.equal(after.status, 404);
  const again = await send('DELETE', '/session/s2');
  assert.equal(again.status, 404);
  assert.equal(manager.callsTo('/internal/grid/sessions/ended').length, 1);
});

test('DELETE whose Appium is unreachable still ends the session', async () => {
  await start({ connectTimeoutMs: 1_000 });
  const dead = `http://127.0.0.1:${await freePort()}`;
  await createVia('/session', 's3', dead);
  const del = await send('DELETE', '/session/s3');
  assert.equal(del.status, 502);
  assert.equal((del.json as { value: { error: string } }).value.error, 'unknown error');
  await waitFor(() => manager.callsTo('/internal/grid/sessions/ended').length === 1, {
    what: 'sessions/ended',
  });
});

test('the periodic refresh rebuilds the map from the manager', async () => {
  await start({ routesRefreshMs: 50 });
  await createVia('/session', 'mine');
  manager.setRoutes([{ session_id: 'theirs', target: upstream.url }]);
  await waitFor(async () => (await send('GET', '/session/mine/url')).status === 404, {
    what: 'mine to vanish',
  });
  assert.equal((await send('GET', '/session/theirs/url')).status, 200);
});

test('activity ids are flushed when there are some, and kept when the flush fails', async () => {
  await start({ activityFlushMs: 50 });
  manager.setStatus('/internal/grid/activity', 503);
  await createVia('/session', 'a1');
  await send('GET', '/session/a1/url');
  await waitFor(() => manager.callsTo('/internal/grid/activity').length >= 2, {
    what: 'two failing flushes',
  });
  assert.ok(
    manager.callsTo('/internal/grid/activity').every((c) => JSON.stringify(c.body) === '{"sessions":["a1"]}'),
  );
  manager.setStatus('/internal/grid/activity', 204);
  const count = manager.callsTo('/internal/grid/activity').length;
  await waitFor(() => manager.callsTo('/internal/grid/activity').length > count, { what: 'a working flush' });
  const settled = manager.callsTo('/internal/grid/activity').length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(manager.callsTo('/internal/grid/activity').length, settled, 'nothing to flush: no call');
});

test('status, healthz, metrics and unknown commands', async () => {
  await start();
  const status = await send('GET', '/status');
  assert.equal(status.text, '{"value":{"message":"GridFleet router","ready":true}}');
  assert.equal(status.headers.get('content-type'), 'application/json');
  const health = await send('GET', '/healthz');
  assert.deepEqual(
    [health.status, health.text, health.headers.get('content-type')],
    [200, 'ok', 'text/plain'],
  );
  const metrics = await send('GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /^gridfleet_router_routes 0$/m);
  for (const [method, path, message] of [
    ['GET', '/wd/hub/status?x=1', 'GET /wd/hub/status'],
    ['GET', '/session', 'GET /session'],
    ['POST', `/run/${RUN}`, `POST /run/${RUN}`],
  ] as const) {
    const r = await send(method, path, method === 'POST' ? '{}' : undefined);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { value: { error: 'unknown command', message, stacktrace: '' } });
  }
});

test('a WebSocket-style upgrade on a session path is tunnelled to the target with the prefix stripped', async () => {
  await start();
  const seen: string[] = [];
  const wsServer = http.createServer();
  wsServer.on('upgrade', (req, socket) => {
    seen.push(`${req.method} ${req.url} ${req.headers.upgrade}`);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (chunk: Buffer) => socket.write(`echo:${chunk.toString()}`));
    socket.on('end', () => socket.destroy());
  });
  await new Promise<void>((r) => wsServer.listen(0, '127.0.0.1', r));
  stops.push(
    () =>
      new Promise((r) => {
        wsServer.close(() => r());
        wsServer.closeAllConnections();
      }),
  );
  await createVia(
    `/run/${RUN}/session`,
    'ws1',
    `http://127.0.0.1:${(wsServer.address() as AddressInfo).port}`,
  );
  const echoed = await new Promise<string>((resolve, reject) => {
    const req = http.request(`${router.url}/run/${RUN}/session/ws1/se/bidi`, {
      headers: { Connection: 'Upgrade', Upgrade: 'test' },
    });
    req.on('upgrade', (_res, socket) => {
      socket.on('data', (chunk: Buffer) => {
        resolve(chunk.toString());
        socket.destroy();
      });
      socket.write('ping');
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(echoed, 'echo:ping');
  assert.deepEqual(seen, ['GET /session/ws1/se/bidi test']);
});
