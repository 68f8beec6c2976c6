import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call, tinyLab } from './test_support/http';

// A stand-in for Selenium Grid's /status (an external system): the test decides which sessions run.
let slots: unknown[] = [];
let grid: Server;
let lab: RunningLab;

before(async () => {
  grid = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ value: { ready: true, nodes: [{ id: 'n1', slots }] } }));
  });
  await new Promise<void>((r) => grid.listen(0, '127.0.0.1', r));
  const gridUrl = `http://127.0.0.1:${(grid.address() as AddressInfo).port}`;
  lab = await startLab({ lab: tinyLab({ lifecycle: 'target', grid_url: gridUrl }), port: 0 });
});

after(async () => {
  await lab.close();
  await new Promise<void>((r) => grid.close(() => r()));
});

test('Grid sessions are recorded, activate the run, and end when they leave the Grid', async () => {
  const run = await call(lab.apiUrl, 'POST', '/runs', {
    name: 'g',
    requirements: [{ pack_id: 'appium-uiautomator2', platform_id: 'firetv_real' }],
  });
  assert.equal(run.status, 201);
  slots = [
    {
      stereotype: { 'appium:udid': '192.0.2.50:5555' },
      session: {
        sessionId: 'grid-1',
        capabilities: { 'appium:udid': '192.0.2.50:5555', 'gridfleet:testName': 'Scenario: home' },
      },
    },
    { stereotype: {}, session: { sessionId: 'probe', capabilities: { 'gridfleet:probeSession': true } } },
    { stereotype: { 'appium:udid': 'idle' }, session: null },
  ];
  const first = await call(lab.url, 'POST', '/lab/grid-sync');
  assert.deepEqual(first.body, { added: ['grid-1'], ended: [], reachable: true });
  const s = (await call(lab.apiUrl, 'GET', '/sessions/grid-1')).body;
  assert.equal(s.status, 'running');
  assert.equal(s.test_name, 'Scenario: home');
  assert.equal(s.run_id, run.body.id);
  assert.equal(s.device_name, 'F1');
  assert.equal((await call(lab.apiUrl, 'GET', `/runs/${run.body.id}`)).body.state, 'active');
  assert.equal((await call(lab.apiUrl, 'GET', `/devices/${s.device_id}`)).body.operational_state, 'busy');
  // the client registering the same session later gets the existing row back
  const dup = await call(lab.apiUrl, 'POST', '/sessions', { session_id: 'grid-1', test_name: 'other' });
  assert.equal(dup.body.test_name, 'Scenario: home');

  slots = [];
  const second = await call(lab.url, 'POST', '/lab/grid-sync');
  assert.deepEqual(second.body.ended, ['grid-1']);
  const ended = (await call(lab.apiUrl, 'GET', '/sessions/grid-1')).body;
  assert.equal(ended.status, 'passed');
  assert.notEqual(ended.ended_at, null);
  assert.equal(
    (await call(lab.apiUrl, 'GET', `/devices/${s.device_id}`)).body.operational_state,
    'available',
  );
});

test('an unreachable Grid changes nothing', async () => {
  const offline = await startLab({ lab: tinyLab({ grid_url: 'http://127.0.0.1:1' }), port: 0 });
  try {
    const r = await call(offline.url, 'POST', '/lab/grid-sync');
    assert.deepEqual(r.body, { added: [], ended: [], reachable: false });
  } finally {
    await offline.close();
  }
});
