import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningLab, startLab } from '../../../lab/src/manager';
import { GridFleetClient } from '../../client';
import { retryClaim } from '../../client/claim_retry';
import type { Clock } from '../../client/clock';
import { hostedCoordinator } from '../../run/coordinator_host';
import { allocationLink } from '../../run/coordinator_link';
import type { AllocationMessage, AllocationReply } from '../strategy';
import { parseClaimMessage } from './claim_messages';
import { ClaimRunAllocation } from './claim_run_allocation';
import { claimWakeUp } from './claim_wakeup';

/** A clock whose sleeps end only when aborted: a claim wait on it can only end by a wake-up. */
const frozenClock: Clock = {
  now: () => Date.now(),
  sleep: (_ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    }),
};

interface LogEntry {
  method: string;
  path: string;
  status: number;
}

async function claimLog(lab: RunningLab): Promise<number[]> {
  const entries = (await (await fetch(`${lab.url}/lab/requests`)).json()) as LogEntry[];
  return entries.filter((e) => e.method === 'POST' && e.path.endsWith('/claim')).map((e) => e.status);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('claim wake-up through the run coordinator (real lab over HTTP)', () => {
  let lab: RunningLab;
  before(async () => {
    // A Retry-After far beyond the test's patience: only a wake-up can end the wait in time.
    lab = await startLab({ port: 0, settings: { retry_after_sec: 600 } });
  });
  after(async () => {
    await lab.close();
  });

  it("a waiting claim retries when a sibling's release reaches the coordinator, not after Retry-After", {
    timeout: 60_000,
  }, async () => {
    const client = new GridFleetClient(lab.apiUrl, { auth: null });
    const run = await client.reserveDevices({
      name: 'wake-up',
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
    });
    await client.activateRun(run.id);
    // The coordinator joins the run, so its claim run level serves this thread's link.
    await hostedCoordinator().setup({ gridfleet: { apiUrl: lab.apiUrl, runId: run.id } });
    await fetch(`${lab.url}/lab/requests`, { method: 'DELETE' });
    const first = await client.claimDevice(run.id, { workerId: 'worker-0' });

    const waiting = new GridFleetClient(lab.apiUrl, { auth: null, clock: frozenClock }).claimDeviceWithRetry(
      run.id,
      { workerId: 'worker-1', maxWaitSec: 600, wakeUp: claimWakeUp(allocationLink(), run.id) },
    );
    await until(async () => (await claimLog(lab)).length === 2, 'the refused claim of worker-1');
    assert.deepEqual(await claimLog(lab), [200, 409]);

    // What ClaimLease.release does: release on the manager, then tell the coordinator the claim closed.
    await client.releaseDevice(run.id, { deviceId: first.device_id, workerId: 'worker-0' });
    await allocationLink().request({ kind: 'claim-closed', runId: run.id, deviceId: first.device_id });

    const second = await waiting;
    assert.equal(second.device_id, first.device_id);
    // One refusal, then the claim that got the device: no polling in between.
    assert.deepEqual(await claimLog(lab), [200, 409, 200]);
    await client.releaseDevice(run.id, { deviceId: second.device_id, workerId: 'worker-1' });
    await client.completeRun(run.id);
    await hostedCoordinator().finish('normal', () => {});
  });
});

/** The claim run level as the coordinator hosts it, with the wake-ups it broadcasts. */
class Bookkeeping {
  readonly seen: string[] = [];
  private readonly side = new ClaimRunAllocation({
    broadcast: (raw) => {
      const m = parseClaimMessage(raw);
      if (m?.kind === 'claim-wake') this.seen.push(`${m.runId}/${m.waiterId}`);
    },
    closing: () => false,
  });

  handle(message: AllocationMessage): Promise<AllocationReply> {
    return this.side.handle(message);
  }
}

describe('claim run level wake-up bookkeeping', () => {
  const wakes = (coordinator: Bookkeeping): string[] => coordinator.seen;

  it('wakes exactly one waiter per release, oldest first, and only of the released run', async () => {
    const coordinator = new Bookkeeping();
    const seen = wakes(coordinator);
    for (const [runId, waiterId] of [
      ['r1', 'a'],
      ['r1', 'b'],
      ['r2', 'c'],
    ] as const) {
      await coordinator.handle({ kind: 'claim-wait', runId, waiterId, waiting: true });
    }
    await coordinator.handle({ kind: 'claim-closed', runId: 'r1', deviceId: 'd1' });
    assert.deepEqual(seen, ['r1/a']);
    await coordinator.handle({ kind: 'claim-closed', runId: 'r1', deviceId: 'd2' });
    assert.deepEqual(seen, ['r1/a', 'r1/b']);
  });

  it('forgets a waiter whose wait ended by itself', async () => {
    const coordinator = new Bookkeeping();
    const seen = wakes(coordinator);
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'a', waiting: true });
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'b', waiting: true });
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'a', waiting: false });
    await coordinator.handle({ kind: 'claim-closed', runId: 'r1', deviceId: 'd1' });
    assert.deepEqual(seen, ['r1/b']);
  });

  it('a release nobody waited for wakes the next waiter that registers right after it', async () => {
    const coordinator = new Bookkeeping();
    const seen = wakes(coordinator);
    await coordinator.handle({ kind: 'claim-closed', runId: 'r1', deviceId: 'd1' });
    assert.deepEqual(seen, []);
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'late', waiting: true });
    assert.deepEqual(seen, ['r1/late']);
    // Used up: the next waiter waits for the next release.
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'next', waiting: true });
    assert.deepEqual(seen, ['r1/late']);
  });

  it('tells the releasing worker when its device went to a waiter (so its next claim queues behind)', async () => {
    const coordinator = new Bookkeeping();
    assert.deepEqual(await coordinator.handle({ kind: 'claim-closed', runId: 'r1', deviceId: 'd1' }), {});
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'a', waiting: true });
    await coordinator.handle({ kind: 'claim-wait', runId: 'r1', waiterId: 'b', waiting: true });
    assert.deepEqual(await coordinator.handle({ kind: 'claim-closed', runId: 'r1', deviceId: 'd1' }), {
      message: { kind: 'claim-handed-off' },
    });
  });
});

describe('retryClaim waitFirstMs (hand-off)', () => {
  it('makes no attempt before the wake-up, then claims once', async () => {
    let attempts = 0;
    let wake: (() => void) | undefined;
    const claimed = retryClaim(
      'r1',
      async () => {
        attempts += 1;
        return 'device';
      },
      frozenClock,
      {
        waitFirstMs: 1_000,
        wakeUp: (w) => {
          wake = w;
          return () => {
            wake = undefined;
          };
        },
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(attempts, 0);
    assert.ok(wake, 'the first wait subscribed to wake-ups');
    wake();
    assert.equal(await claimed, 'device');
    assert.equal(attempts, 1);
    assert.equal(wake, undefined, 'unsubscribed after the wait');
  });
});
