/**
 * The one logger of the package. The client, the heartbeat, the run cleanup, the run coordinator and the
 * allocation strategies write through a {@link GridFleetLogger}: the `logger` option where they take one,
 * else the thread's logger set with {@link setGridFleetLogger} (default `consoleLogger` (console.warn)).
 */

/** Receives failures the package deliberately does not throw and its run notes (summaries, cleanup, retries). */
export interface GridFleetLogger {
  /** One line. The message never contains credentials. */
  warn(message: string): void;
}

/**
 * Default logger: `console.warn` (stderr), with a `[gridfleet]` prefix unless the line already names
 * gridfleet (run notes carry their own `gridfleet:` prefix), so nothing the package logs is anonymous.
 */
export const consoleLogger: GridFleetLogger = {
  warn: (message) => console.warn(/^\s*gridfleet/.test(message) ? message : `[gridfleet] ${message}`),
};

/** Logger that drops everything (opt-in only). */
export const silentLogger: GridFleetLogger = { warn: () => {} };

// On globalThis so that every copy of this module in a thread (CJS and ESM entries) shares one logger.
const INSTALLED = Symbol.for('gridfleet-cucumber.logger');
type LoggerHolder = typeof globalThis & { [INSTALLED]?: GridFleetLogger };

/**
 * Sets the logger of this thread for everything that is not given a `logger` option: clients, heartbeats,
 * run cleanups, the cucumber run coordinator and the device allocation. Call it in a cucumber support
 * file (support code runs in every worker thread and in the coordinator); `undefined` restores
 * `consoleLogger` (console.warn).
 */
export function setGridFleetLogger(logger: GridFleetLogger | undefined): void {
  (globalThis as LoggerHolder)[INSTALLED] = logger;
}

/** The logger of this thread: the one set with {@link setGridFleetLogger}, else `consoleLogger` (console.warn). */
export function gridFleetLogger(): GridFleetLogger {
  return (globalThis as LoggerHolder)[INSTALLED] ?? consoleLogger;
}
