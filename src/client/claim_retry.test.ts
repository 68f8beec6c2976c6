import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { claimRetryDelayMs, retryClaim } from './claim_retry';
import type { Clock } from './clock';
import { GridFleetApiError, GridFleetTransportError, NoClaimableDevicesError } from './errors';

const T0 = Date.parse('2026-05-11T14:00:00Z');

/** Fake clock: sleeping advances `now` instantly and records the requested duration. */
function fakeClock(): Clock & { slept: number[] } {
  let now = T0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Clock whose sleep only ends when its signal aborts (to test abort and wake-up). */
function blockingClock(): Clock {
  return {
    now: () => T0,
    sleep: (_ms, signal) =>
      new Promise((resolve) => {
        signal?.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
}

function noClaimable(options: { retryAfterSec?: number; header?: number | null; next?: string | null } = {}) {
  return new NoClaimableDevicesError({
    runId: 'run-1',
    retryAfterSec: options.retryAfterSec ?? 5,
    retryAfterHeaderSec: options.header ?? null,
    nextAvailableAt: options.next ?? null,
  });
}

describe('claimRetryDelayMs picks the earliest hint', () => {
  test('body retry_after_sec alone', () => {
    assert.equal(claimRetryDelayMs(noClaimable({ retryAfterSec: 5 }), T0), 5000);
  });
  test('Retry-After header earlier than the body', () => {
    assert.equal(claimRetryDelayMs(noClaimable({ retryAfterSec: 5, header: 2 }), T0), 2000);
  });
  test('next_available_at earlier than both', () => {
    const next = new Date(T0 + 3_500).toISOString().replace('Z', '+00:00');
    assert.equal(claimRetryDelayMs(noClaimable({ retryAfterSec: 5, header: 5, next }), T0), 3500);
  });
  test('a next_available_at in the past does not cause a busy loop (1 s floor)', () => {
    const next = new Date(T0 - 10_000).toISOString();
    assert.equal(claimRetryDelayMs(noClaimable({ next }), T0), 1000);
  });
  test('a later next_available_at does not extend the wait', () => {
    const next = new Date(T0 + 60_000).toISOString();
    assert.equal(claimRetryDelayMs(noClaimable({ retryAfterSec: 5, next }), T0), 5000);
  });
});

describe('retryClaim', () => {
  test('retries until a claim succeeds, sleeping the hinted delays', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await retryClaim(
      'run-1',
      async () => {
        calls += 1;
        if (calls < 3) throw noClaimable({ retryAfterSec: 5, header: 2 });
        return 'device';
      },
      clock,
      { maxWaitSec: 60 },
    );
    assert.equal(result, 'device');
    assert.deepEqual(clock.slept, [2000, 2000]);
  });

  test('never sleeps past the deadline and then names the run and the time waited', async () => {
    const clock = fakeClock();
    await assert.rejects(
      retryClaim('run-42', async () => Promise.reject(noClaimable({ retryAfterSec: 5 })), clock, {
        maxWaitSec: 12,
      }),
      (error: unknown) => {
        assert.ok(error instanceof NoClaimableDevicesError);
        assert.equal(error.runId, 'run-42');
        assert.equal(error.waitedSec, 12);
        assert.match(error.message, /run run-42 after waiting 12\.0 s/);
        return true;
      },
    );
    assert.deepEqual(clock.slept, [5000, 5000, 2000]);
  });

  test('maxWaitSec 0 tries exactly once', async () => {
    const clock = fakeClock();
    let calls = 0;
    await assert.rejects(
      retryClaim(
        'run-1',
        async () => {
          calls += 1;
          throw noClaimable();
        },
        clock,
        { maxWaitSec: 0 },
      ),
      NoClaimableDevicesError,
    );
    assert.equal(calls, 1);
    assert.deepEqual(clock.slept, []);
  });

  test('other errors are thrown at once', async () => {
    const clock = fakeClock();
    const conflict = new GridFleetApiError({
      status: 409,
      code: 'CONFLICT',
      serverMessage: "Cannot claim device from run in terminal state 'completed'",
      requestId: null,
      details: undefined,
      legacyDetail: null,
      method: 'POST',
      url: 'http://h/api/runs/x/claim',
    });
    await assert.rejects(
      retryClaim('run-1', async () => Promise.reject(conflict), clock),
      conflict,
    );
    assert.deepEqual(clock.slept, []);
  });

  test('an abort during the wait rejects with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('scenario timed out');
    const pending = retryClaim('run-1', async () => Promise.reject(noClaimable()), blockingClock(), {
      signal: controller.signal,
    });
    setImmediate(() => controller.abort(reason));
    await assert.rejects(pending, reason);
  });

  test('an already aborted signal makes no attempt', async () => {
    let calls = 0;
    await assert.rejects(
      retryClaim(
        'run-1',
        async () => {
          calls += 1;
          return 'x';
        },
        fakeClock(),
        { signal: AbortSignal.abort(new Error('stop')) },
      ),
      /stop/,
    );
    assert.equal(calls, 0);
  });

  test('wakeUp ends a wait early and unsubscribes afterwards', async () => {
    const listeners = new Set<() => void>();
    let calls = 0;
    const pending = retryClaim(
      'run-1',
      async () => {
        calls += 1;
        if (calls === 1) throw noClaimable({ retryAfterSec: 300 });
        return 'device';
      },
      blockingClock(),
      {
        wakeUp: (wake) => {
          listeners.add(wake);
          return () => listeners.delete(wake);
        },
      },
    );
    while (listeners.size === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const wake of listeners) wake();
    assert.equal(await pending, 'device');
    assert.equal(listeners.size, 0);
  });

  test('a negative maxWaitSec is rejected with a clear message', async () => {
    await assert.rejects(
      retryClaim('run-1', async () => 'x', fakeClock(), { maxWaitSec: -1 }),
      /maxWaitSec/,
    );
  });
});

function apiFailure(status: number) {
  return {
    status,
    code: status === 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR',
    serverMessage: 'failed',
    requestId: null,
    details: undefined,
    legacyDetail: null,
    method: 'POST',
    url: 'http://h/api/runs/run-1/claim',
  };
}

describe('retryClaim with recoverTransient (claims are not idempotent)', () => {
  const refused = () =>
    new GridFleetTransportError({
      method: 'POST',
      url: 'http://manager/api/runs/run-1/claim',
      envVar: 'GRIDFLEET_API_URL',
      reason: 'ECONNREFUSED',
      timedOut: false,
    });

  test('recovers before every retry, backing off 1, 2, 4, 5 s', async () => {
    const clock = fakeClock();
    const steps: string[] = [];
    let calls = 0;
    const result = await retryClaim(
      'run-1',
      async () => {
        calls += 1;
        steps.push(`claim ${calls}`);
        if (calls <= 4) throw refused();
        return 'device';
      },
      clock,
      { maxWaitSec: 60, recoverTransient: async () => void steps.push('recover') },
    );
    assert.equal(result, 'device');
    assert.deepEqual(steps, [
      'claim 1',
      'recover',
      'claim 2',
      'recover',
      'claim 3',
      'recover',
      'claim 4',
      'recover',
      'claim 5',
    ]);
    assert.deepEqual(clock.slept, [1000, 2000, 4000, 5000]);
  });

  test('no claim is retried until the recovery itself went through', async () => {
    const clock = fakeClock();
    const steps: string[] = [];
    let recoveries = 0;
    let claims = 0;
    await retryClaim(
      'run-1',
      async () => {
        claims += 1;
        steps.push('claim');
        if (claims === 1) throw new GridFleetApiError(apiFailure(500));
        return 'ok';
      },
      clock,
      {
        maxWaitSec: 60,
        recoverTransient: async () => {
          recoveries += 1;
          steps.push('recover');
          if (recoveries < 3) throw refused();
        },
      },
    );
    assert.deepEqual(steps, ['claim', 'recover', 'recover', 'recover', 'claim']);
  });

  test('a non-transient failure is thrown at once, even with recovery', async () => {
    const clock = fakeClock();
    await assert.rejects(
      retryClaim(
        'run-1',
        async () => {
          throw new GridFleetApiError(apiFailure(422));
        },
        clock,
        { maxWaitSec: 60, recoverTransient: async () => undefined },
      ),
      (error: unknown) => error instanceof GridFleetApiError && error.status === 422,
    );
    assert.deepEqual(clock.slept, []);
  });

  test('past the deadline the last transient failure is thrown', async () => {
    const clock = fakeClock();
    let calls = 0;
    await assert.rejects(
      retryClaim(
        'run-1',
        async () => {
          calls += 1;
          throw refused();
        },
        clock,
        { maxWaitSec: 3, recoverTransient: async () => undefined },
      ),
      GridFleetTransportError,
    );
    assert.deepEqual(clock.slept, [1000, 2000]);
    assert.equal(calls, 3);
  });
});
