import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call, labApi, tinyLab } from './test_support/http';

const PACK = 'appium-uiautomator2';
let lab: RunningLab;
const { api, reserve } = labApi(() => lab);

describe('device test_data and sessions over HTTP', () => {
  before(async () => {
    lab = await startLab({ lab: tinyLab(), port: 0 });
  });
  after(async () => {
    await lab.close();
  });
  beforeEach(async () => {
    assert.equal((await call(lab.url, 'POST', '/lab/reset')).status, 200);
  });

  test('test_data: deep merge, object root, 64 KiB limit on the request body, history', async () => {
    const id = (await api('GET', '/devices?search=a1')).body[0].id;
    const merged = await api('PATCH', `/devices/${id}/test_data`, {
      account: { region: 'eu' },
      build: 42,
      gone: null,
    });
    assert.deepEqual(merged.body, { build: 42, gone: null, account: { user: 'a1', region: 'eu' } });
    assert.equal(merged.text, '{"gone":null,"build":42,"account":{"user":"a1","region":"eu"}}');
    const list = await api('PUT', `/devices/${id}/test_data`, ['not', 'an', 'object']);
    assert.deepEqual(list.body.error.details, [
      {
        type: 'dict_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary',
        input: ['not', 'an', 'object'],
      },
    ]);
    const big = { blob: 'x'.repeat(65_536 - 12) };
    assert.equal((await api('PUT', `/devices/${id}/test_data`, big)).status, 200);
    const over = await api('PUT', `/devices/${id}/test_data`, { blob: 'é'.repeat(11_000) });
    assert.equal(over.status, 422);
    assert.equal(
      over.body.error.details[0].msg,
      'Value error, test_data payload exceeds 65536 bytes (got 66012)',
    );
    const history = await api('GET', `/devices/${id}/test_data/history?limit=1`);
    assert.equal(history.body.length, 1);
    assert.match(history.body[0].changed_at, /Z$/);
    assert.equal((await api('GET', '/devices/00000000-0000-0000-0000-000000000000/test_data')).status, 404);
  });

  test('sessions: idempotent register, run derivation, activation, counts, finished', async () => {
    const run = await reserve([{ pack_id: PACK, platform_id: 'firetv_real' }]);
    await api('POST', `/runs/${run.id}/ready`);
    const s = await api('POST', '/sessions', {
      session_id: 's1',
      test_name: 't',
      connection_target: '192.0.2.50:5555',
    });
    assert.equal(s.body.run_id, run.id);
    assert.equal((await api('GET', `/runs/${run.id}`)).body.state, 'active');
    const dup = await api('POST', '/sessions', {
      session_id: 's1',
      test_name: 'other',
      device_id: run.devices[0].device_id,
    });
    assert.deepEqual(dup.body, s.body);
    const lost = await api('POST', '/sessions', { session_id: 's2', connection_target: 'nowhere' });
    assert.equal(lost.body.error.message, 'No matching device found for running session target');
    const err = await api('POST', '/sessions', { session_id: 'e1', status: 'error', error_type: 'X' });
    assert.equal(err.body.ended_at, err.body.started_at);
    const bad = await api('POST', '/sessions', { session_id: 'e2', device_id: 'null' });
    assert.equal(bad.body.error.details[0].type, 'uuid_parsing');
    assert.deepEqual(bad.body.error.details[0].loc, ['body', 'device_id']);
    const passed = await api('PATCH', '/sessions/s1/status', { status: 'passed' });
    assert.notEqual(passed.body.ended_at, null);
    const fin = await api('POST', '/sessions/s1/finished');
    assert.equal(fin.status, 204);
    assert.equal(fin.text, '');
    assert.equal((await api('POST', '/sessions/nope/finished')).status, 404);
    const counts = (await api('GET', `/runs/${run.id}`)).body.session_counts;
    assert.deepEqual(counts, { passed: 1, failed: 0, error: 0, running: 0, total: 1 });
    const listed = await api('GET', `/sessions?run_id=${run.id}`);
    assert.equal(listed.body.total, 1);
    assert.equal(listed.body.items[0].device_name, 'F1');
  });
});
