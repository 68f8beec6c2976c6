import type { AllocationMessage } from '../allocation/strategy';
import type { Lane } from './lane';

/** Run state the coordinator hands to every worker thread. */
export interface SharedRunState {
  /** Lanes of this cucumber run (one run each, or all on the joined run). */
  lanes: Lane[];
  /** Runs the manager ended while scenarios were still running: run id → human-readable reason. */
  endedRuns: Record<string, string>;
  /** Set when the coordinator failed to set up (invalid config, manager unreachable, ...). */
  setupError: string | undefined;
  /** Name of the allocation strategy the coordinator selected (undefined when setup failed before). */
  strategy: string | undefined;
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
  | { kind: 'outcome'; outcome: AttemptOutcome }
  /** A message of the allocation strategy's scenario level to its run level (opaque here). */
  | { kind: 'allocation'; message: AllocationMessage };

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
      allocation?: AllocationMessage;
    }
  | { type: 'gridfleet:run-ended'; runId: string; reason: string }
  | { type: 'gridfleet:shutdown'; reason: string }
  /** A broadcast of the allocation strategy's run level to every thread (opaque here). */
  | { type: 'gridfleet:allocation'; message: AllocationMessage };

/** Name of the BroadcastChannel between the coordinator and the workers of this process. */
export function channelName(): string {
  return `gridfleet-cucumber:${process.pid}`;
}
