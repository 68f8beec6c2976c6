/** Receives failures the client deliberately does not throw (suppressed session calls, heartbeat errors). */
export interface GridFleetLogger {
  /** A suppressed failure. The message never contains credentials. */
  warn(message: string): void;
}

/** Default logger: `console.warn` with a `[gridfleet]` prefix, so suppressed failures are never silent. */
export const consoleLogger: GridFleetLogger = {
  warn: (message) => console.warn(`[gridfleet] ${message}`),
};

/** Logger that drops everything (opt-in only). */
export const silentLogger: GridFleetLogger = { warn: () => {} };
