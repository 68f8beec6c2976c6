import type { Clock } from './clock';
import { GridFleetApiError, GridFleetTransportError } from './errors';
import type { GridFleetLogger } from './logger';

/** Statuses a manager (or the proxy in front of it) answers while briefly unable to serve. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/**
 * How the wait between attempts grows: `firstDelayMs` after the first failure, doubled after each further
 * one, never more than `maxDelayMs`; `attempts` in all, or until the caller's deadline when absent.
 */
export interface BackoffPolicy {
  /** Wait after the first failure. */
  readonly firstDelayMs: number;
  /** Longest wait. */
  readonly maxDelayMs: number;
  /** Attempts in all, the first included (absent: the caller's deadline decides). */
  readonly attempts?: number;
}

/** Every retry policy of the package, in one place (client, allocation and run use these by name). */
export const RETRY_POLICIES = {
  /** One more try of an idempotent call after a blip: outlasts it without stalling a scenario. */
  transientOnce: { firstDelayMs: 1_000, maxDelayMs: 1_000, attempts: 2 },
  /** `POST /runs` (the orphan cleanup makes retrying safe): 3 attempts, 1 s then 2 s apart. */
  reserve: { firstDelayMs: 1_000, maxDelayMs: 2_000, attempts: 3 },
  /** Claims after transient failures, up to the manager's default Retry-After (5 s), until the claim deadline. */
  claimTransient: { firstDelayMs: 1_000, maxDelayMs: 5_000 },
  /** Re-sending session reports lost to an outage, until the flush limit. */
  pendingReports: { firstDelayMs: 1_000, maxDelayMs: 8_000 },
} as const satisfies Record<string, BackoffPolicy>;

/** The wait of `policy` before the next attempt after `failures` consecutive failures (1 or more). */
export function backoffDelayMs(policy: BackoffPolicy, failures: number): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, failures - 1), policy.maxDelayMs);
}

/** Pause before the one retry of {@link retryTransientOnce}. */
const TRANSIENT_RETRY_DELAY_MS = RETRY_POLICIES.transientOnce.firstDelayMs;

/** Whether `error` is a transport failure or a 500/502/503/504 answer, i.e. worth one more try. */
export function isTransientFailure(error: unknown): boolean {
  return (
    error instanceof GridFleetTransportError ||
    (error instanceof GridFleetApiError && TRANSIENT_STATUSES.has(error.status))
  );
}

/**
 * Runs an idempotent manager call, and once more after {@link TRANSIENT_RETRY_DELAY_MS} when the first
 * attempt failed transiently. Used for the calls whose loss leaks a device or a wrong dashboard status
 * (run lifecycle, session status, session finished): one random 5xx must not leave a run active for its
 * whole heartbeat timeout, nor a session `running` after its scenario ended. Without `logger` the first
 * failure is not logged (callers that log the final failure themselves).
 */
export async function retryTransientOnce<T>(
  what: string,
  call: () => Promise<T>,
  deps: { clock: Clock; logger?: GridFleetLogger },
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isTransientFailure(error)) throw error;
    deps.logger?.warn(`${what} failed, retrying once: ${(error as Error).message}`);
    await deps.clock.sleep(TRANSIENT_RETRY_DELAY_MS);
    return call();
  }
}
