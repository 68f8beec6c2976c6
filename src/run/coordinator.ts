import { selectStrategy } from '../allocation/select_strategy';
import type { AllocationMessage, AllocationStrategy, Leftovers, RunAllocation } from '../allocation/strategy';
import { GridFleetClient } from '../client/client';
import { errorText } from '../client/error_text';
import { GridFleetError } from '../client/errors';
import type { RunHeartbeat } from '../client/heartbeat';
import { type GridFleetLogger, gridFleetLogger } from '../client/logger';
import { isTerminalRunState } from '../client/schemas/common';
import type { ReservedDevice } from '../client/schemas/reserved_device';
import type { RunRead } from '../client/schemas/run';
import { type GridFleetConfig, loadGridFleetConfig } from '../config';
import type { ExitCleanupPlan } from './exit_cleanup';
import type { Lane } from './lane';
import { toDeviceRequirements } from './lane_requirements';
import { cleanupLeftovers } from './leftover_cleanup';
import type { CoordinatorMessage, SharedRunState, WorkerRequest } from './protocol';
import { reserveRunWithRecovery } from './reserve_run';
import { formatRunSummary, formatUnreachableSummary } from './summary';

/** How the cucumber run ended, as far as the coordinator can tell. */
export type FinishMode = 'normal' | 'crash' | 'signal';

/** Reply of {@link RunCoordinator.handle}. */
export interface CoordinatorReply {
  /** Run state (for `state` requests). */
  state?: SharedRunState;
  /** Set when the request could not be served. */
  error?: string;
  /** The allocation strategy's answer to an `allocation` request. */
  allocation?: AllocationMessage;
}

/** Options of {@link RunCoordinator}. */
export interface RunCoordinatorOptions {
  /** Where summary and cleanup lines go (default: stderr). */
  logger?: GridFleetLogger;
}

/**
 * Longest time {@link RunCoordinator.finish} waits for a setup still in flight (a signal while the run is
 * being reserved): the run a pending `POST /runs` creates must be known before it can be cancelled. Below
 * the 30 s the signal handler allows in all.
 */
const SETUP_SETTLE_MS = 20_000;

/** Thrown by setup when the cucumber run ends (signal, crash) while lanes are still being reserved. */
const shuttingDown = (): Error =>
  new Error('the cucumber run is shutting down; no further GridFleet runs are reserved or activated');

/**
 * Run-level orchestration, once per cucumber run in the coordinator (main) thread: validates the config,
 * selects the allocation strategy, reserves one run per lane (or joins `GRIDFLEET_RUN_ID`), activates and
 * heartbeats the runs, serves the run state to workers, forwards the strategy's messages to its run level,
 * tracks scenario outcomes, and at the end has the strategy clean up what no worker gave back and completes
 * or cancels the runs it created (exactly once, whatever ends the cucumber run).
 */
export class RunCoordinator {
  private config: GridFleetConfig | undefined;
  private client: GridFleetClient | undefined;
  private lanes: Lane[] = [];
  private readonly runNames = new Map<string, { name: string; owned: boolean }>();
  /** Reserved devices per run, as the reservation or the joined run returned them. */
  private readonly runDevices = new Map<string, readonly ReservedDevice[]>();
  private readonly heartbeats: RunHeartbeat[] = [];
  private strategy: AllocationStrategy | undefined;
  private allocation: RunAllocation | undefined;
  private readonly failedPickles = new Set<string>();
  private readonly endedRuns: Record<string, string> = {};
  private setupError: string | undefined;
  private setupPromise: Promise<void> | undefined;
  private finishPromise: Promise<void> | undefined;
  private readonly listeners = new Set<(message: CoordinatorMessage) => void>();
  private closing = false;
  private readonly logger: GridFleetLogger;

  /** Creates a coordinator; {@link RunCoordinator.setup} does the work. */
  constructor(options: RunCoordinatorOptions = {}) {
    this.logger = options.logger ?? gridFleetLogger();
  }

  /** Subscribes to broadcasts (run ended, shutdown). Returns an unsubscribe function. */
  subscribe(listener: (message: CoordinatorMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private broadcast(message: CoordinatorMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  /** Sets the run up once (later calls return the same promise). Throws what made setup fail. */
  setup(worldParameters: unknown): Promise<void> {
    this.setupPromise ??= this.doSetup(worldParameters).catch((error: unknown) => {
      this.setupError = errorText(error);
      throw error;
    });
    return this.setupPromise;
  }

  private async doSetup(worldParameters: unknown): Promise<void> {
    const config = loadGridFleetConfig(worldParameters);
    this.config = config;
    const client = new GridFleetClient(config.apiUrl);
    this.client = client;
    const strategy = await selectStrategy(client, config, this.logger);
    this.strategy = strategy;
    if (config.runId !== undefined) {
      await this.joinRun(client, config.runId);
    } else {
      await this.reserveLanes(client, config);
    }
    this.allocation = await strategy.runLevel({
      client,
      config,
      runs: [...this.runNames].map(([runId, info]) => ({
        runId,
        runName: info.name,
        owned: info.owned,
        devices: this.runDevices.get(runId) ?? [],
      })),
      broadcast: (message) => this.broadcast({ type: 'gridfleet:allocation', message }),
      closing: () => this.closing,
      logger: this.logger,
    });
    // Joined runs are heartbeated too: a run shared by CI shards must not expire while a shard still
    // runs, and a beat only refreshes `last_heartbeat`. Ending a joined run stays its owner's job.
    for (const runId of this.runNames.keys()) {
      const heartbeat = client.startHeartbeat(runId, config.heartbeatIntervalSec, {
        onStop: (reason, lastState) => {
          if (reason === 'stopped') return;
          this.markRunEnded(runId, `the manager reports it ${lastState ?? reason.replace('_', ' ')}`);
        },
      });
      this.heartbeats.push(heartbeat);
    }
  }

  private async joinRun(client: GridFleetClient, runId: string): Promise<void> {
    const run = await client.getRun(runId);
    if (isTerminalRunState(run.state)) {
      throw new GridFleetError(
        `GRIDFLEET_RUN_ID ${runId} ("${run.name}") is already ${run.state}; join a run that is still open, ` +
          'or unset GRIDFLEET_RUN_ID to reserve a new one.',
      );
    }
    this.runNames.set(run.id, { name: run.name, owned: false });
    this.runDevices.set(run.id, run.devices);
    this.lanes = run.requirements.map((r) => ({
      runId: run.id,
      runName: run.name,
      packId: r.pack_id,
      platformId: r.platform_id,
      osVersion: r.os_version ?? undefined,
      owned: false,
      ...(r.groups?.length ? { groups: r.groups } : {}),
    }));
  }

  private async reserveLanes(client: GridFleetClient, config: GridFleetConfig): Promise<void> {
    const requirements = await toDeviceRequirements(client, config.requirements);
    const multi = requirements.length > 1;
    for (const requirement of requirements) {
      if (this.closing) throw shuttingDown();
      const { packId, platformId } = requirement;
      const osVersion = requirement.osVersion ?? undefined;
      const laneLabel = `${platformId}${osVersion ? ` ${osVersion}` : ''}`;
      const name = multi ? `${config.runName} [${laneLabel}]` : config.runName;
      const run = await reserveRunWithRecovery(
        client,
        {
          name,
          requirements: [requirement],
          ttlMinutes: config.ttlMinutes,
          heartbeatTimeoutSec: config.heartbeatTimeoutSec,
          createdBy: config.createdBy,
        },
        { log: (line) => this.logger.warn(line) },
      );
      // Recorded before activation so cleanup cancels it even if activation fails.
      this.runNames.set(run.id, { name: run.name, owned: true });
      this.runDevices.set(run.id, run.devices);
      this.lanes.push({
        runId: run.id,
        runName: run.name,
        packId,
        platformId,
        osVersion,
        owned: true,
        ...(requirement.groups?.length ? { groups: requirement.groups } : {}),
      });
      // A signal came while POST /runs was in flight: leave the run to finish(), which cancels it.
      if (this.closing) throw shuttingDown();
      await client.activateRun(run.id);
    }
  }

  private markRunEnded(runId: string, reason: string): void {
    if (this.endedRuns[runId]) return;
    const name = this.runNames.get(runId)?.name ?? runId;
    const text = `GridFleet run ${runId} ("${name}") ended before this scenario could use it: ${reason}`;
    this.endedRuns[runId] = text;
    this.broadcast({ type: 'gridfleet:run-ended', runId, reason: text });
  }

  /** Current run state as handed to workers. */
  sharedState(): SharedRunState {
    return {
      lanes: this.lanes,
      endedRuns: { ...this.endedRuns },
      setupError: this.setupError,
      strategy: this.allocation ? this.strategy?.name : undefined,
    };
  }

  /** Serves one worker request (also used directly in serial mode). */
  async handle(request: WorkerRequest): Promise<CoordinatorReply> {
    switch (request.kind) {
      case 'state':
        if (this.setupPromise === undefined) {
          return {
            error: 'the gridfleet coordinator BeforeAll hook has not run (is gridfleet-cucumber registered?)',
          };
        }
        await this.setupPromise.catch(() => undefined);
        return { state: this.sharedState() };
      case 'allocation': {
        if (!this.allocation) {
          return { error: 'the GridFleet run is not set up, so no device can be handed out' };
        }
        const reply = await this.allocation.handle(request.message);
        return { error: reply.error, allocation: reply.message };
      }
      case 'outcome':
        if (!request.outcome.willBeRetried) {
          if (request.outcome.failed) this.failedPickles.add(request.outcome.pickleId);
          else this.failedPickles.delete(request.outcome.pickleId);
        }
        return {};
    }
  }

  /**
   * What is left to clean up if the process exits right now without {@link RunCoordinator.finish} having
   * started (undefined when there is nothing, or finish already ran or is running).
   */
  exitCleanupPlan(): ExitCleanupPlan | undefined {
    if (this.finishPromise !== undefined || !this.config) return undefined;
    const cancelRuns = [...this.runNames]
      .filter(([runId, info]) => info.owned && !this.endedRuns[runId])
      .map(([runId]) => runId);
    return {
      apiUrl: this.config.apiUrl,
      gridUrl: this.config.gridUrl,
      strategy: this.strategy?.name,
      leftovers: this.leftovers(),
      cancelRuns,
    };
  }

  private leftovers(): Leftovers {
    return this.allocation?.leftovers() ?? { count: 0, plan: undefined };
  }

  /** True once {@link RunCoordinator.finish} has been called. */
  get finished(): boolean {
    return this.finishPromise !== undefined;
  }

  /** Number of heartbeats still running (0 once the run is finished). */
  get runningHeartbeats(): number {
    return this.heartbeats.filter((h) => h.running).length;
  }

  /** Whether any scenario's final attempt failed so far. */
  get hasFailures(): boolean {
    return this.failedPickles.size > 0;
  }

  /**
   * Ends the cucumber run on the manager, exactly once: has the strategy end what no worker gave back, completes or
   * cancels the runs this process created (per policy; always cancel after a crash or a signal), stops the
   * heartbeats and prints one summary line per run. Never throws.
   */
  finish(mode: FinishMode, log: (line: string) => void = (line) => this.logger.warn(line)): Promise<void> {
    this.finishPromise ??= this.doFinish(mode, log);
    return this.finishPromise;
  }

  private async doFinish(mode: FinishMode, log: (line: string) => void): Promise<void> {
    this.closing = true;
    this.broadcast({ type: 'gridfleet:shutdown', reason: `cucumber run ending (${mode})` });
    if (this.setupPromise) await settledWithin(this.setupPromise, SETUP_SETTLE_MS);
    const client = this.client;
    const config = this.config;
    if (!client || !config) return;
    if (mode !== 'normal' && this.leftovers().count > 0) {
      // Give in-flight allocation messages from still-running workers a moment to arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const owned = [...this.runNames].filter(([, info]) => info.owned).map(([runId]) => runId);
    await cleanupLeftovers(
      client,
      {
        strategy: this.strategy,
        leftovers: this.leftovers(),
        gridUrl: config.gridUrl,
        // Sessions of our own runs that no worker reported (a worker terminated mid-setup).
        sweepRuns: new Set(mode === 'normal' ? [] : owned),
      },
      { warn: log },
    );
    this.allocation?.forgetLeftovers();
    const passed = mode === 'normal' && !this.hasFailures && this.setupError === undefined;
    const complete =
      mode === 'normal' && this.setupError === undefined && (passed || config.onFailure === 'complete');
    const finals: Array<{ runId: string; name: string; owned: boolean; run?: RunRead; reason?: string }> = [];
    for (const [runId, info] of this.runNames) {
      if (info.owned && !this.endedRuns[runId]) {
        try {
          await (complete ? client.completeRun(runId) : client.cancelRun(runId));
        } catch (error) {
          // Already terminal (ended by the manager or an operator) is the outcome we wanted anyway.
          if (!/terminal state/.test(errorText(error))) {
            log(`gridfleet: could not ${complete ? 'complete' : 'cancel'} run ${runId}: ${errorText(error)}`);
          }
        }
      }
      finals.push({ runId, ...info });
    }
    for (const heartbeat of this.heartbeats) heartbeat.stop();
    for (const entry of finals) {
      try {
        log(formatRunSummary(await client.getRun(entry.runId), entry.owned));
      } catch (error) {
        log(formatUnreachableSummary(entry.runId, entry.name, errorText(error)));
      }
    }
  }
}

/** Resolves when `promise` settles (either way) or after `ms`, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([promise.then(noop, noop), limit]);
  clearTimeout(timer);
}

function noop(): void {}
