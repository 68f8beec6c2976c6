/**
 * Failed Appium creates that are not W3C refusals (docs/manager-api.md §R4.6.1 step 4):
 * an unreachable Appium (a closed port), a non-W3C error, a 2xx without a session id. Real HTTP
 * servers stand in for the broken Appium answers.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../support';
import { fakeBody, gridFixture } from './support';

const fx = gridFixture();
const { grid } = fx;

/** A server answering every request with one fixed status and body. */
let broken: http.Server;
let brokenUrl = '';
let brokenAnswer = { status: 404, body: '{"detail":"Not Found"}' };
before(async () => {
  broken = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(brokenAnswer.status, { 'content-type': 'application/json' });
      res.end(brokenAnswer.body);
    });
  });
  await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
  brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
});
after(async () => {
  broken.closeAllConnections();
  await new Promise<void>((r) => broken.close(() => r()));
});

async function deviceStates(): Promise<string[]> {
  return (await grid.admin('GET', '/state')).body.devices.map(
    (d: { operational_state: string }) => d.operational_state,
  );
}

describe('Appium create failures', () => {
  test('unreachable Appium with budget to spare: the row fails, the device goes offline, the request re-queues under a fresh ticket', async () => {
    await fx.start({ appium_url: `http://127.0.0.1:${await freePort()}` }, 1);
    const { runId } = await grid.reserve(1);
    const first = await grid.create(fakeBody(), { run_id: runId, budgetMs: 60_000 });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.status, 'queued');
    const [row] = await grid.sessions();
    assert.equal(row?.status, 'error');
    assert.equal(row?.error_type, 'allocation_failed');
    assert.match(String(row?.error_message), /^appium unreachable: /);
    assert.deepEqual(await deviceStates(), ['offline'], 'the node is marked down');
    const queue = (await grid.api('GET', '/grid/queue')).body;
    assert.deepEqual(
      queue.requests.map((q: { requestId: string }) => q.requestId),
      [first.body.ticket],
      'the claimed ticket is gone; the fresh one waits',
    );
    const again = await grid.create(fakeBody(), {
      run_id: runId,
      ticket: first.body.ticket,
      budgetMs: 60_000,
    });
    assert.equal(again.body.status, 'queued', 'no device is left to try');
    assert.equal((await grid.sessions()).length, 1);
  });

  test('unreachable Appium with less than 20 s of budget left → create_error at once', async () => {
    await fx.start({ appium_url: `http://127.0.0.1:${await freePort()}` }, 1);
    const { runId } = await grid.reserve(1);
    const r = await grid.create(fakeBody(), { run_id: runId, budgetMs: 19_000 });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'create_error');
    assert.match(r.body.message, /^appium unreachable: /);
    for (const k of ['session_id', 'target', 'device_id', 'appium_status', 'appium_body', 'ticket']) {
      assert.equal(r.body[k], null, k);
    }
    assert.equal((await grid.api('GET', '/grid/queue')).body.queue_size, 0);
  });

  test('the third failed device in one call ends it with create_error', async () => {
    await fx.start({ appium_url: `http://127.0.0.1:${await freePort()}` }, 4);
    const { runId } = await grid.reserve(4);
    const r = await grid.create(fakeBody(), { run_id: runId, budgetMs: 60_000 });
    assert.equal(r.body.status, 'create_error', r.text);
    const rows = await grid.sessions();
    assert.equal(rows.length, 3);
    assert.ok(rows.every((s) => s.error_type === 'allocation_failed'));
    assert.deepEqual((await deviceStates()).sort(), ['available', 'offline', 'offline', 'offline']);
  });

  const brokenCases = [
    {
      what: 'a non-W3C error answer',
      answer: { status: 404, body: '{"detail":"Not Found"}' },
      message: 'appium returned 404: {"detail":"Not Found"}',
      rowMessage: 'appium returned 404',
    },
    {
      what: 'a 2xx answer without a session id',
      answer: { status: 200, body: '{"value":{"capabilities":{}}}' },
      message: 'appium response missing sessionId',
      rowMessage: 'appium response missing sessionId',
    },
  ];
  for (const c of brokenCases) {
    test(`${c.what} → create_error with the manager's text`, async () => {
      brokenAnswer = c.answer;
      await fx.start({ appium_url: brokenUrl }, 1);
      const { runId } = await grid.reserve(1);
      const r = await grid.create(fakeBody(), { run_id: runId, budgetMs: 19_000 });
      assert.equal(r.body.status, 'create_error', r.text);
      assert.equal(r.body.message, c.message);
      assert.equal((await grid.sessions())[0]?.error_message, c.rowMessage);
    });
  }
});
