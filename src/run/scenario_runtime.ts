import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RunEndedError } from '../allocation/errors';
import { strategyNamed } from '../allocation/select_strategy';
import type { ScenarioAllocation } from '../allocation/strategy';
import type { ScenarioDevice } from '../allocation/types';
import { GridFleetClient } from '../client';
import { GridFleetError } from '../client/errors';
import { gridFleetLogger } from '../client/logger';
import { type GridFleetConfig, loadGridFleetConfig } from '../config';
import type { GridFleetWorld, ScreenshotResult } from '../world';
import { allocationLink, coordinatorLink } from './coordinator_link';
import { groupsFromTags, type Lane, laneFor } from './lane';
import type { SharedRunState } from './protocol';

// Thrown here since the allocation seam; re-exported where it always was.
export { RunEndedError };

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
  private allocation: ScenarioAllocation | undefined;
  private readonly endedRuns: Record<string, string> = {};
  private readonly aborts = new Map<string, Set<AbortController>>();
  private readonly attempts = new Map<string, number>();
  private shuttingDown: string | undefined;
  private listening = false;

  /** Forgets everything cached for a previous cucumber run of this process (a new run is starting). */
  reset(): void {
    this.cachedConfig = undefined;
    this.cachedClient = undefined;
    this.statePromise = undefined;
    this.state = undefined;
    this.allocation?.dispose();
    this.allocation = undefined;
    for (const key of Object.keys(this.endedRuns)) delete this.endedRuns[key];
    this.aborts.clear();
    this.attempts.clear();
    this.shuttingDown = undefined;
  }

  /** Short worker id: `worker-<CUCUMBER_WORKER_ID>` or `main`. */
  workerId(): string {
    const id = process.env.CUCUMBER_WORKER_ID;
    return id === undefined || id === '' ? 'main' : `worker-${id}`;
  }

  /**
   * The thread's scenarios are done: the strategy re-sends the manager reports this thread could not
   * deliver (session statuses, devices given back) with a bounded retry and ends what the thread keeps
   * open; called by the AfterAll hooks before the run is finished.
   */
  async finishThread(): Promise<void> {
    await this.allocation?.finishThread();
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
        if (!reply.state)
          throw new GridFleetError(`gridfleet: ${reply.error ?? 'no run state from the coordinator'}`);
        return reply.state;
      });
    const state = await this.statePromise;
    this.state = state;
    Object.assign(this.endedRuns, state.endedRuns);
    if (state.setupError) {
      throw new GridFleetError(
        `gridfleet: the run could not be set up, so no device can be handed out: ${state.setupError}`,
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
      throw new RunEndedError(`gridfleet: ${this.shuttingDown}; no new device is handed out`);
  }

  /** This thread's scenario level of the strategy the coordinator selected (created once per run). */
  private allocationFor(world: GridFleetWorld, state: SharedRunState): ScenarioAllocation {
    if (!this.allocation) {
      if (state.strategy === undefined)
        throw new GridFleetError('gridfleet: the coordinator selected no allocation strategy');
      this.allocation = strategyNamed(state.strategy).scenarioLevel({
        client: world.client,
        config: world.gridfleetConfig,
        link: allocationLink(),
        logger: gridFleetLogger(),
      });
    }
    return this.allocation;
  }

  /** Gets a device for the World's scenario on the lane serving `platformId` / `osVersion`. */
  async acquire(
    world: GridFleetWorld,
    request: { platformId: string; osVersion?: string },
  ): Promise<ScenarioDevice> {
    const state = await this.runState();
    const scenario = world.scenario;
    if (!scenario)
      throw new GridFleetError(
        'gridfleet: no scenario info on the World (is the gridfleet Before hook registered?)',
      );
    const lane = laneFor(state.lanes, request.platformId, request.osVersion);
    this.assertRunUsable(lane);
    const config = world.gridfleetConfig;
    const controller = new AbortController();
    const set = this.aborts.get(lane.runId) ?? new Set();
    set.add(controller);
    this.aborts.set(lane.runId, set);
    let held: ScenarioDevice;
    try {
      held = await this.allocationFor(world, state).acquire({
        runId: lane.runId,
        runName: lane.runName,
        packId: lane.packId,
        platformId: lane.platformId,
        osVersion: request.osVersion ?? lane.osVersion,
        workerId: this.workerId(),
        testName: scenario.name,
        metadata: {
          'gridfleet:feature': scenario.featureName,
          'gridfleet:scenarioUri': `${scenario.uri}:${scenario.line}`,
          'gridfleet:attempt': scenario.attempt,
          'gridfleet:runId': lane.runId,
          'gridfleet:workerId': world.workerId,
        },
        extraCapabilities: { ...config.capabilities['*'], ...config.capabilities[lane.platformId] },
        groups: [...new Set([...(lane.groups ?? []), ...groupsFromTags(scenario.tags)])],
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof Error)
        throw controller.signal.reason;
      throw error;
    } finally {
      set.delete(controller);
    }
    const osVersion = request.osVersion;
    if (osVersion !== undefined && held.device.osVersion !== osVersion) {
      await held.end({ status: 'error' });
      throw new GridFleetError(
        `gridfleet: lane ${lane.platformId} handed out device ${held.device.deviceId} with OS ${held.device.osVersion}, ` +
          `not ${osVersion}. Add a requirement with "os_version": "${osVersion}" so the run only holds such devices.`,
      );
    }
    return held;
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
