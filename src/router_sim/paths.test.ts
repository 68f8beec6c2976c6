import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyRequest } from './paths';

const RUN = '27AC470C-2d34-4615-8822-c1b7b648ce7a';

test('POST /session is a new session, free or bound to the /run/{uuid} prefix (lower-cased)', () => {
  assert.deepEqual(classifyRequest('POST', '/session'), { kind: 'new-session', runId: null });
  assert.deepEqual(classifyRequest('POST', `/run/${RUN}/session?x=1`), {
    kind: 'new-session',
    runId: RUN.toLowerCase(),
  });
});

test('commands are proxied with the prefix stripped and the query kept', () => {
  assert.deepEqual(classifyRequest('POST', `/run/${RUN}/session/abc/element?q=1`), {
    kind: 'command',
    sessionId: 'abc',
    isDelete: false,
    upstreamPath: '/session/abc/element?q=1',
  });
  assert.deepEqual(classifyRequest('GET', '/session/abc'), {
    kind: 'command',
    sessionId: 'abc',
    isDelete: false,
    upstreamPath: '/session/abc',
  });
});

test('DELETE /session/{id} ends the route, with one trailing slash allowed', () => {
  for (const path of ['/session/abc', '/session/abc/', `/run/${RUN}/session/abc`]) {
    const r = classifyRequest('DELETE', path);
    assert.equal(r.kind, 'command', path);
    assert.equal(r.kind === 'command' && r.isDelete, true, path);
  }
  const sub = classifyRequest('DELETE', '/session/abc/window');
  assert.equal(sub.kind === 'command' && sub.isDelete, false);
});

test('status, healthz, metrics', () => {
  assert.equal(classifyRequest('GET', '/status').kind, 'status');
  assert.equal(classifyRequest('GET', '/healthz').kind, 'healthz');
  assert.equal(classifyRequest('GET', '/metrics').kind, 'metrics');
});

test('everything else is an unknown command named by method and path as received, without the query', () => {
  const cases: [string, string, string][] = [
    ['GET', '/session', 'GET /session'],
    ['POST', '/session/', 'POST /session/'],
    ['POST', '/session/abc', 'POST /session/abc'],
    ['POST', '/wd/hub/session', 'POST /wd/hub/session'],
    ['GET', `/run/${RUN}`, `GET /run/${RUN}`],
    ['POST', '/run/not-a-uuid/session?a=b', 'POST /run/not-a-uuid/session'],
    ['POST', '/status', 'POST /status'],
  ];
  for (const [method, path, message] of cases) {
    assert.deepEqual(classifyRequest(method, path), { kind: 'unknown', message }, `${method} ${path}`);
  }
});
