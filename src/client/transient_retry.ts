import type { Clock } from './clock';
import { GridFleetApiError, GridFleetTransportError } from './errors';
import type { GridFleetLogger } from './logger';

/** Statuses a manager (or the proxy in front of it) answers while briefly unable to serve. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/** Pause before the one retry: long enough to outlast a blip, short enough not to stall a scenario. */
export const TRANSIENT_RETRY_DELAY_MS = 1000;

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
