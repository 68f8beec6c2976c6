import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };

/** What the driver wrapper needs from the client. */
export interface SessionFinishedNotifier {
  /** `POST /sessions/{id}/finished`, errors suppressed. */
  notifySessionFinished(sessionId: string): Promise<boolean>;
}

const WRAPPED = Symbol.for('gridfleet.sessionFinishedWrapper');

type DeleteSession = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps `driver.deleteSession` so it runs the original and then posts `/sessions/{id}/finished`
 * exactly once, even when deleteSession is called again or throws. A webdriverio Browser is changed
 * through `overwriteCommand` (its commands are read-only properties); any other object with a
 * `deleteSession` method gets the wrapper assigned. Wrapping the same driver twice is a no-op.
 */
export function wrapDeleteSession(
  driver: Browser,
  sessionId: string,
  notifier: SessionFinishedNotifier,
): void {
  const target = driver as unknown as Record<PropertyKey, unknown>;
  if (target[WRAPPED]) return;
  let notified: Promise<boolean> | undefined;
  const notifyOnce = (): Promise<boolean> => {
    notified ??= notifier.notifySessionFinished(sessionId);
    return notified;
  };
  const around = async (original: DeleteSession, args: unknown[]): Promise<unknown> => {
    try {
      return await original(...args);
    } finally {
      await notifyOnce();
    }
  };
  if (typeof driver.overwriteCommand === 'function') {
    const overwrite = driver.overwriteCommand as unknown as (
      name: string,
      fn: (original: DeleteSession, ...args: unknown[]) => Promise<unknown>,
    ) => void;
    overwrite.call(driver, 'deleteSession', (original, ...args) => around(original, args));
  } else {
    const original = (driver.deleteSession as DeleteSession).bind(driver);
    target.deleteSession = (...args: unknown[]) => around(original, args);
  }
  Object.defineProperty(target, WRAPPED, { value: true });
}
