import { BroadcastChannel } from 'node:worker_threads';
import { gridFleetLogger } from '../client/logger';
import { RunCoordinator } from './coordinator';
import { runExitCleanupSync } from './exit_cleanup';
import { type CoordinatorMessage, channelName, type WorkerEnvelope } from './protocol';

const COORDINATOR_KEY = Symbol.for('gridfleet-cucumber.coordinator');
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
const SIGNAL_CLEANUP_LIMIT_MS = 30_000;

type HostedGlobal = typeof globalThis & { [COORDINATOR_KEY]?: HostedCoordinator };

interface HostedCoordinator {
  coordinator: RunCoordinator;
  servicesStarted: boolean;
  /** Receivers of the current coordinator's broadcasts (the worker channel, serial-mode listeners). */
  listeners: Set<(message: CoordinatorMessage) => void>;
}

function hosted(): HostedCoordinator {
  const g = globalThis as HostedGlobal;
  if (!g[COORDINATOR_KEY]) {
    const host: HostedCoordinator = {
      coordinator: new RunCoordinator(),
      servicesStarted: false,
      listeners: new Set(),
    };
    forward(host);
    g[COORDINATOR_KEY] = host;
  }
  return g[COORDINATOR_KEY];
}

function forward(host: HostedCoordinator): void {
  host.coordinator.subscribe((message) => {
    for (const listener of host.listeners) listener(message);
  });
}

/**
 * The coordinator of this thread. Kept on `globalThis` under a `Symbol.for` key so that every copy of this
 * module in the thread (CJS + ESM, `src` + `dist`, the plugin) shares one instance.
 */
export function hostedCoordinator(): RunCoordinator {
  return hosted().coordinator;
}

/**
 * The coordinator for a cucumber run that is starting: a fresh one when the previous run of this process
 * (programmatic API, several `runCucumber` calls) already finished.
 */
export function beginRunCoordinator(): RunCoordinator {
  const host = hosted();
  if (host.coordinator.finished) {
    host.coordinator = new RunCoordinator();
    forward(host);
  }
  return host.coordinator;
}

/** Receives the broadcasts of whichever coordinator is current (used by the serial-mode link). */
export function onCoordinatorMessage(listener: (message: CoordinatorMessage) => void): void {
  hosted().listeners.add(listener);
}

/** The coordinator if one was created in this thread (for cleanup paths that must not create one). */
export function existingCoordinator(): RunCoordinator | undefined {
  return (globalThis as HostedGlobal)[COORDINATOR_KEY]?.coordinator;
}

/**
 * Starts the main-thread services of the coordinator, once: the BroadcastChannel that answers worker
 * threads, SIGINT/SIGTERM handlers, a `beforeExit` fallback and a synchronous `exit` fallback. They exist
 * because cucumber runs no `AfterAll` after a worker crash or a signal; all end in `finish()` (at most once)
 * or, when the process exits before it could start, in a synchronous cleanup. Handlers act on whichever
 * coordinator is current.
 */
export function startCoordinatorServices(): void {
  const host = hosted();
  if (host.servicesStarted) return;
  host.servicesStarted = true;

  const channel = new BroadcastChannel(channelName());
  channel.onmessage = (event: unknown) => {
    const data = (event as { data?: WorkerEnvelope }).data;
    if (data?.type !== 'gridfleet:request') return;
    void hostedCoordinator()
      .handle(data.request)
      .then(
        (reply) => channel.postMessage({ type: 'gridfleet:reply', requestId: data.requestId, ...reply }),
        (error: unknown) =>
          channel.postMessage({ type: 'gridfleet:reply', requestId: data.requestId, error: String(error) }),
      );
  };
  // Never keep the process alive just for the channel.
  channel.unref();
  host.listeners.add((message: CoordinatorMessage) => channel.postMessage(message));

  let signalled = false;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES): void => {
    const code = SIGNAL_EXIT_CODES[signal];
    if (signalled) process.exit(code);
    signalled = true;
    gridFleetLogger().warn(
      `\ngridfleet: ${signal} received; ending sessions, giving devices back, ending runs`,
    );
    setTimeout(() => process.exit(code), SIGNAL_CLEANUP_LIMIT_MS).unref();
    void hostedCoordinator()
      .finish('signal')
      .finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.once('exit', () => {
    // Last resort when the process ends without finish() (process.exit in a serial step, `--exit`).
    const plan = hostedCoordinator().exitCleanupPlan();
    if (plan) runExitCleanupSync(plan);
  });
  process.once('beforeExit', () => {
    // Reached without AfterAll when a worker thread crashed; a no-op after a normal finish.
    void hostedCoordinator().finish('crash');
  });
}
