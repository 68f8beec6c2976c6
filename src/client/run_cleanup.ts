import type { GridFleetClient } from './client';
import { GridFleetApiError } from './errors';
import type { RunHeartbeat } from './heartbeat';
import { type GridFleetLogger, gridFleetLogger } from './logger';

/** What cleanup does with the run. */
export type CleanupPolicy = 'noop' | 'complete' | 'cancel';

/** Options of {@link registerRunCleanup} (the testkit's policies and defaults). */
export interface RunCleanupOptions {
  /** Policy when the process exits normally (`beforeExit`) or cleanup() is called; default `noop`. */
  readonly onExit?: CleanupPolicy;
  /** Policy on SIGINT/SIGTERM; default `cancel`. Only used with `installSignalHandlers`. */
  readonly onSignal?: CleanupPolicy;
  /** Opt-in: handle SIGINT/SIGTERM (main thread only; worker threads never receive signals). Default false. */
  readonly installSignalHandlers?: boolean;
  /** Sees failures of the complete/cancel call. */
  readonly logger?: GridFleetLogger;
}

/** The registered cleanup: call it to run it now (once); later calls return the first call's promise. */
export interface RunCleanup {
  /** Runs cleanup with `policy` (default: the `onExit` policy). Runs once. */
  (policy?: CleanupPolicy): Promise<void>;
  /** True once cleanup has started. */
  readonly started: boolean;
  /** Removes the process listeners without running cleanup. */
  dispose(): void;
}

/**
 * Registers process-exit cleanup for a run, like the testkit's `register_run_cleanup`: stops the
 * heartbeat, then applies the policy (`noop` by default, because exit alone does not prove success).
 * Runs at most once. The exit hook is `beforeExit`, so an explicit `process.exit()` skips the
 * asynchronous complete/cancel call: call the returned function before exiting in that case.
 */
export function registerRunCleanup(
  client: Pick<GridFleetClient, 'completeRun' | 'cancelRun'>,
  runId: string,
  heartbeat?: RunHeartbeat | null,
  options: RunCleanupOptions = {},
): RunCleanup {
  const onExit = options.onExit ?? 'noop';
  const onSignal = options.onSignal ?? 'cancel';
  const logger = options.logger ?? gridFleetLogger();
  for (const [name, value] of [
    ['onExit', onExit],
    ['onSignal', onSignal],
  ] as const) {
    if (!['noop', 'complete', 'cancel'].includes(value)) {
      throw new TypeError(
        `registerRunCleanup: ${name} must be 'noop', 'complete' or 'cancel', got '${value}'.`,
      );
    }
  }
  let running: Promise<void> | undefined;
  const signals: NodeJS.Signals[] = options.installSignalHandlers ? ['SIGINT', 'SIGTERM'] : [];

  const apply = async (policy: CleanupPolicy): Promise<void> => {
    heartbeat?.stop();
    if (policy === 'noop') return;
    try {
      await (policy === 'complete' ? client.completeRun(runId) : client.cancelRun(runId));
    } catch (error) {
      // A run that already ended is the desired outcome, not a failure.
      if (
        error instanceof GridFleetApiError &&
        error.status === 409 &&
        /terminal state/.test(error.serverMessage)
      ) {
        return;
      }
      logger.warn(
        `run cleanup (${policy}) for run ${runId} failed: ${error instanceof Error ? error.message : error}`,
      );
    }
  };

  const onBeforeExit = (): void => {
    void cleanup();
  };
  const onExitSync = (): void => heartbeat?.stop();
  const onSignalReceived = (signal: NodeJS.Signals): void => {
    void cleanup(onSignal).finally(() => {
      dispose();
      // Nobody else handles the signal: re-raise it so the process ends the default way.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };

  const dispose = (): void => {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExitSync);
    for (const signal of signals) process.removeListener(signal, onSignalReceived);
  };

  const cleanup = ((policy?: CleanupPolicy) => {
    running ??= apply(policy ?? onExit).finally(() => {
      process.removeListener('beforeExit', onBeforeExit);
    });
    return running;
  }) as RunCleanup;
  Object.defineProperty(cleanup, 'started', { get: () => running !== undefined });
  cleanup.dispose = dispose;

  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExitSync);
  for (const signal of signals) process.on(signal, onSignalReceived);
  return cleanup;
}
