import { type Clock, interruptibleSleep } from './clock';
import { NoClaimableDevicesError } from './errors';

/** Shortest wait between two claim attempts, so a past `next_available_at` cannot cause a busy loop. */
export const MIN_CLAIM_RETRY_DELAY_MS = 1_000;

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
}

/**
 * Calls `attempt` until it returns, waiting between no-claimable answers as {@link claimRetryDelayMs}
 * says but never past the deadline. When the time is up it throws a {@link NoClaimableDevicesError}
 * naming the run and how long it waited. Any other error is thrown at once.
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
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof NoClaimableDevicesError)) throw error;
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
