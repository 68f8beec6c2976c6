import { type Clock, interruptibleSleep } from './clock';
import { NoClaimableDevicesError } from './errors';
import { backoffDelayMs, isTransientFailure, RETRY_POLICIES } from './transient_retry';

/** Shortest wait between two claim attempts, so a past `next_available_at` cannot cause a busy loop. */
const MIN_CLAIM_RETRY_DELAY_MS = 1_000;

/**
 * Milliseconds to wait after a no-claimable answer: the earliest of `next_available_at`, the body's
 * `retry_after_sec` and the `Retry-After` header, at least {@link MIN_CLAIM_RETRY_DELAY_MS}.
 */
export function claimRetryDelayMs(error: NoClaimableDevicesError, nowMs: number): number {
  const candidates: number[] = [error.retryAfterSec * 1000];
  if (error.retryAfterHeaderSec !== null) candidates.push(error.retryAfterHeaderSec * 1000);
  if (error.nextAvailableAt) {
    const at = Date.parse(error.nextAvailableAt);
    if (!Number.isNaN(at)) candidates.push(at - nowMs);
  }
  return Math.max(MIN_CLAIM_RETRY_DELAY_MS, Math.min(...candidates));
}

/** Options of a claim retry loop. */
export interface ClaimRetryOptions {
  /** Give up after this many seconds (default 300). */
  readonly maxWaitSec?: number;
  /** Aborts the wait; the loop then throws the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Lets another component end a wait early (e.g. a sibling released a device). Called once per wait
   * with a `wake` callback; must return an unsubscribe function.
   */
  readonly wakeUp?: (wake: () => void) => () => void;
  /**
   * Wait this long (or until `wakeUp` fires) before the first attempt: lets a worker that just handed
   * its device to a waiting sibling queue behind it instead of racing it for the next free device.
   */
  readonly waitFirstMs?: number;
  /**
   * Makes transport errors and 500/502/503/504 retryable. A claim is not idempotent: one that failed this
   * way may have landed (its answer lost), so before the next attempt the loop calls this to undo it
   * (e.g. read the run and release what it says this worker holds). When it fails transiently too, the
   * loop waits and calls it again; the claim is only retried once it succeeded. Without it, a transient
   * failure is thrown at once.
   */
  readonly recoverTransient?: () => Promise<void>;
}

/**
 * Calls `attempt` until it returns, waiting between no-claimable answers as {@link claimRetryDelayMs}
 * says but never past the deadline. When the time is up it throws a {@link NoClaimableDevicesError}
 * naming the run and how long it waited. With `recoverTransient`, transient failures are retried too
 * (recover first, then claim; 1, 2, 4, 5 … s apart) until the deadline, then the last one is thrown.
 * Any other error is thrown at once.
 */
export async function retryClaim<T>(
  runId: string,
  attempt: () => Promise<T>,
  clock: Clock,
  options: ClaimRetryOptions = {},
): Promise<T> {
  const maxWaitSec = options.maxWaitSec ?? 300;
  if (!Number.isFinite(maxWaitSec) || maxWaitSec < 0) {
    throw new RangeError(
      `claimDeviceWithRetry: maxWaitSec must be a number of seconds >= 0, got ${maxWaitSec}.`,
    );
  }
  const startedAt = clock.now();
  const deadline = startedAt + maxWaitSec * 1000;
  if (options.waitFirstMs !== undefined && options.waitFirstMs > 0) {
    await interruptibleSleep(
      clock,
      Math.min(options.waitFirstMs, maxWaitSec * 1000),
      options.signal,
      options.wakeUp,
    );
  }
  let mustRecover = false;
  let transientFailures = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      if (mustRecover && options.recoverTransient) {
        await options.recoverTransient();
        mustRecover = false;
      }
      return await attempt();
    } catch (error) {
      if (options.recoverTransient && isTransientFailure(error)) {
        // Also when the recovery failed: it must succeed before the next claim.
        mustRecover = true;
        const remaining = deadline - clock.now();
        if (remaining <= 0) throw error;
        transientFailures += 1;
        const delay = backoffDelayMs(RETRY_POLICIES.claimTransient, transientFailures);
        await interruptibleSleep(clock, Math.min(delay, remaining), options.signal);
        continue;
      }
      if (!(error instanceof NoClaimableDevicesError)) throw error;
      transientFailures = 0;
      const now = clock.now();
      const remaining = deadline - now;
      if (remaining <= 0) {
        throw new NoClaimableDevicesError({
          runId,
          retryAfterSec: error.retryAfterSec,
          nextAvailableAt: error.nextAvailableAt,
          retryAfterHeaderSec: error.retryAfterHeaderSec,
          requestId: error.requestId,
          waitedSec: (now - startedAt) / 1000,
        });
      }
      await interruptibleSleep(
        clock,
        Math.min(claimRetryDelayMs(error, now), remaining),
        options.signal,
        options.wakeUp,
      );
    }
  }
}
