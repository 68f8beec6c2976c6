import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call, labApi, tinyLab } from './test_support/http';

const PACK = 'appium-uiautomator2';
let lab: RunningLab;
const { api, reserve } = labApi(() => lab);

describe('lab state machine (target lifecycle)', () => {
  before(async () => {
    lab = await startLab({ lab: tinyLab(), port: 0, settings: { lifecycle: 'target' } });
  });
  after(async () => {
    await lab.close();
  });

  test('ready activates, active is a no-op, by-connection-target is served', async () => {
    const run = await reserve([{ pack_id: PACK, platform_id: 'android_mobile' }]);
    const ready = await api('POST', `/runs/${run.id}/ready`);
    assert.equal(ready.body.state, 'active');
    assert.equal(ready.body.started_at, ready.body.last_heartbeat);
    const noop = await api('POST', `/runs/${run.id}/active`);
    assert.equal(noop.body.started_at, ready.body.started_at);
    assert.equal(
      (await api('POST', `/runs/${run.id}/ready`)).body.error.message,
      "Cannot signal ready from state 'active', expected 'preparing'",
    );
    const found = await api('GET', '/devices/by-connection-target/192.0.2.50%3A5555');
    assert.equal(found.body.name, 'F1');
    const miss = await api('GET', '/devices/by-connection-target/nope');
    assert.equal(miss.body.error.message, 'Device not found for connection_target');
    assert.equal((await api('GET', '/devices/by-connection-target/a%2Fb')).text, '{"detail":"Not Found"}');
  });
});

describe('lab auth', () => {
  before(async () => {
    lab = await startLab({
      lab: tinyLab(),
      port: 0,
      settings: { auth: { enabled: true, username: 'machine', password: 's3cret' } },
    });
  });
  after(async () => {
    await lab.close();
  });

  test('401 before routing without valid Basic credentials; open health and admin', async () => {
    for (const path of ['/devices', '/no/such/route', '/driver-packs/catalog']) {
      const r = await api('GET', path);
      assert.equal(r.status, 401, path);
      assert.equal(r.body.error.message, 'Authentication is required');
      assert.equal(r.headers.get('www-authenticate'), null);
    }
    const wrong = await api('GET', '/devices', undefined, {
      authorization: `Basic ${Buffer.from('machine:nope').toString('base64')}`,
    });
    assert.equal(wrong.status, 401);
    const good = await api('GET', '/devices', undefined, {
      authorization: `Basic ${Buffer.from('machine:s3cret').toString('base64')}`,
    });
    assert.equal(good.status, 200);
    assert.equal((await api('GET', '/health')).status, 200);
    assert.equal((await call(lab.url, 'GET', '/health/live')).status, 200);
    assert.equal((await call(lab.url, 'GET', '/lab/state')).status, 200);
  });
});
