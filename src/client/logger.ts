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

/**
 * Logger for lines that already carry their own `gridfleet:` prefix (run summaries, cleanup notes): one
 * line each on stderr. The default of the run coordinator and the allocation strategies.
 */
export const stderrLogger: GridFleetLogger = {
  warn: (message) => {
    process.stderr.write(`${message}\n`);
  },
};
