import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, beforeEach, describe, test } from 'node:test';
import type { RunningLab } from '../../lab/src/manager';
import { PendingReports } from '../../src/allocation/claim/pending_reports';
import { ReportSink } from '../../src/allocation/claim/report_sink';
import type { GridFleetClient } from '../../src/client';
import type { TcpProxy } from '../chaos/support/tcp_proxy';
import { proxiedLab } from './support/proxied_lab';

/**
 * Reports lost to a manager outage are re-sent once it is back: the real lab behind a TCP proxy whose
 * downtime gives real connection-refused errors while the lab keeps its state (a manager restart).
 */
describe('pending reports survive a manager outage (real lab, proxy taken down and up)', () => {
  let lab: RunningLab;
  let proxy: TcpProxy;
  let client: GridFleetClient;
  let direct: GridFleetClient;
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
  };

  const proxied = proxiedLab();
  before(() => {
    ({ lab, proxy, client, direct } = proxied);
  });
  beforeEach(async () => {
    logs.length = 0;
  });

  /** The manager's view of a session (read past the proxy). */
  async function session(sessionId: string): Promise<{ status: string; error_type: string | null }> {
    const response = await fetch(`${lab.apiUrl}/sessions/${sessionId}`);
    assert.equal(response.status, 200, `GET /sessions/${sessionId}`);
    return (await response.json()) as { status: string; error_type: string | null };
  }

  /** A run with one claimed device and a running session on it, set up without the proxy. */
  async function claimedSession(workerId: string) {
    const run = await direct.reserveDevices({
      name: `pending-${workerId}`,
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
    });
    await direct.activateRun(run.id);
    const claim = await direct.claimDevice(run.id, { workerId });
    const sessionId = `sess-${randomUUID()}`;
    await direct.registerSession(
      { sessionId, testName: 'Screen 1', deviceId: claim.device_id, status: 'running' },
      { suppressErrors: false },
    );
    return { runId: run.id, deviceId: claim.device_id, sessionId };
  }

  test('a status and a release lost in the outage are re-sent after it; the cancel then keeps "passed"', async () => {
    const { runId, deviceId, sessionId } = await claimedSession('w-outage');
    const pending = new PendingReports();
    await proxy.down();
    await assert.rejects(client.updateSessionStatus(sessionId, 'passed', { suppressErrors: false }));
    pending.add({ kind: 'status', sessionId, status: 'passed' });
    pending.add({ kind: 'release', runId, deviceId, workerId: 'w-outage' });

    assert.equal(await pending.flushOnce(client, { log }), false, 'nothing goes through while it is down');
    assert.equal(pending.size, 2, 'both reports still wait');

    await proxy.reopen();
    assert.equal(await pending.flushOnce(client, { log }), true);
    assert.equal(pending.size, 0);
    assert.equal((await session(sessionId)).status, 'passed');
    const entry = (await direct.getRun(runId)).devices.find((d) => d.device_id === deviceId);
    assert.equal(entry?.claimed_by, null, 'the device was released');

    // Cancel ends only sessions still running (error/run_released): the re-sent status survives it.
    await direct.cancelRun(runId);
    assert.equal((await session(sessionId)).status, 'passed');
    assert.match(logs.join('\n'), /re-sent session .* status passed/);
  });

  test('without the flush the cancel would end that session error/run_released (what the fix prevents)', async () => {
    const { runId, sessionId } = await claimedSession('w-lost');
    await direct.cancelRun(runId);
    const ended = await session(sessionId);
    assert.equal(ended.status, 'error');
    assert.equal(ended.error_type, 'run_released');
  });

  test('a bounded flush gives up while the manager stays down, names what it dropped, and empties the queue', async () => {
    const { runId, deviceId, sessionId } = await claimedSession('w-down');
    const pending = new PendingReports();
    pending.add({ kind: 'status', sessionId, status: 'failed' });
    pending.add({ kind: 'release', runId, deviceId, workerId: 'w-down' });
    await proxy.down();
    const sleeps: number[] = [];
    const sent = await pending.flush(client, 1_500, {
      log,
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
    });
    assert.equal(sent, false);
    assert.equal(pending.size, 0);
    assert.ok(sleeps.length >= 1, 'it retried at least once');
    assert.match(logs.join('\n'), new RegExp(`gave up re-sending session ${sessionId} status failed`));
    assert.match(logs.join('\n'), new RegExp(`gave up re-sending release of device ${deviceId}`));
    await proxy.reopen();
    await direct.cancelRun(runId);
  });

  test('a report the manager refuses for good is dropped with its reason; the rest still goes out', async () => {
    const { runId, deviceId, sessionId } = await claimedSession('w-refused');
    const pending = new PendingReports();
    pending.add({ kind: 'status', sessionId: `missing-${randomUUID()}`, status: 'passed' });
    pending.add({ kind: 'status', sessionId, status: 'passed' });
    // Released by someone else meanwhile: the re-sent release meets 409 "is not claimed" and is done.
    await direct.releaseDevice(runId, { deviceId, workerId: 'w-refused' });
    pending.add({ kind: 'release', runId, deviceId, workerId: 'w-refused' });
    assert.equal(await pending.flushOnce(client, { log }), true);
    assert.match(logs.join('\n'), /dropped session missing-.* status passed: .*404/);
    assert.equal((await session(sessionId)).status, 'passed');
    await direct.cancelRun(runId);
  });

  test("a lost registration is re-sent first; the session's finished and status queue behind it (no 404)", async () => {
    const run = await direct.reserveDevices({
      name: 'pending-register',
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
    });
    await direct.activateRun(run.id);
    const claim = await direct.claimDevice(run.id, { workerId: 'w-register' });
    const sessionId = `sess-${randomUUID()}`;
    const registration = {
      sessionId,
      testName: 'Screen 1',
      deviceId: claim.device_id,
      status: 'running' as const,
    };
    const sink = new ReportSink(client, new PendingReports());
    await proxy.down();
    assert.equal(
      await sink.send(
        { kind: 'register', registration },
        () => client.registerSession(registration, { suppressErrors: false }),
        'register',
      ),
      false,
    );
    await proxy.reopen();
    // The manager is back, but the session is not registered yet: these must wait behind the registration.
    const finished = await sink.send(
      { kind: 'finished', sessionId },
      () => client.notifySessionFinished(sessionId, { suppressErrors: false }),
      'finished',
    );
    const status = await sink.send(
      { kind: 'status', sessionId, status: 'passed' },
      () => client.updateSessionStatus(sessionId, 'passed', { suppressErrors: false }),
      'status',
    );
    assert.deepEqual([finished, status], [false, false]);
    assert.deepEqual(
      sink.pending.list().map((r) => r.kind),
      ['register', 'finished', 'status'],
    );
    assert.equal(await sink.flush(), true);
    assert.equal((await session(sessionId)).status, 'passed');
    await direct.cancelRun(run.id);
    assert.equal((await session(sessionId)).status, 'passed', 'not ended as run_released by the cancel');
  });

  test('a lost cooldown release is re-sent as a cooldown', async () => {
    const { runId, deviceId } = await claimedSession('w-cool');
    const pending = new PendingReports();
    pending.add({
      kind: 'release',
      runId,
      deviceId,
      workerId: 'w-cool',
      cooldown: { reason: 'driver creation failed', ttlSeconds: 60 },
    });
    assert.equal(await pending.flushOnce(client, { log }), true);
    const entry = (await direct.getRun(runId)).devices.find((d) => d.device_id === deviceId);
    assert.equal(entry?.claimed_by, null);
    assert.equal(entry?.excluded, true);
    assert.equal(entry?.exclusion_reason, 'driver creation failed');
    await direct.cancelRun(runId);
  });
});
