import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };

/** What the driver wrapper needs from the client. */
export interface SessionFinishedNotifier {
  /** `POST /sessions/{id}/finished`, errors suppressed. */
  notifySessionFinished(sessionId: string): Promise<boolean>;
}

const WRAPPED = Symbol.for('gridfleet.sessionFinishedWrapper');

/**
 * Replaces `driver.deleteSession` with a wrapper that runs the original and then posts
 * `/sessions/{id}/finished` exactly once, even when deleteSession is called again or throws.
 * Wrapping the same driver twice is a no-op.
 */
export function wrapDeleteSession(
  driver: Browser,
  sessionId: string,
  notifier: SessionFinishedNotifier,
): void {
  const target = driver as unknown as Record<PropertyKey, unknown>;
  if (target[WRAPPED]) return;
  const original = driver.deleteSession.bind(driver) as (...args: unknown[]) => Promise<unknown>;
  let notified: Promise<boolean> | undefined;
  const notifyOnce = (): Promise<boolean> => {
    notified ??= notifier.notifySessionFinished(sessionId);
    return notified;
  };
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    try {
      return await original(...args);
    } finally {
      await notifyOnce();
    }
  };
  target.deleteSession = wrapped;
  target[WRAPPED] = true;
}
