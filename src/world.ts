import { type IWorldOptions, World } from '@cucumber/cucumber';
import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import type { ScenarioDevice } from './allocation';
import type { AllocatedDevice } from './appium';
import type { GridFleetClient } from './client';
import { GridFleetError } from './client/errors';
import type { GridFleetConfig } from './config';
import { scenarioRuntime } from './run/scenario_runtime';

/**
 * Parameters a `GridFleetWorld` understands: cucumber `worldParameters`, where our own settings live under
 * the `gridfleet` key (see `src/config`). Other keys are left alone for the user's own World.
 */
export interface GridFleetWorldParameters {
  /** Raw `worldParameters.gridfleet` object; validated by the config loader before anything is reserved. */
  gridfleet?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What the World knows about the scenario it runs (set by the gridfleet `Before` hook). */
export interface ScenarioInfo {
  /** Scenario name exactly as cucumber shows it (outline placeholders substituted). */
  name: string;
  /** Feature name (empty when the document has none). */
  featureName: string;
  /** Feature file path relative to cwd. */
  uri: string;
  /** Line of the scenario (or example row) in the feature file. */
  line: number;
  /** Attempt number, 1 for the first run, 2 for the first `--retry`, ... */
  attempt: number;
  /** Tag names, e.g. `['@platform:firetv_real']`. */
  tags: string[];
}

/** Options for {@link GridFleetWorld.allocateDevice}. */
export interface AllocateDeviceOptions {
  /** Exact OS version of the lane to take the device from (a lane's `os_version`). */
  osVersion?: string;
}

/** Result of {@link GridFleetWorld.takeScreenshot}. */
export interface ScreenshotResult {
  /** Absolute path of the saved PNG file. */
  path: string;
  /** The PNG bytes (also attached to the cucumber report as `image/png`). */
  png: Buffer;
}

/**
 * The cucumber World of gridfleet-cucumber: one instance per scenario attempt.
 *
 * The gridfleet `Before` hook fills in {@link GridFleetWorld.scenario}, the worker id and (unless the
 * scenario is `@no-device`, or no lane can be chosen before a device step runs) a device with a running
 * Appium session. Steps read them here.
 *
 * Extending: `class MyWorld extends GridFleetWorld { ... }` then `setWorldConstructor(MyWorld)` in your
 * support code. gridfleet-cucumber installs `GridFleetWorld` when it registers, unless a custom World was
 * already set; a World set later wins. A World that does not extend `GridFleetWorld` fails every scenario
 * that needs a device, with an explanation (`@no-device` scenarios still run).
 *
 * @typeParam P - the cucumber `worldParameters` type.
 */
export class GridFleetWorld<P extends GridFleetWorldParameters = GridFleetWorldParameters> extends World<P> {
  /** The scenario being run; set by the gridfleet `Before` hook. */
  scenario: ScenarioInfo | undefined;

  /**
   * Short worker id, `worker-<CUCUMBER_WORKER_ID>` in `--parallel` and `main` when serial; also sent as
   * the `gridfleet:workerId` capability. The allocation strategy derives owner ids unique across processes
   * and hosts from it (`worker-0@host:pid:tag`), so shards joining one run never free each other's devices.
   */
  readonly workerId: string;

  /**
   * The device of this scenario attempt, if one was allocated; cleared once the gridfleet `After` hook has
   * given the device back (so a finished scenario holds no webdriverio Browser in memory).
   * @internal Managed by the gridfleet hooks; use {@link GridFleetWorld.device} and
   * {@link GridFleetWorld.driver}.
   */
  gridfleetDevice: ScenarioDevice | undefined;

  private testDataCache: Record<string, unknown> | undefined;
  private configCache: Record<string, unknown> | undefined;

  /** Creates the World; cucumber calls this once per scenario attempt. */
  constructor(options: IWorldOptions<P>) {
    super(options);
    this.workerId = scenarioRuntime.workerId();
  }

  /** Validated gridfleet configuration of this cucumber run. */
  get gridfleetConfig(): GridFleetConfig {
    return scenarioRuntime.config(this.parameters);
  }

  /** The GridFleet manager client (one per thread). */
  get client(): GridFleetClient {
    return scenarioRuntime.client(this.parameters);
  }

  /** Whether a device is allocated to this scenario attempt. */
  get hasDevice(): boolean {
    return this.gridfleetDevice !== undefined;
  }

  /**
   * The allocated device.
   * @throws Error when no device is allocated (a `@no-device` scenario, or no `Given a <platform> device` step yet).
   */
  get device(): AllocatedDevice {
    return this.requireHeld().device;
  }

  /**
   * The webdriverio session on the allocated device.
   * @throws Error when no device is allocated.
   */
  get driver(): Browser {
    return this.requireHeld().driver;
  }

  /** GridFleet run id of the allocated device's lane (or of the only lane), if known. */
  get runId(): string | undefined {
    return this.gridfleetDevice?.runId ?? scenarioRuntime.onlyRunId();
  }

  /**
   * Allocates a device for `platformId` (and optional OS version) unless one is already held. When a device
   * is already held it must match, else this throws (one device per scenario).
   */
  async allocateDevice(platformId: string, options: AllocateDeviceOptions = {}): Promise<AllocatedDevice> {
    if (this.gridfleetDevice) {
      const held = this.gridfleetDevice.device;
      const platformMatches = held.platformId === platformId;
      const osMatches = options.osVersion === undefined || held.osVersion === options.osVersion;
      if (platformMatches && osMatches) return held;
      throw new GridFleetError(
        `This scenario already holds device ${held.deviceId} (${held.platformId}, OS ${held.osVersion}); ` +
          `it cannot also get a ${platformId}${options.osVersion ? ` device with OS ${options.osVersion}` : ' device'}. ` +
          'Tag the scenario @platform:<id> to choose its lane, or use one device step per scenario.',
      );
    }
    this.gridfleetDevice = await scenarioRuntime.acquire(this, { platformId, osVersion: options.osVersion });
    return this.gridfleetDevice.device;
  }

  /**
   * Takes a PNG screenshot of the device, saves it to the configured screenshot directory and attaches it
   * to the cucumber report as `image/png`.
   * @param name - file name stem; defaults to the scenario name plus the connection target.
   */
  async takeScreenshot(name?: string): Promise<ScreenshotResult> {
    return scenarioRuntime.takeScreenshot(this, name);
  }

  /** Attaches PNG bytes to the cucumber report (as a Buffer with media type `image/png`, never re-encoded). */
  async attachScreenshot(png: Buffer, fileName?: string): Promise<void> {
    await this.attach(png, fileName ? { mediaType: 'image/png', fileName } : 'image/png');
  }

  /** The device's operator-attached test data (inline when the manager sent it along, else fetched once). */
  async getTestData(): Promise<Record<string, unknown>> {
    if (this.testDataCache !== undefined) return this.testDataCache;
    const data = this.device.testData ?? (await this.client.getDeviceTestData(this.device.deviceId));
    this.testDataCache = data;
    return data;
  }

  /** Deep-merges `patch` into the device test data (PATCH) and returns the merged result. */
  async mergeTestData(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const merged = await this.client.mergeDeviceTestData(this.device.deviceId, patch);
    this.testDataCache = merged;
    return merged;
  }

  /** Replaces the device test data (PUT) and returns what the manager stored. */
  async replaceTestData(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const stored = await this.client.replaceDeviceTestData(this.device.deviceId, body);
    this.testDataCache = stored;
    return stored;
  }

  /** The device's static config (inline when the manager sent it along, else fetched once). */
  async getDeviceConfig(): Promise<Record<string, unknown>> {
    if (this.configCache !== undefined) return this.configCache;
    const config = this.device.config ?? (await this.client.getDeviceConfigById(this.device.deviceId));
    this.configCache = config;
    return config;
  }

  private requireHeld(): ScenarioDevice {
    if (!this.gridfleetDevice) {
      throw new GridFleetError(
        'No GridFleet device is allocated to this scenario. Add a "Given a <platform> device" step, tag the ' +
          'scenario @platform:<id>, or remove its @no-device tag.',
      );
    }
    return this.gridfleetDevice;
  }
}
