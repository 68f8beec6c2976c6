import type { GridFleetClient } from '../client/client';
import type { GridFleetLogger } from '../client/logger';
import type { ReservedDevice } from '../client/schemas/reserved_device';
import type { GridFleetConfig } from '../config';
import type { AcquireRequest, ScenarioDevice } from './types';

/**
 * A message between a strategy's two sides (worker threads ↔ coordinator), carried over the run's worker
 * link. Plain structured-clone data; `src/run` forwards it without looking inside. Each strategy validates
 * its own messages.
 */
export type AllocationMessage = { readonly kind: string } & { readonly [field: string]: unknown };

/** Answer of the coordinator side to one {@link AllocationMessage}. */
export interface AllocationReply {
  /** Set when the request was refused (e.g. the cucumber run is shutting down). */
  error?: string;
  /** The strategy's answer, if it has one. */
  message?: AllocationMessage;
}

/** A GridFleet run the cucumber run uses (reserved by this process, or joined). */
export interface AllocationRun {
  /** Run id. */
  runId: string;
  /** Run name (for messages). */
  runName: string;
  /** True when this process created the run (and so completes or cancels it). */
  owned: boolean;
  /** The run's reserved devices as the reservation (or, for a joined run, `GET /runs/{id}`) returned them. */
  devices: readonly ReservedDevice[];
}

/** What the coordinator gives a strategy's run level once the runs are reserved or joined. */
export interface RunLevelContext {
  /** Manager client of the coordinator thread. */
  client: GridFleetClient;
  /** Validated configuration. */
  config: GridFleetConfig;
  /** Runs of this cucumber run, one per lane (or the joined run). */
  runs: readonly AllocationRun[];
  /** Sends a message to the scenario level of every thread (e.g. a wake-up). */
  broadcast(message: AllocationMessage): void;
  /** True once the cucumber run is ending: hand out nothing new. */
  closing(): boolean;
  /** Where lines for the user go. */
  logger: GridFleetLogger;
}

/**
 * What a strategy left to clean up: `count` items (devices, sessions) and the plan to end them, plain JSON
 * data, so that a child process can run it when this process is exiting (see
 * {@link AllocationStrategy.endLeftovers}).
 */
export interface Leftovers {
  /** How many items the plan ends (0: nothing to do). */
  count: number;
  /** Strategy-specific plain data. */
  plan: unknown;
}

/**
 * Run level of a strategy, in the coordinator (main) thread, once per cucumber run: answers what worker
 * threads ask (wake-ups, capacity, bookkeeping of held devices) and knows what must be cleaned up if the
 * workers cannot (crash, signal).
 */
export interface RunAllocation {
  /** Serves one message of a worker's scenario level. */
  handle(message: AllocationMessage): Promise<AllocationReply>;
  /** What no worker gave back so far (consumed by {@link AllocationStrategy.endLeftovers}). */
  leftovers(): Leftovers;
  /** The plan was carried out in this process: forget it. */
  forgetLeftovers(): void;
}

/** How a strategy's scenario level talks to its run level. */
export interface AllocationLink {
  /** Sends a message to the run level and waits for its answer. */
  request(message: AllocationMessage): Promise<AllocationReply>;
  /** Receives the run level's broadcasts. */
  onBroadcast(listener: (message: AllocationMessage) => void): void;
}

/** What a thread gives a strategy's scenario level. */
export interface ScenarioLevelContext {
  /** Manager client of this thread. */
  client: GridFleetClient;
  /** Validated configuration. */
  config: GridFleetConfig;
  /** Link to the run level. */
  link: AllocationLink;
  /** Where lines for the user go. */
  logger: GridFleetLogger;
}

/**
 * Scenario level of a strategy, one per thread and cucumber run: gets a device and a driver for a
 * scenario, and (through the returned {@link ScenarioDevice}) reports the outcome and gives the device back,
 * with a cooldown after device-level failures.
 */
export interface ScenarioAllocation {
  /**
   * Gets a device with a running session. On failure nothing stays held and the error is thrown: an
   * `AppiumDriverCreationError` when no session could be started, a `RunEndedError` when the run ended.
   */
  acquire(request: AcquireRequest): Promise<ScenarioDevice>;
  /**
   * The thread's scenarios are done (worker `AfterAll`; in a serial run also the coordinator `AfterAll`, so
   * it may run twice): re-send what an outage kept back, with a bounded retry, and end what the thread
   * keeps open across scenarios. Never throws.
   */
  finishThread(): Promise<void>;
  /** A new cucumber run starts in this process: drop what this one kept. */
  dispose(): void;
}

/**
 * One way of getting devices from the manager (claim era, router era). Chosen once per
 * cucumber run by `selectStrategy`; the coordinator and every worker then use the strategy of that name.
 */
export interface AllocationStrategy {
  /** Name, handed to workers in the run state (e.g. `claim`). */
  readonly name: string;
  /** Creates the run level, after the runs were reserved or joined. */
  runLevel(context: RunLevelContext): Promise<RunAllocation>;
  /** Creates the scenario level of a thread. */
  scenarioLevel(context: ScenarioLevelContext): ScenarioAllocation;
  /**
   * Ends what {@link RunAllocation.leftovers} listed, through `client` (Grid sessions at `gridUrl`). Runs in
   * the coordinator after a crash or a signal, and in a child process when this one exits before that
   * could happen. Never throws.
   *
   * @returns a description of what was ended, e.g. `1 session(s)/claim(s)`.
   */
  endLeftovers(
    client: GridFleetClient,
    gridUrl: string,
    plan: unknown,
    logger: GridFleetLogger,
  ): Promise<string>;
}
