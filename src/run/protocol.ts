import type { Lane } from './lane';

/** Run state the coordinator hands to every worker thread. */
export interface SharedRunState {
  /** Lanes of this cucumber run (one run each, or all on the joined run). */
  lanes: Lane[];
  /** Runs the manager ended while scenarios were still running: run id → human-readable reason. */
  endedRuns: Record<string, string>;
  /** Set when the coordinator failed to set up (invalid config, manager unreachable, ...). */
  setupError: string | undefined;
}

/** A device lease as the coordinator tracks it, so it can be cleaned up if its worker never does. */
export interface TrackedLease {
  /** Run the claim belongs to. */
  runId: string;
  /** Claimed device. */
  deviceId: string;
  /** Claim owner. */
  workerId: string;
  /** WebDriver session id once the session exists. */
  sessionId: string | undefined;
}

/** Final outcome of one scenario attempt, for the complete-or-cancel decision. */
export interface AttemptOutcome {
  /** Pickle id (stable across retries). */
  pickleId: string;
  /** Whether the attempt's result fails the cucumber run (failed, ambiguous, undefined, pending). */
  failed: boolean;
  /** Whether cucumber will retry this scenario. */
  willBeRetried: boolean;
}

/** Requests a worker thread sends to the coordinator (each is acknowledged). */
export type WorkerRequest =
  | { kind: 'state' }
  | { kind: 'lease-open'; lease: TrackedLease }
  | { kind: 'lease-closed'; runId: string; deviceId: string }
  | { kind: 'outcome'; outcome: AttemptOutcome }
  /**
   * A claim of this thread starts (`waiting: true`) or stops (`waiting: false`) sleeping after a
   * no-claimable answer, so the coordinator can wake it when a sibling releases a device of the run.
   */
  | { kind: 'claim-wait'; runId: string; waiterId: string; waiting: boolean };

/** Envelope of a worker request on the channel. */
export interface WorkerEnvelope {
  /** Marks our messages on the channel. */
  type: 'gridfleet:request';
  /** Correlates the reply. */
  requestId: string;
  /** The request. */
  request: WorkerRequest;
}

/** Messages the coordinator broadcasts. */
export type CoordinatorMessage =
  | {
      type: 'gridfleet:reply';
      requestId: string;
      state?: SharedRunState;
      error?: string;
      handedOff?: boolean;
    }
  | { type: 'gridfleet:run-ended'; runId: string; reason: string }
  | { type: 'gridfleet:shutdown'; reason: string }
  /** A device of `runId` was released: the claim waiting as `waiterId` should retry now. */
  | { type: 'gridfleet:wake'; runId: string; waiterId: string };

/** Name of the BroadcastChannel between the coordinator and the workers of this process. */
export function channelName(): string {
  return `gridfleet-cucumber:${process.pid}`;
}
