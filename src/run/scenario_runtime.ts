import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ClaimAllocator, type DeviceLease } from '../allocation';
import { FINAL_FLUSH_LIMIT_MS, threadPendingReports } from '../allocation/pending_reports';
import type { DriverPackCatalogLike } from '../appium';
import { GridFleetApiError, GridFleetClient } from '../client';
import { type GridFleetConfig, loadGridFleetConfig } from '../config';
import type { GridFleetWorld, ScreenshotResult } from '../world';
import { coordinatorClaimWakeUp } from './claim_wakeup';
import { coordinatorLink } from './coordinator_link';
import { type Lane, laneFor } from './lane';
import type { SharedRunState } from './protocol';

/** Thrown when a scenario needs a run the manager has already ended (cancelled, expired). */
export class RunEndedError extends Error {
  /** Builds the error with the coordinator's explanation. */
  constructor(message: string) {
    super(message);
    this.name = 'RunEndedError';
  }
}

/** Replaces characters that are awkward in file names. */
export function fileSafe(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 120) || 'screenshot'
  );
}

class ScenarioRuntime {
  private cachedConfig: GridFleetConfig | undefined;
  private cachedClient: GridFleetClient | undefined;
  private statePromise: Promise<SharedRunState> | undefined;
  private state: SharedRunState | undefined;
  private catalogPromise: Promise<DriverPackCatalogLike> | undefined;
  private allocator: ClaimAllocator | undefined;
  private readonly endedRuns: Record<string, string> = {};
  private readonly aborts = new Map<string, Set<AbortController>>();
  private readonly attempts = new Map<string, number>();
  /** Runs whose last release of this thread went to a waiting sibling (see `claimHandedOff`). */
  private readonly handedOff = new Set<string>();
  private shuttingDown: string | undefined;
  private listening = false;
  /**
   * `@host:pid:tag` of this thread's claim owner ids; the random per-thread tag keeps them unique even where
   * hostname and pid repeat (containers).
   */
  private readonly ownerSuffix = `@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  /** Forgets everything cached for a previous cucumber run of this process (a new run is starting). */
  reset(): void {
    this.cachedConfig = undefined;
    this.cachedClient = undefined;
    this.statePromise = undefined;
    this.state = undefined;
    this.catalogPromise = undefined;
    this.allocator = undefined;
    for (const key of Object.keys(this.endedRuns)) delete this.endedRuns[key];
    this.aborts.clear();
    this.attempts.clear();
    this.handedOff.clear();
    this.shuttingDown = undefined;
    threadPendingReports().clear();
  }

  /** Worker id for claims: `worker-<CUCUMBER_WORKER_ID>` or `main`. */
  workerId(): string {
    const id = process.env.CUCUMBER_WORKER_ID;
    return id === undefined || id === '' ? 'main' : `worker-${id}`;
  }

  /**
   * Owner id of this thread's claims: the worker id plus host, pid and a per-thread tag, e.g.
   * `worker-0@ci-7:4242:a1b2c3`. CI shards joining one run all have a `worker-0`; with the bare worker id
   * one shard could release (or, after a lost claim answer, "recover") another shard's device.
   */
  claimOwnerId(): string {
    return `${this.workerId()}${this.ownerSuffix}`;
  }

  /**
   * Re-sends the manager reports this thread could not deliver (session statuses, releases) with a
   * bounded retry ({@link FINAL_FLUSH_LIMIT_MS}); called by the AfterAll hooks before the run is finished.
   */
  async flushPendingReports(parameters: unknown): Promise<void> {
    const pending = threadPendingReports();
    if (pending.size === 0) return;
    process.stderr.write(`gridfleet: re-sending ${pending.size} manager report(s) lost to an outage\n`);
    await pending.flush(this.client(parameters), FINAL_FLUSH_LIMIT_MS);
  }

  /** Next attempt number of a pickle in this thread (retries run on the same worker). */
  nextAttempt(pickleId: string): number {
    const n = (this.attempts.get(pickleId) ?? 0) + 1;
    this.attempts.set(pickleId, n);
    return n;
  }

  config(parameters: unknown): GridFleetConfig {
    this.cachedConfig ??= loadGridFleetConfig(parameters);
    return this.cachedConfig;
  }

  client(parameters: unknown): GridFleetClient {
    this.cachedClient ??= new GridFleetClient(this.config(parameters).apiUrl);
    return this.cachedClient;
  }

  /** Run state from the coordinator (fetched once per thread). */
  async runState(): Promise<SharedRunState> {
    this.listen();
    this.statePromise ??= coordinatorLink()
      .request({ kind: 'state' })
      .then((reply) => {
        if (!reply.state) throw new Error(`gridfleet: ${reply.error ?? 'no run state from the coordinator'}`);
        return reply.state;
      });
    const state = await this.statePromise;
    this.state = state;
    Object.assign(this.endedRuns, state.endedRuns);
    if (state.setupError) {
      throw new Error(
        `gridfleet: the run could not be set up, so no device can be claimed: ${state.setupError}`,
      );
    }
    return state;
  }

  /** The run id when the cucumber run has exactly one run (one lane, or a joined run). */
  onlyRunId(): string | undefined {
    const ids = new Set(this.state?.lanes.map((l) => l.runId));
    return ids.size === 1 ? [...ids][0] : undefined;
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    coordinatorLink().onMessage((message) => {
      if (message.type === 'gridfleet:run-ended') {
        this.endedRuns[message.runId] = message.reason;
        for (const controller of this.aborts.get(message.runId) ?? [])
          controller.abort(new RunEndedError(message.reason));
      } else if (message.type === 'gridfleet:shutdown') {
        this.shuttingDown = message.reason;
      }
    });
  }

  /** Fails fast when the lane's run was ended by the manager. */
  assertRunUsable(lane: Lane): void {
    const ended = this.endedRuns[lane.runId];
    if (ended) throw new RunEndedError(ended);
    if (this.shuttingDown)
      throw new RunEndedError(`gridfleet: ${this.shuttingDown}; no new device is claimed`);
  }

  private allocatorFor(world: GridFleetWorld): ClaimAllocator {
    const config = world.gridfleetConfig;
    const client = world.client;
    this.catalogPromise ??= client.getDriverPackCatalog();
    this.allocator ??= new ClaimAllocator({
      client,
      gridUrl: config.gridUrl,
      claimMaxWaitSec: config.claimMaxWaitSec,
      claimInclude: config.claimInclude,
      cooldownSec: config.cooldownSec,
      catalog: () => this.catalogPromise as Promise<DriverPackCatalogLike>,
      claimWakeUp: coordinatorClaimWakeUp,
      claimHandedOff: (runId) => this.handedOff.delete(runId),
      tracker: {
        opened: async (lease) => {
          const reply = await coordinatorLink().request({ kind: 'lease-open', lease });
          if (reply.error) throw new RunEndedError(`gridfleet: ${reply.error}`);
        },
        closed: async (lease) => {
          const reply = await coordinatorLink()
            .request({ kind: 'lease-closed', ...lease })
            .catch(() => undefined);
          if (reply?.handedOff) this.handedOff.add(lease.runId);
        },
      },
    });
    return this.allocator;
  }

  /** Claims a device for the World's scenario on the lane serving `platformId` / `osVersion`. */
  async acquire(
    world: GridFleetWorld,
    request: { platformId: string; osVersion?: string },
  ): Promise<DeviceLease> {
    const state = await this.runState();
    const scenario = world.scenario;
    if (!scenario)
      throw new Error('gridfleet: no scenario info on the World (is the gridfleet Before hook registered?)');
    const lane = laneFor(state.lanes, request.platformId, request.osVersion);
    this.assertRunUsable(lane);
    const config = world.gridfleetConfig;
    const controller = new AbortController();
    const set = this.aborts.get(lane.runId) ?? new Set();
    set.add(controller);
    this.aborts.set(lane.runId, set);
    let lease: DeviceLease;
    try {
      lease = await this.allocatorFor(world).acquire({
        runId: lane.runId,
        packId: lane.packId,
        platformId: lane.platformId,
        osVersion: request.osVersion ?? lane.osVersion,
        workerId: this.claimOwnerId(),
        testName: scenario.name,
        metadata: {
          'gridfleet:feature': scenario.featureName,
          'gridfleet:scenarioUri': `${scenario.uri}:${scenario.line}`,
          'gridfleet:attempt': scenario.attempt,
          'gridfleet:runId': lane.runId,
          'gridfleet:workerId': world.workerId,
        },
        extraCapabilities: { ...config.capabilities['*'], ...config.capabilities[lane.platformId] },
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof Error)
        throw controller.signal.reason;
      if (
        error instanceof GridFleetApiError &&
        error.status === 409 &&
        /terminal state/.test(error.serverMessage)
      ) {
        throw new RunEndedError(
          `GridFleet run ${lane.runId} ("${lane.runName}") has ended (${error.serverMessage}); ` +
            'scenarios that need it fail until the run is replaced.',
        );
      }
      throw error;
    } finally {
      set.delete(controller);
    }
    const osVersion = request.osVersion;
    if (osVersion !== undefined && lease.device.osVersion !== osVersion) {
      await lease.quit();
      await lease.reportStatus('error');
      await lease.release({ status: 'error' });
      throw new Error(
        `gridfleet: lane ${lane.platformId} handed out device ${lease.device.deviceId} with OS ${lease.device.osVersion}, ` +
          `not ${osVersion}. Add a requirement with "os_version": "${osVersion}" so the run only holds such devices.`,
      );
    }
    return lease;
  }

  /** Screenshot of the World's device: saved under the screenshot directory and attached as `image/png`. */
  async takeScreenshot(world: GridFleetWorld, name?: string): Promise<ScreenshotResult> {
    const png = Buffer.from(await world.driver.takeScreenshot(), 'base64');
    const stem = `${fileSafe(name ?? world.scenario?.name ?? 'screenshot')}_${fileSafe(world.device.udid.replace(/:/g, '_'))}`;
    const file = await this.saveScreenshot(world, png, stem);
    await world.attachScreenshot(png, path.basename(file));
    return { path: file, png };
  }

  /** Writes PNG bytes to the screenshot directory and returns the absolute path. */
  async saveScreenshot(world: GridFleetWorld, png: Buffer, stem: string): Promise<string> {
    const dir = path.resolve(world.gridfleetConfig.screenshotDir);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${stem}.png`);
    await writeFile(file, png);
    return file;
  }
}

/**
 * Per-thread runtime the World and the hooks delegate to (config, client, run state, allocation,
 * screenshots).
 * @internal
 */
export const scenarioRuntime = new ScenarioRuntime();
