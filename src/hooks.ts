import { isMainThread } from 'node:worker_threads';
import {
  After,
  AfterAll,
  Before,
  BeforeAll,
  BeforeStep,
  HookTarget,
  type ITestCaseHookParameter,
  setWorldConstructor,
  supportCodeLibraryBuilder,
  World,
} from '@cucumber/cucumber';
import { GridFleetError } from './client/errors';
import { beginRunCoordinator, existingCoordinator, startCoordinatorServices } from './run/coordinator_host';
import { coordinatorLink } from './run/coordinator_link';
import { laneForScenario } from './run/lane';
import { isFailingStatus, sessionVerdict } from './run/outcome';
import { fileSafe, scenarioRuntime } from './run/scenario_runtime';
import { retireLastWorld, worldStarting } from './run/world_retirement';
import { GridFleetWorld } from './world';

/**
 * Explicit timeouts of the gridfleet hooks (ms). Cucumber's default of 5 s is far too short for getting a
 * device plus an Appium session. The wait for a device itself is bounded by `deviceWaitSec`.
 */
export const HOOK_TIMEOUTS = {
  /** Coordinator BeforeAll: catalog, reservations, activation. */
  beforeAll: 300_000,
  /** Coordinator AfterAll: complete/cancel and summary. */
  afterAll: 180_000,
  /** Scenario Before: wait for a device (up to `deviceWaitSec`, default 300 s) + session creation. */
  before: 900_000,
  /** Scenario After: screenshot, end session, status, give the device back. */
  after: 180_000,
  /** Worker AfterAll: re-send reports lost to a manager outage (bounded to 30 s of retries). */
  afterAllWorker: 90_000,
} as const;

/** Names of the gridfleet hooks as they appear in cucumber's output. */
export const HOOK_NAMES = {
  beforeAll: 'gridfleet: reserve devices',
  afterAll: 'gridfleet: end runs and print summary',
  before: 'gridfleet: allocate device and start session',
  after: 'gridfleet: screenshot, end session, report status, give device back',
  afterAllWorker: 'gridfleet: re-send manager reports lost to an outage',
} as const;

const REGISTERED = Symbol.for('gridfleet-cucumber.registered');
const STEPS_STARTED = Symbol.for('gridfleet-cucumber.stepsStarted');

type FlagHolder = typeof globalThis & { [REGISTERED]?: unknown };

/** Identity of the current support-code library: cucumber replaces these arrays when it resets. */
function libraryIdentity(): unknown {
  return (supportCodeLibraryBuilder as unknown as { afterTestCaseHookDefinitionConfigs?: unknown })
    .afterTestCaseHookDefinitionConfigs;
}

function tagNames(parameter: ITestCaseHookParameter): string[] {
  return parameter.pickle.tags.map((t) => t.name);
}

function needsDevice(world: World, tags: readonly string[]): boolean {
  const noDeviceTags = scenarioRuntime.config(world.parameters).noDeviceTags;
  return !tags.some((t) => noDeviceTags.includes(t));
}

/**
 * Registers the gridfleet World, hooks and coordinator services with cucumber — once per thread, and
 * identically in every thread (cucumber matches hooks across threads by registration order, so nothing
 * is registered conditionally; conditions live inside the hook bodies).
 *
 * World rule: `GridFleetWorld` is installed only if no custom World constructor is set at registration
 * time. A World set afterwards (`setWorldConstructor(MyWorld)`) wins and must extend `GridFleetWorld`;
 * scenarios that need a device fail with an explanation otherwise.
 *
 * Session status mapping (cucumber result of the attempt → manager session status):
 *
 * | cucumber result | session status | device given back |
 * | --- | --- | --- |
 * | PASSED | passed | yes |
 * | SKIPPED (e.g. a user Before returned 'skipped') | passed (the manager has no "skipped"; it does not fail the run) | yes |
 * | FAILED by a step (assertion, app error, step timeout) | failed | yes |
 * | FAILED with a device-level error (WebDriver, session, connection) | error | with cooldown |
 * | FAILED in a Before hook (setup: device, session, user setup) | error | yes (cooldown if device-level) |
 * | PENDING, UNDEFINED, AMBIGUOUS (fail a strict run) | failed | yes |
 * | UNKNOWN | error | yes |
 * | driver creation failed | device-less `error-<uuid>` session | with cooldown |
 * | worker crash, SIGINT, SIGTERM | error (set by the coordinator's cleanup) | by the cleanup / run cancelled |
 *
 * @returns true when this call registered, false when this thread had already registered.
 */
export function registerGridFleetHooks(): boolean {
  const holder = globalThis as FlagHolder;
  const identity = libraryIdentity() ?? true;
  if (holder[REGISTERED] === identity) return false;
  holder[REGISTERED] = identity;

  if ((supportCodeLibraryBuilder as unknown as { World?: unknown }).World === World) {
    setWorldConstructor(GridFleetWorld);
  }

  BeforeAll(
    { name: HOOK_NAMES.beforeAll, on: HookTarget.COORDINATOR, timeout: HOOK_TIMEOUTS.beforeAll },
    async function () {
      // COORDINATOR hooks run in the main thread (also in serial mode); the guard documents that.
      if (!isMainThread) return;
      startCoordinatorServices();
      scenarioRuntime.reset();
      await beginRunCoordinator().setup(this.parameters);
    },
  );

  AfterAll(
    { name: HOOK_NAMES.afterAll, on: HookTarget.COORDINATOR, timeout: HOOK_TIMEOUTS.afterAll },
    async () => {
      // Serial runs report from this thread: what an outage kept back goes out before the run ends.
      await scenarioRuntime.finishThread();
      await existingCoordinator()?.finish('normal');
    },
  );

  // Registered after the coordinator AfterAll: cucumber runs AfterAll hooks in reverse order when serial,
  // and in parallel runs every worker's AfterAll before the coordinator's, so the run ends after this.
  AfterAll({ name: HOOK_NAMES.afterAllWorker, timeout: HOOK_TIMEOUTS.afterAllWorker }, async () => {
    await scenarioRuntime.finishThread();
    retireLastWorld();
  });

  Before({ name: HOOK_NAMES.before, timeout: HOOK_TIMEOUTS.before }, async function (this: World, parameter) {
    worldStarting(this);
    const tags = tagNames(parameter);
    const device = needsDevice(this, tags);
    if (!(this instanceof GridFleetWorld)) {
      if (!device) return;
      throw new GridFleetError(
        'gridfleet-cucumber: the World of this run does not extend GridFleetWorld. Use ' +
          '`class MyWorld extends GridFleetWorld { ... }` with setWorldConstructor(MyWorld), or tag the scenario @no-device.',
      );
    }
    const { pickle, gherkinDocument } = parameter;
    this.scenario = {
      name: pickle.name,
      featureName: gherkinDocument.feature?.name ?? '',
      uri: pickle.uri,
      line: pickle.location?.line ?? 0,
      attempt: scenarioRuntime.nextAttempt(pickle.id),
      tags,
    };
    if (!device) return;
    const state = await scenarioRuntime.runState();
    const lane = laneForScenario(state.lanes, tags);
    if (!lane) return; // several lanes and no @platform tag: the device step chooses.
    scenarioRuntime.assertRunUsable(lane);
    await this.allocateDevice(lane.platformId, lane.osVersion ? { osVersion: lane.osVersion } : {});
  });

  BeforeStep(function (this: World) {
    (this as unknown as Record<symbol, boolean>)[STEPS_STARTED] = true;
  });

  After({ name: HOOK_NAMES.after, timeout: HOOK_TIMEOUTS.after }, async function (this: World, parameter) {
    const status = parameter.result?.status ?? 'UNKNOWN';
    const failedBeforeSteps = !(this as unknown as Record<symbol, boolean>)[STEPS_STARTED];
    const error =
      parameter.error ?? (parameter.result?.message ? new Error(parameter.result.message) : undefined);
    const verdict = sessionVerdict({ status, error, failedBeforeSteps });
    const held = this instanceof GridFleetWorld ? this.gridfleetDevice : undefined;
    if (held && this instanceof GridFleetWorld) {
      if (status !== 'PASSED') {
        try {
          const png = Buffer.from(await held.driver.takeScreenshot(), 'base64');
          const stem = `${fileSafe(this.scenario?.name ?? 'scenario')}_attempt${this.scenario?.attempt ?? 1}_${status.toLowerCase()}`;
          const file = await scenarioRuntime.saveScreenshot(this, png, stem);
          await this.attachScreenshot(png, `${stem}.png`);
          this.log(`gridfleet: failure screenshot saved to ${file}`);
        } catch (screenshotError) {
          this.log(`gridfleet: no failure screenshot (${String(screenshotError)})`);
        }
      }
      // The strategy's order: end the session first, then the status, then the device goes back.
      const config = this.gridfleetConfig;
      await held.end({
        status: verdict.status,
        cooldown: verdict.deviceFailure
          ? {
              reason: `${status}: ${String(error instanceof Error ? error.message : error)}`,
              ttlSeconds: config.cooldownSec,
            }
          : undefined,
      });
    }
    await coordinatorLink()
      .request({
        kind: 'outcome',
        outcome: {
          pickleId: parameter.pickle.id,
          failed: isFailingStatus(status),
          willBeRetried: parameter.willBeRetried ?? false,
        },
      })
      .catch(() => undefined);
    // Let go of the Browser: webdriver's per-request AbortSignal.timeout timers keep this scenario's async
    // context, and with it cucumber's { world }, alive for connectionRetryTimeout (300 s) after the fact.
    if (this instanceof GridFleetWorld) this.gridfleetDevice = undefined;
  });
  return true;
}
