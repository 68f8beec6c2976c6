/** One retry of idempotent lifecycle/session calls on a transient failure, against the lab over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestLab, type TestLab } from '../../test/client/support/lab';
import { GridFleetClient } from './client';
import type { Clock } from './clock';
import { GridFleetApiError } from './errors';
import { backoffDelayMs, RETRY_POLICIES } from './transient_retry';

/** Runs before the retry (in place of the 1 s pause): lets a test change the manager in between. */
let beforeRetry: () => Promise<void> = async () => {};
const instantClock: Clock = { now: () => Date.now(), sleep: () => beforeRetry() };

describe('transient failures of idempotent calls are retried once', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  const warnings: string[] = [];
  before(async () => {
    lab = await startTestLab();
    client = new GridFleetClient(lab.apiUrl, {
      env: {},
      clock: instantClock,
      logger: { warn: (m) => warnings.push(m) },
    });
  });
  after(() => lab.close());
  beforeEach(async () => {
    await lab.admin('DELETE', '/lab/faults');
    await lab.reset();
    warnings.length = 0;
    beforeRetry = async () => {};
  });

  async function activeRun(): Promise<string> {
    const run = await client.reserveDevices({
      name: 'retry',
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
    });
    await client.activateRun(run.id);
    return run.id;
  }

  test('one 500 on complete: the run still ends completed, the warning names the cause', async () => {
    const runId = await activeRun();
    await lab.fault({ method: 'POST', path: '/api/runs/*/complete', status: 500, times: 1 });
    const run = await client.completeRun(runId);
    assert.equal(run.state, 'completed');
    assert.match(warnings.join('\n'), /complete failed, retrying once: .*500/);
  });

  test('a dropped cancel that did reach the manager: the retry reads the run back instead of failing', async () => {
    const runId = await activeRun();
    // The first answer is lost; meanwhile the run did end (as when a cancel was applied but its answer
    // dropped), so the retry gets 409 "terminal state".
    await lab.fault({ method: 'POST', path: '/api/runs/*/cancel', status: 503, times: 1 });
    beforeRetry = async () => {
      await fetch(`${lab.apiUrl}/runs/${runId}/cancel`, { method: 'POST' });
    };
    const run = await client.cancelRun(runId);
    assert.equal(run.state, 'cancelled');
  });

  test('two 503 in a row still fail, with the status in the error', async () => {
    const runId = await activeRun();
    await lab.fault({ method: 'POST', path: '/api/runs/*/complete', status: 503, times: 2 });
    await assert.rejects(
      client.completeRun(runId),
      (e: unknown) => e instanceof GridFleetApiError && e.status === 503,
    );
  });

  test('a 4xx is not retried', async () => {
    await lab.clearRequests();
    await assert.rejects(client.completeRun('00000000-0000-4000-8000-000000000000'), GridFleetApiError);
    assert.equal((await lab.requests()).filter((r) => r.includes('/complete')).length, 1);
  });

  test('one 500 on the session status PATCH: the session still ends with the reported status', async () => {
    const runId = await activeRun();
    const claim = await client.claimDevice(runId, { workerId: 'w0' });
    await client.registerSession({
      sessionId: 'retry-session-1',
      testName: 't',
      deviceId: claim.device_id,
      status: 'running',
    });
    await lab.fault({ method: 'PATCH', path: '/api/sessions/*/status', status: 500, times: 1 });
    await lab.fault({ method: 'POST', path: '/api/sessions/*/finished', status: 502, times: 1 });
    assert.equal(await client.notifySessionFinished('retry-session-1'), true);
    const session = await client.updateSessionStatus('retry-session-1', 'failed');
    assert.equal(session?.status, 'failed');
  });

  test('one 503 on release: the device is released by the retry', async () => {
    const runId = await activeRun();
    const claim = await client.claimDevice(runId, { workerId: 'w0' });
    await lab.fault({ method: 'POST', path: '/api/runs/*/release', status: 503, times: 1 });
    assert.equal(await client.releaseDeviceSafe(runId, { deviceId: claim.device_id, workerId: 'w0' }), true);
    const run = await client.getRun(runId);
    assert.deepEqual(
      run.devices.filter((d) => d.claimed_by !== null).map((d) => d.device_id),
      [],
    );
  });
});

test('backoffDelayMs doubles from the first delay and stops at the cap', () => {
  const policy = { firstDelayMs: 1_000, maxDelayMs: 5_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((failures) => backoffDelayMs(policy, failures)),
    [1_000, 2_000, 4_000, 5_000, 5_000],
  );
  // The reserve policy keeps its documented waits: 1 s, then 2 s.
  assert.deepEqual(
    [1, 2].map((failures) => backoffDelayMs(RETRY_POLICIES.reserve, failures)),
    [1_000, 2_000],
  );
});
