/**
 * The router's new-session mapping against a scripted manager (docs/manager-api.md, router era
 * docs/manager-api.md §R4.2 and §R4.6.1): every answer kind, retries, the deadline, client disconnects, body limits.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import type { RouterOptions, RunningRouter } from '../../lab/src/router';
import {
  created,
  queued,
  type ScriptedManager,
  startScriptedRouter,
} from '../../lab/src/router/test_support/scripted_manager';
import { waitFor } from '../support';

const RUN = '27ac470c-2d34-4615-8822-c1b7b648ce7a';
const TICKET = 'ce9670c6-10b1-406d-96e0-1fc0870911f4';
const DEVICE = 'fa400992-f83b-4ccb-8ffc-9d5747405729';
const CAPS = { capabilities: { alwaysMatch: { platformName: 'Fake', 'gridfleet:testName': 't' } } };

let manager: ScriptedManager;
let router: RunningRouter;
const stops: (() => Promise<void>)[] = [];

async function start(options: Partial<RouterOptions> = {}, auth?: { username: string; password: string }) {
  const pair = await startScriptedRouter(options, { expectAuth: auth });
  ({ manager, router } = pair);
  stops.push(pair.close);
}

afterEach(async () => {
  while (stops.length > 0) await stops.shift()?.();
});
after(async () => {
  while (stops.length > 0) await stops.shift()?.();
});

async function newSession(path: string, body: unknown = CAPS) {
  const res = await fetch(`${router.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: [...res.headers.keys()].sort(), text, json: JSON.parse(text) };
}

function w3c(error: string, message: string) {
  return { value: { error, message, stacktrace: '' } };
}

function createCalls() {
  return manager.callsTo('/internal/grid/create-session');
}

describe('created', () => {
  beforeEach(() => start());

  test('relays Appium status and body with gridfleet:deviceId injected, sorted keys, two headers', async () => {
    manager.script(created('sess-1', 'http://127.0.0.1:9', DEVICE, { zeta: 1, alpha: 2 }));
    const r = await newSession(`/run/${RUN.toUpperCase()}/session`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.value.capabilities['gridfleet:deviceId'], DEVICE);
    assert.equal(r.json.value.sessionId, 'sess-1');
    // Compact, keys sorted at every level.
    assert.equal(
      r.text,
      `{"value":{"capabilities":{"alpha":2,"gridfleet:deviceId":"${DEVICE}","platformName":"Fake","zeta":1},"sessionId":"sess-1"}}`,
    );
    assert.deepEqual(
      r.headers.filter((h) => h !== 'connection' && h !== 'keep-alive'),
      ['content-length', 'content-type'],
    );
    const [call] = createCalls();
    assert.deepEqual(call?.body, { body: CAPS, ticket: null, run_id: RUN });
    const budget = Number(call?.headers['x-gridfleet-create-budget-ms']);
    assert.ok(budget > 300_000 && budget <= 330_000, `budget ${budget}`);
  });

  test('a free session sends run_id null; queued answers are re-sent with their ticket', async () => {
    manager.script(queued(TICKET), queued(TICKET), created('sess-2', 'http://127.0.0.1:9', DEVICE));
    const r = await newSession('/session');
    assert.equal(r.status, 200);
    const calls = createCalls();
    assert.deepEqual(
      calls.map((c) => (c.body as { ticket: unknown }).ticket),
      [null, TICKET, TICKET],
    );
    assert.ok(calls.every((c) => (c.body as { run_id: unknown }).run_id === null));
    const budgets = calls.map((c) => Number(c.headers['x-gridfleet-create-budget-ms']));
    assert.ok(
      budgets.every((b, i) => i === 0 || b <= (budgets[i - 1] as number)),
      `budgets ${budgets}`,
    );
  });

  test('an unknown 200 status counts as queued', async () => {
    manager.script(
      { status: 200, body: { status: 'thinking', ticket: TICKET } },
      created('sess-3', 'http://127.0.0.1:9', DEVICE),
    );
    assert.equal((await newSession('/session')).status, 200);
    assert.deepEqual(createCalls()[1]?.body, { body: CAPS, ticket: TICKET, run_id: null });
  });

  test('no value.capabilities object: nothing injected, body relayed as is', async () => {
    manager.script({
      status: 200,
      body: {
        status: 'created',
        session_id: 's',
        target: 'http://127.0.0.1:9',
        device_id: DEVICE,
        appium_body: { value: { sessionId: 's' } },
      },
    });
    const r = await newSession('/session');
    assert.equal(r.status, 200, 'appium_status missing → 200');
    assert.equal(r.text, '{"value":{"sessionId":"s"}}');
  });
});

describe('answers that end the request', () => {
  beforeEach(() => start());

  const cases: [string, { status: number; body?: unknown; text?: string }, number, unknown][] = [
    [
      'create_failed relays Appium status and body',
      {
        status: 200,
        body: {
          status: 'create_failed',
          appium_status: 500,
          appium_body: w3c('session not created', 'no app'),
        },
      },
      500,
      w3c('session not created', 'no app'),
    ],
    [
      'create_failed without appium_status → 500',
      {
        status: 200,
        body: { status: 'create_failed', appium_body: { value: { error: 'x', message: 'y' } } },
      },
      500,
      { value: { error: 'x', message: 'y' } },
    ],
    [
      'create_error with a message',
      {
        status: 200,
        body: { status: 'create_error', message: 'appium returned 404: {"detail":"Not Found"}' },
      },
      500,
      w3c('session not created', 'appium returned 404: {"detail":"Not Found"}'),
    ],
    [
      'create_error without a message',
      { status: 200, body: { status: 'create_error', message: null } },
      500,
      w3c('session not created', 'session create failed'),
    ],
    [
      '400 with the manager message',
      {
        status: 400,
        body: {
          status: 'invalid',
          message: `run ${RUN} is missing; sessions can only be created for a live (non-terminal) run`,
        },
      },
      400,
      w3c(
        'session not created',
        `run ${RUN} is missing; sessions can only be created for a live (non-terminal) run`,
      ),
    ],
    [
      '400 without a message: the raw body',
      { status: 400, text: 'nope' },
      400,
      w3c('session not created', 'nope'),
    ],
    [
      '410 expired',
      { status: 410, body: { status: 'expired', message: 'queue timeout' } },
      500,
      w3c('session not created', 'no matching device became available'),
    ],
    [
      '401',
      { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'Authentication required' } } },
      500,
      w3c('session not created', 'router misconfigured: backend authentication failed'),
    ],
    [
      '403',
      { status: 403, body: {} },
      500,
      w3c('session not created', 'router misconfigured: backend authentication failed'),
    ],
    [
      '404',
      { status: 404, body: { detail: 'Not Found' } },
      500,
      w3c('session not created', 'router misconfigured: backend internal grid API not found'),
    ],
    [
      '422 envelope comes through as raw JSON text',
      { status: 422, text: '{"error":{"code":"VALIDATION_ERROR","message":"Request validation failed"}}' },
      400,
      w3c(
        'session not created',
        'backend rejected create-session (422): {"error":{"code":"VALIDATION_ERROR","message":"Request validation failed"}}',
      ),
    ],
    [
      '409 with a FastAPI detail string',
      { status: 409, body: { detail: 'busy' } },
      400,
      w3c('session not created', 'backend rejected create-session (409): busy'),
    ],
    [
      '422 with FastAPI msg entries',
      { status: 422, body: { detail: [{ msg: 'field required' }, { msg: 'bad uuid' }] } },
      400,
      w3c('session not created', 'backend rejected create-session (422): field required; bad uuid'),
    ],
  ];
  for (const [name, answer, status, body] of cases) {
    test(name, async () => {
      manager.script(answer);
      const r = await newSession('/session');
      assert.equal(r.status, status, r.text);
      assert.deepEqual(r.json, body);
    });
  }

  test('401 after a queued answer cancels the held ticket; 410 does not', async () => {
    manager.script(queued(TICKET), { status: 401, body: {} });
    await newSession('/session');
    assert.deepEqual(
      manager.callsTo('/internal/grid/tickets/').map((c) => `${c.method} ${c.path}`),
      [`DELETE /internal/grid/tickets/${TICKET}`],
    );
    manager.calls.length = 0;
    manager.script(queued(TICKET), { status: 410, body: { status: 'expired', message: 'queue timeout' } });
    await newSession('/session');
    assert.deepEqual(manager.callsTo('/internal/grid/tickets/'), []);
  });
});

describe('retries', () => {
  beforeEach(() => start());

  test('5xx, an unreadable 200 and a dropped connection are retried with the same ticket', async () => {
    manager.script(
      queued(TICKET),
      { status: 503, body: { error: { code: 'SHUTTING_DOWN' } } },
      { status: 200, text: 'not json' },
      { status: 200, body: { status: 'created', session_id: null } },
      { drop: true },
      created('sess-r', 'http://127.0.0.1:9', DEVICE),
    );
    const r = await newSession('/session');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      createCalls().map((c) => (c.body as { ticket: unknown }).ticket),
      [null, TICKET, TICKET, TICKET, TICKET, TICKET],
    );
  });
});

describe('deadline and disconnects', () => {
  test('past the deadline the ticket is cancelled and the client gets 500 timed out', async () => {
    await start({ newSessionTimeoutSec: 0.3 });
    manager.script({ ...queued(TICKET), delayMs: 100 });
    const r = await newSession('/session');
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, w3c('session not created', 'timed out waiting for a device'));
    assert.equal(manager.callsTo(`/internal/grid/tickets/${TICKET}`, 'DELETE').length, 1);
  });

  test('a client that leaves while queued gets its ticket cancelled', async () => {
    await start();
    manager.script(queued(TICKET), { hang: true });
    const req = http.request(`${router.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.end(JSON.stringify(CAPS));
    await waitFor(() => createCalls().length >= 2, { what: 'the re-poll with the ticket' });
    req.destroy();
    await waitFor(() => manager.callsTo(`/internal/grid/tickets/${TICKET}`, 'DELETE').length === 1, {
      what: 'the ticket cancel',
    });
  });

  test('a session created for a client that already left is deleted at Appium and reported ended', async () => {
    await start();
    const appiumCalls: string[] = [];
    const appium = http.createServer((req, res) => {
      appiumCalls.push(`${req.method} ${req.url}`);
      res.end('{"value":null}');
    });
    await new Promise<void>((r) => appium.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise((r) => appium.close(() => r())));
    const target = `http://127.0.0.1:${(appium.address() as { port: number }).port}`;
    manager.script({ ...created('sess-lost', target, DEVICE), delayMs: 300 });
    const req = http.request(`${router.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.end(JSON.stringify(CAPS));
    await waitFor(() => createCalls().length === 1, { what: 'the first create-session call' });
    req.destroy();
    await waitFor(() => manager.callsTo('/internal/grid/sessions/ended').length === 1, {
      what: 'sessions/ended',
    });
    assert.deepEqual(manager.callsTo('/internal/grid/sessions/ended')[0]?.body, { session_id: 'sess-lost' });
    await waitFor(() => appiumCalls.includes('DELETE /session/sess-lost'), { what: 'the DELETE at Appium' });
  });
});

describe('bodies', () => {
  beforeEach(() => start());

  test('more than 1 MiB → 413, not JSON → 400; the manager is not asked', async () => {
    const big = JSON.stringify({ capabilities: { alwaysMatch: { pad: 'x'.repeat(1024 * 1024) } } });
    const r413 = await newSession('/session', big);
    assert.equal(r413.status, 413);
    assert.deepEqual(r413.json, w3c('session not created', 'request body too large'));
    const r400 = await newSession('/session', '{nope');
    assert.equal(r400.status, 400);
    assert.equal(r400.json.value.error, 'session not created');
    assert.match(r400.json.value.message, /^invalid JSON: /);
    assert.deepEqual(createCalls(), []);
  });
});

describe('auth', () => {
  test('Basic credentials reach the manager', async () => {
    await start(
      { auth: { username: 'router', password: 's3cret' } },
      { username: 'router', password: 's3cret' },
    );
    manager.script(created('sess-a', 'http://127.0.0.1:9', DEVICE));
    assert.equal((await newSession('/session')).status, 200);
  });

  test('wrong credentials: 500 router misconfigured', async () => {
    await start(
      { auth: { username: 'router', password: 'wrong' } },
      { username: 'router', password: 's3cret' },
    );
    const r = await newSession('/session');
    assert.deepEqual(
      r.json,
      w3c('session not created', 'router misconfigured: backend authentication failed'),
    );
  });
});
