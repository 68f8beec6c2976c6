/** What "print the connection context" shows, as in the seed's examples. */
export interface ConnectionContext {
  /** `appium:udid` of the session (Grid returns both `appium:udid` and `udid`), else the session id. */
  connectionTarget: string;
  /** `platformName` the session runs with. */
  platformName: string;
  /** `appium:automationName` of the session. */
  automationName: string;
  /** WebDriver session id. */
  sessionId: string;
}

/** The part of a webdriverio browser this module reads. */
export interface SessionLike {
  sessionId: string;
  capabilities: object;
}

function readString(caps: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = caps[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/**
 * Reads the connection context from a live session's returned capabilities. Appium strips the
 * `appium:` prefix from what it returns and Grid adds the prefixed form back, so both are read.
 */
export function readConnectionContext(session: SessionLike): ConnectionContext {
  const caps = session.capabilities as Record<string, unknown>;
  return {
    connectionTarget: readString(caps, 'appium:udid', 'udid') ?? session.sessionId,
    platformName: readString(caps, 'platformName') ?? 'unknown',
    automationName: readString(caps, 'appium:automationName', 'automationName') ?? 'unknown',
    sessionId: session.sessionId,
  };
}

/** Formats a connection context as the one line the step prints and logs. */
export function formatConnectionContext(context: ConnectionContext): string {
  return (
    `connection target: ${context.connectionTarget}, platformName: ${context.platformName}, ` +
    `automation: ${context.automationName}, session id: ${context.sessionId}`
  );
}
