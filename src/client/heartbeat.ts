import type { GridFleetClient } from './client';
import { errorText } from './error_text';
import { GridFleetApiError } from './errors';
import { type GridFleetLogger, gridFleetLogger } from './logger';
import type { RunState } from './schemas/common';
import type { HeartbeatResponse } from './schemas/run';

/** Why a heartbeat stopped. */
export type HeartbeatStopReason = 'stopped' | 'expired' | 'cancelled' | 'run_not_found';

/** Options of {@link RunHeartbeat}. */
export interface RunHeartbeatOptions {
  /** Seconds between heartbeats (default 30; the first is sent after one interval, like the testkit). */
  readonly intervalSec?: number;
  /** Told once when the heartbeat stops, with the reason and the last run state seen. */
  readonly onStop?: (reason: HeartbeatStopReason, lastState: RunState | null) => void;
  /** Told after every successful heartbeat, with the manager's answer (run state and last heartbeat). */
  readonly onBeat?: (answer: HeartbeatResponse) => void;
  /** Sees transient failures (which are swallowed). */
  readonly logger?: GridFleetLogger;
}

/**
 * Background run heartbeat. Uses an unref'd timer so it never keeps the process alive, swallows
 * transient errors, and stops itself when the run is `expired` or `cancelled` (it keeps going on
 * `completed`, like the testkit) or no longer exists.
 */
export class RunHeartbeat {
  /** The run kept alive. */
  readonly runId: string;
  /** Resolves with the reason once the heartbeat has stopped. */
  readonly stopped: Promise<HeartbeatStopReason>;
  readonly #sender: Pick<GridFleetClient, 'heartbeat'>;
  readonly #intervalMs: number;
  readonly #onStop: RunHeartbeatOptions['onStop'];
  readonly #onBeat: RunHeartbeatOptions['onBeat'];
  readonly #loggerOption: GridFleetLogger | undefined;
  #resolveStopped!: (reason: HeartbeatStopReason) => void;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #finished = false;
  #lastState: RunState | null = null;
  #lastError: Error | null = null;
  #beats = 0;

  constructor(sender: Pick<GridFleetClient, 'heartbeat'>, runId: string, options: RunHeartbeatOptions = {}) {
    const intervalSec = options.intervalSec ?? 30;
    if (!Number.isFinite(intervalSec) || intervalSec <= 0) {
      throw new RangeError(
        `RunHeartbeat: intervalSec must be a positive number of seconds, got ${intervalSec}.`,
      );
    }
    this.#sender = sender;
    this.runId = runId;
    this.#intervalMs = intervalSec * 1000;
    this.#onStop = options.onStop;
    this.#onBeat = options.onBeat;
    this.#loggerOption = options.logger;
    this.stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
  }

  /** True between `start()` and the stop. */
  get running(): boolean {
    return this.#running;
  }

  /** The run state of the last successful heartbeat, or null. */
  get lastState(): RunState | null {
    return this.#lastState;
  }

  /** The last swallowed error, or null. */
  get lastError(): Error | null {
    return this.#lastError;
  }

  /** Number of successful heartbeats so far. */
  get beats(): number {
    return this.#beats;
  }

  /** Starts the timer (idempotent; a stopped heartbeat cannot be restarted). */
  start(): this {
    if (this.#running || this.#finished) return this;
    this.#running = true;
    this.#schedule();
    return this;
  }

  /** Stops the timer; reports `stopped` to the owner unless it already stopped for another reason. */
  stop(): void {
    this.#finish('stopped');
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#beat(), this.#intervalMs);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    if (!this.#running) return;
    try {
      const answer = await this.#sender.heartbeat(this.runId);
      this.#beats += 1;
      this.#lastState = answer.state;
      this.#callOwner(() => this.#onBeat?.(answer));
      if (answer.state === 'expired' || answer.state === 'cancelled') {
        this.#finish(answer.state);
        return;
      }
    } catch (error) {
      this.#lastError = error instanceof Error ? error : new Error(String(error));
      if (error instanceof GridFleetApiError && error.status === 404 && error.code === 'NOT_FOUND') {
        this.#finish('run_not_found');
        return;
      }
      this.#logger().warn(`heartbeat for run ${this.runId} failed (will retry): ${this.#lastError.message}`);
    }
    this.#schedule();
  }

  #finish(reason: HeartbeatStopReason): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolveStopped(reason);
    this.#callOwner(() => this.#onStop?.(reason, this.#lastState));
  }

  /** Owner callbacks must not break the timer. */
  #callOwner(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#logger().warn(`heartbeat callback threw: ${errorText(error)}`);
    }
  }

  /** The `logger` option, else the thread's logger at the time of the line. */
  #logger(): GridFleetLogger {
    return this.#loggerOption ?? gridFleetLogger();
  }
}
