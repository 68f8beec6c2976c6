import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Poll interval (default 50 ms). */
  readonly intervalMs?: number;
  /** What was awaited, for the timeout message. */
  readonly what?: string;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`/`null` and returns that
 * value. Errors thrown by `check` count as "not yet"; the last one is quoted on timeout.
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const last = lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : '';
      throw new Error(`waitFor: ${options.what ?? 'condition'} not met within ${timeoutMs} ms${last}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
