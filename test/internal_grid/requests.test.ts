/**
 * The internal grid API's request handling without any Appium behind the devices: the 400 texts,
 * admission (nothing is claimed, so no Appium is needed), tickets and their expiry, the small
 * endpoints, the generation switch, auth, the request log and faults.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort } from '../support';
import { FAKE, fakeBody, gridFixture } from './support';

const fx = gridFixture();
const { grid } = fx;

/** A lab whose devices point at a closed port: a wrong claim would show as a session row. */
async function closedPortLab(settings: Record<string, unknown> = {}, count = 2): Promise<void> {
  await fx.start({ appium_url: `http://127.0.0.1:${await freePort()}`, ...settings }, count);
}

const LIVE_RUN = 'sessions can only be created for a live (non-terminal) run';

describe('invalid requests (400 {"status":"invalid"})', () => {
  test('rejected namespaces, group checks and body shapes, with the manager texts', async () => {
    await closedPortLab();
    const cases: [unknown, string][] = [
      [
        fakeBody({ 'gridfleet:run_id': '94a704fe-06eb-4814-a231-8572f160c0de' }),
        "the gridfleet:run_id capability is no longer supported; create run sessions through the router's /run/{run_id} endpoint",
      ],
      [
        fakeBody({ 'appium:gridfleet:deviceId': 'x' }),
        'the appium:gridfleet:* capability namespace is no longer supported; use the gridfleet:* prefix instead (e.g. gridfleet:deviceId)',
      ],
      [
        fakeBody({}, [{ 'gridfleet:tag:team': 'qa' }]),
        'gridfleet:tag:* was removed; use gridfleet:group:<key>',
      ],
      [
        fakeBody({ [`gridfleet:group:${FAKE.group}`]: 'yes' }),
        'gridfleet group capabilities must be boolean true',
      ],
      [fakeBody({ 'gridfleet:group:Bad_Key': true }), "invalid device group key: 'Bad_Key'"],
      [fakeBody({ 'gridfleet:group:nope': true }), "unknown device group key: 'nope'"],
      [{ capabilities: [] }, "new-session body must contain a 'capabilities' object"],
      [
        { desiredCapabilities: { platformName: 'Fake' } },
        "new-session body must contain a 'capabilities' object",
      ],
      [{ capabilities: { alwaysMatch: [] } }, "'alwaysMatch' must be an object"],
      [{ capabilities: { firstMatch: {} } }, "'firstMatch' must be a list of objects"],
      [{ capabilities: { firstMatch: [1] } }, "'firstMatch' must be a list of objects"],
      [
        fakeBody({}, [{ platformName: 'Fake', 'appium:platform': 'x' }]),
        "capability present in both alwaysMatch and firstMatch: ['appium:platform', 'platformName']",
      ],
    ];
    for (const [body, message] of cases) {
      const r = await grid.create(body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
      assert.deepEqual(r.body, { status: 'invalid', message });
    }
    assert.deepEqual(await grid.sessions(), [], 'invalid requests leave no session row');
    assert.equal((await grid.api('GET', '/grid/queue')).body.queue_size, 0);
  });

  test('run-bound requests for a missing or terminal run', async () => {
    await closedPortLab();
    const missing = '0b6f2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
    const r = await grid.create(fakeBody(), { run_id: missing });
    assert.equal(r.status, 400);
    assert.equal(r.body.message, `run ${missing} is missing; ${LIVE_RUN}`);
    const { runId } = await grid.reserve(1);
    assert.equal((await grid.api('POST', `/runs/${runId}/complete`)).status, 200);
    const done = await grid.create(fakeBody(), { run_id: runId });
    assert.equal(done.status, 400);
    assert.equal(done.body.message, `run ${runId} is completed; ${LIVE_RUN}`);
  });

  test('schema problems are the 422 envelope; a bad budget header too', async () => {
    await closedPortLab();
    for (const raw of ['[]', 'null', '{"body": []}', '{"body": {}, "ticket": "not-a-uuid"}', '{}']) {
      const res = await fetch(`${fx.lab.url}/internal/grid/create-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: raw,
      });
      const json = (await res.json()) as { error: { code: string } };
      assert.equal(res.status, 422, raw);
      assert.equal(json.error.code, 'VALIDATION_ERROR', raw);
    }
    const r = await grid.create(fakeBody(), { budgetMs: Number.NaN });
    assert.equal(r.status, 422);
    assert.deepEqual(r.body.error.details[0].loc, ['header', 'x-gridfleet-create-budget-ms']);
  });
});

describe('admission (nothing may be claimed here)', () => {
  test('a free request never lands on a reserved device; it queues', async () => {
    await closedPortLab();
    await grid.reserve(2);
    const r = await grid.create(fakeBody(), { budgetMs: 300 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'queued');
    const queue = (await grid.api('GET', '/grid/queue')).body;
    assert.equal(queue.requests[0].requestId, r.body.ticket);
    assert.equal(queue.requests[0].runId, null);
    assert.deepEqual(await grid.sessions(), []);
  });

  test('a run-bound request never lands on a device outside the run, nor on a mismatching one', async () => {
    await closedPortLab();
    const { runId, deviceIds } = await grid.reserve(1);
    const state = (await grid.admin('GET', '/state')).body;
    const outside = state.devices.find((d: { id: string }) => d.id !== deviceIds[0]).id as string;
    const bodies = [
      fakeBody({ 'gridfleet:deviceId': outside }),
      fakeBody({ platformName: 'Android' }),
      fakeBody({ 'appium:platform': 'android_mobile' }),
      fakeBody({ 'appium:udid': 'fake-1' }),
      fakeBody({ 'appium:deviceName': 'Fake device 1' }),
      fakeBody({ 'gridfleet:group:other': true }),
    ];
    for (const body of bodies) {
      const r = await grid.create(body, { run_id: runId, budgetMs: 150 });
      assert.equal(r.body.status, 'queued', JSON.stringify(body));
    }
    assert.deepEqual(await grid.sessions(), []);
    assert.equal((await grid.api('GET', '/grid/queue')).body.queue_size, bodies.length);
  });

  test('a device in cooldown takes nobody; an unverified device neither', async () => {
    await closedPortLab({}, 2);
    const { runId, deviceIds } = await grid.reserve(1);
    const cd = await grid.api('POST', `/runs/${runId}/devices/${deviceIds[0]}/cooldown`, {
      reason: 'flaky',
      ttl_seconds: 60,
    });
    assert.equal(cd.status, 200, cd.text);
    const pinned = fakeBody({ 'gridfleet:deviceId': deviceIds[0] });
    assert.equal((await grid.create(pinned, { run_id: runId, budgetMs: 150 })).body.status, 'queued');
    assert.equal((await grid.create(pinned, { budgetMs: 150 })).body.status, 'queued', 'free requests too');
    const other = (await grid.admin('GET', '/state')).body.devices.find(
      (d: { id: string }) => d.id !== deviceIds[0],
    ).id as string;
    await grid.admin('PATCH', `/devices/${other}`, { readiness_state: 'verification_required' });
    const unverified = fakeBody({ 'gridfleet:deviceId': other });
    assert.equal((await grid.create(unverified, { budgetMs: 150 })).body.status, 'queued');
    assert.deepEqual(await grid.sessions(), []);
  });
});

describe('tickets', () => {
  test('queue timeout → 410; a stale ticket → 410; the sweep marks it expired', async () => {
    await closedPortLab({ queue_timeout_sec: 30, ticket_stale_sec: 100 });
    await grid.reserve(2);
    const q = await grid.create(fakeBody(), { budgetMs: 100 });
    await grid.admin('POST', '/clock', { advance_sec: 31, sweep: false });
    const r = await grid.create(fakeBody(), { ticket: q.body.ticket, budgetMs: 100 });
    assert.equal(r.status, 410);
    assert.deepEqual(r.body, { status: 'expired', message: 'queue timeout' });

    const stale = await grid.create(fakeBody(), { budgetMs: 100 });
    await grid.admin('POST', '/clock', { advance_sec: 101 });
    const tickets = (await grid.admin('GET', '/state')).body.tickets;
    assert.equal(tickets.find((t: { id: string }) => t.id === stale.body.ticket)?.status, 'expired');
    assert.equal((await grid.create(fakeBody(), { ticket: stale.body.ticket })).status, 410);
    assert.equal((await grid.api('GET', '/grid/queue')).body.queue_size, 0);
  });

  test('DELETE tickets cancels; a re-poll answers 400 "invalid capabilities"; 422 for a malformed id', async () => {
    await closedPortLab();
    await grid.reserve(2);
    const q = await grid.create(fakeBody(), { budgetMs: 100 });
    const del = await grid.cancelTicket(q.body.ticket);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    const r = await grid.create(fakeBody(), { ticket: q.body.ticket });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { status: 'invalid', message: 'invalid capabilities' });
    assert.equal((await grid.cancelTicket('0b6f2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f')).status, 204);
    assert.equal((await grid.cancelTicket('nope')).status, 422);
  });

  test('an unknown ticket gets a fresh one; a zero budget answers queued after one attempt', async () => {
    await closedPortLab();
    await grid.reserve(2);
    const unknown = '0b6f2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
    const r = await grid.create(fakeBody(), { ticket: unknown, budgetMs: 0 });
    assert.equal(r.body.status, 'queued');
    assert.notEqual(r.body.ticket, unknown);
  });
});

describe('small endpoints, generation, auth, request log, faults', () => {
  test('sessions/ended, activity and routes answer like the manager for unknown ids', async () => {
    await closedPortLab();
    assert.equal((await grid.ended('no-such-session')).status, 204);
    assert.equal((await grid.activity(['no-such-session'])).status, 204);
    assert.deepEqual(await grid.routes(), []);
    assert.equal((await grid.activity('nope')).status, 422);
    const noId = await fetch(`${fx.lab.url}/internal/grid/sessions/ended`, { method: 'POST', body: '{}' });
    assert.equal(noId.status, 422);
  });

  test('the claim generation does not serve the internal grid API', async () => {
    await closedPortLab({ generation: 'claim' });
    const r = await fetch(`${fx.lab.url}/internal/grid/routes`);
    assert.equal(r.status, 404);
    assert.deepEqual(await r.json(), { detail: 'Not Found' });
    assert.equal((await grid.api('GET', '/grid/queue')).status, 404);
  });

  test('behind Basic auth when auth is on', async () => {
    await closedPortLab({ auth: { enabled: true, username: 'router', password: 's3cret' } });
    assert.equal((await fetch(`${fx.lab.url}/internal/grid/routes`)).status, 401);
    const auth = `Basic ${Buffer.from('router:s3cret').toString('base64')}`;
    assert.equal(
      (await fetch(`${fx.lab.url}/internal/grid/routes`, { headers: { authorization: auth } })).status,
      200,
    );
  });

  test('the request log tells internal calls from API calls; faults hit internal routes', async () => {
    await closedPortLab();
    await grid.admin('DELETE', '/requests');
    await grid.api('GET', '/devices');
    await grid.routes();
    await grid.routes();
    const internal = (await grid.admin('GET', '/requests?kind=internal')).body;
    const api = (await grid.admin('GET', '/requests?kind=api')).body;
    assert.deepEqual(
      internal.map((e: { path: string; kind: string }) => [e.path, e.kind]),
      [
        ['/internal/grid/routes', 'internal'],
        ['/internal/grid/routes', 'internal'],
      ],
    );
    assert.deepEqual(
      api.map((e: { path: string }) => e.path),
      ['/api/devices'],
    );
    assert.equal((await grid.admin('GET', '/requests?kind=lab')).status, 400);

    const fault = await grid.admin('POST', '/faults', {
      method: 'POST',
      path: '/internal/grid/create-session',
      status: 500,
      times: 1,
    });
    assert.equal(fault.status, 201);
    const faulted = await grid.create(fakeBody(), { budgetMs: 0 });
    assert.equal(faulted.status, 500);
    assert.equal(faulted.body.error.code, 'INTERNAL_ERROR');
    assert.equal((await grid.create({ capabilities: [] })).status, 400, 'the fault fired once');
    const logged = (await grid.admin('GET', '/requests?kind=internal')).body.at(-2);
    assert.equal(logged.fault_id, fault.body.id);
  });
});
