import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time source and sleeper used by every waiting loop of the client. Injected through client options
 * so retry logic can be tested with a fake clock and no real waiting.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /**
   * Waits `ms` milliseconds. Must settle early (resolve or reject) once `signal` aborts; the caller
   * decides what the abort meant.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and an abortable timer. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      if (!signal?.aborted) throw error;
    }
  },
};

/** Outcome of {@link interruptibleSleep}. */
export type SleepOutcome = 'slept' | 'woken';

/**
 * Sleeps on `clock` until `ms` passed, `wakeUp` fires (→ `'woken'`) or `signal` aborts (→ throws the
 * signal's reason).
 *
 * @param wakeUp - subscribes a callback that ends the sleep early; returns an unsubscribe function.
 */
export async function interruptibleSleep(
  clock: Clock,
  ms: number,
  signal?: AbortSignal,
  wakeUp?: (wake: () => void) => () => void,
): Promise<SleepOutcome> {
  signal?.throwIfAborted();
  const inner = new AbortController();
  let woken = false;
  const onAbort = (): void => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const unsubscribe = wakeUp?.(() => {
    woken = true;
    inner.abort();
  });
  try {
    await clock.sleep(Math.max(0, ms), inner.signal);
  } catch (error) {
    if (!inner.signal.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe?.();
  }
  signal?.throwIfAborted();
  return woken ? 'woken' : 'slept';
}
