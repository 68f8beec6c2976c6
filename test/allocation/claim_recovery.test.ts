import assert from 'node:assert/strict';
import { before, beforeEach, describe, test } from 'node:test';
import type { RunningLab } from '../../lab/src/manager';
import { releaseOrphanClaims } from '../../src/allocation/claim/pending_reports';
import { GridFleetApiError, type GridFleetClient, GridFleetTransportError } from '../../src/client';
import type { TcpProxy } from '../chaos/support/tcp_proxy';
import { proxiedLab } from './support/proxied_lab';

interface LogEntry {
  method: string;
  path: string;
  status: number;
  fault_id: string | null;
}

/**
 * A claim that fails transiently is retried within the claim wait, after releasing what the run says the
 * worker holds (the failed claim may have landed): real lab, its fault injection and a TCP proxy outage.
 */
describe('transient claim failures are retried safely (real lab)', () => {
  let lab: RunningLab;
  let proxy: TcpProxy;
  let client: GridFleetClient;
  let direct: GridFleetClient;

  const proxied = proxiedLab();
  before(() => {
    ({ lab, proxy, client, direct } = proxied);
  });
  beforeEach(async () => {
    await fetch(`${lab.url}/lab/faults`, { method: 'DELETE' });
    await fetch(`${lab.url}/lab/reset`, { method: 'POST' });
    await fetch(`${lab.url}/lab/requests`, { method: 'DELETE' });
  });

  async function fault(spec: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${lab.url}/lab/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    });
    assert.equal(response.status, 201, await response.text());
  }

  async function requests(): Promise<LogEntry[]> {
    return (await (await fetch(`${lab.url}/lab/requests`)).json()) as LogEntry[];
  }

  async function run(count: number): Promise<string> {
    const reserved = await direct.reserveDevices({
      name: `recovery-${count}`,
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count }],
    });
    await direct.activateRun(reserved.id);
    return reserved.id;
  }

  async function owners(runId: string): Promise<Record<string, string | null>> {
    const detail = await direct.getRun(runId);
    return Object.fromEntries(detail.devices.map((d) => [d.device_id, d.claimed_by]));
  }

  /** The allocator's claim: retry transient failures, recovering orphan claims first. */
  function claim(runId: string, workerId: string, held: ReadonlySet<string> = new Set(), maxWaitSec = 30) {
    return client.claimDeviceWithRetry(runId, {
      workerId,
      maxWaitSec,
      recoverTransient: async () => {
        await releaseOrphanClaims(client, runId, workerId, held);
      },
    });
  }

  test('a claim that landed but answered 500 is released, and the retry holds exactly one device', async () => {
    const runId = await run(2);
    await fault({ method: 'POST', path: '/api/runs/*/claim', status: 500, applied: true, times: 1 });
    const got = await claim(runId, 'w-lost-answer');
    const log = await requests();
    const claimed = Object.entries(await owners(runId)).filter(([, owner]) => owner === 'w-lost-answer');
    assert.deepEqual(
      claimed.map(([id]) => id),
      [got.device_id],
      'only the device of the successful claim is held',
    );
    const calls = log
      .filter((e) => /\/(claim|release)$/.test(e.path) || e.path === `/api/runs/${runId}`)
      .map((e) => `${e.method} ${e.path.replace(runId, 'RUN')} ${e.status}`);
    assert.deepEqual(calls, [
      'POST /api/runs/RUN/claim 500',
      'GET /api/runs/RUN 200',
      'POST /api/runs/RUN/release 200',
      'POST /api/runs/RUN/claim 200',
    ]);
  });

  test('the same with a dropped connection (no answer at all)', async () => {
    const runId = await run(2);
    await fault({ method: 'POST', path: '/api/runs/*/claim', drop: true, applied: true, times: 1 });
    const got = await claim(runId, 'w-dropped');
    const held = Object.entries(await owners(runId)).filter(([, owner]) => owner === 'w-dropped');
    assert.deepEqual(
      held.map(([id]) => id),
      [got.device_id],
    );
  });

  test('the recovery never releases a device this worker holds for another scenario', async () => {
    const runId = await run(3);
    const first = await direct.claimDevice(runId, { workerId: 'w-two' });
    await fault({ method: 'POST', path: '/api/runs/*/claim', status: 503, applied: true, times: 1 });
    const second = await claim(runId, 'w-two', new Set([first.device_id]));
    const mine = Object.entries(await owners(runId))
      .filter(([, owner]) => owner === 'w-two')
      .map(([id]) => id)
      .sort();
    assert.deepEqual(mine, [first.device_id, second.device_id].sort());
  });

  test('a 500 that did not land: the lookup finds nothing to release and the claim is retried', async () => {
    const runId = await run(1);
    await fault({ method: 'POST', path: '/api/runs/*/claim', status: 500, times: 2 });
    const got = await claim(runId, 'w-plain');
    assert.equal((await owners(runId))[got.device_id], 'w-plain');
    const releases = (await requests()).filter((e) => e.path.endsWith('/release'));
    assert.deepEqual(releases, [], 'nothing was released');
  });

  test('a manager outage during the claim: it waits (recovery included) and claims once the manager is back', async () => {
    const runId = await run(1);
    await proxy.down();
    const reopen = new Promise((r) => setTimeout(r, 2_500)).then(() => proxy.reopen());
    const got = await claim(runId, 'w-restart');
    await reopen;
    assert.equal((await owners(runId))[got.device_id], 'w-restart');
  });

  test('transient failures past the claim wait end with the last failure, naming the claim', async () => {
    const runId = await run(1);
    await fault({ method: 'POST', path: '/api/runs/*/claim', status: 503 });
    await assert.rejects(claim(runId, 'w-gives-up', new Set(), 2), (error: unknown) => {
      assert.ok(error instanceof GridFleetApiError);
      assert.equal(error.status, 503);
      assert.match(error.message, /POST .*\/claim failed: 503/);
      return true;
    });
    const claims = (await requests()).filter((e) => e.path.endsWith('/claim'));
    assert.ok(claims.length >= 2, `retried (${claims.length} claims)`);
  });

  test('without recovery a transient claim failure is thrown at once (claims are not idempotent)', async () => {
    const runId = await run(1);
    await proxy.down();
    await assert.rejects(
      client.claimDeviceWithRetry(runId, { workerId: 'w-none', maxWaitSec: 30 }),
      GridFleetTransportError,
    );
    await proxy.reopen();
  });
});
