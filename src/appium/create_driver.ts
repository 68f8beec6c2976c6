import { GridFleetClient } from '../client/client';
import { DEFAULT_GRID_URL, ENV_VARS } from '../client/env';
import { errorText } from '../client/error_text';
import { buildAppiumRequest } from './build_capabilities';
import type { AppiumCapabilities } from './capabilities_types';
import type { DriverPackCatalogLike } from './catalog_types';
import { AppiumDriverCreationError, CapabilityResolutionError } from './errors';
import { parseGridUrl } from './grid_url';
import { selectedPackPlatform } from './pack_platform_resolver';

/**
 * Default timeout of one WebDriver request (ms). Real devices can take minutes to start a session
 * (UiAutomator2/WDA install, a busy slot waiting in the Grid queue), far above webdriverio's 2 minutes.
 */
const DEFAULT_CONNECTION_RETRY_TIMEOUT_MS = 300_000;

/**
 * Default retry count of a failed WebDriver request. webdriverio retries 3 times by default, which for a
 * timed-out new-session request can queue a second session on the device; fail once, clearly, instead.
 */
const DEFAULT_CONNECTION_RETRY_COUNT = 0;

/** webdriverio log levels. */
export type WebdriverLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Options of {@link createAppiumDriver}. */
export interface CreateAppiumDriverOptions {
  /** Selenium Grid URL in any form (`http://host:4444`, `.../wd/hub`, `https://...`, `host:4444`); default `GRID_URL`. */
  gridUrl?: string | undefined;
  /** Driver pack id (falls back to `GRIDFLEET_TESTKIT_PACK_ID`). */
  packId?: string | undefined;
  /** Platform id (falls back to `GRIDFLEET_TESTKIT_PLATFORM_ID`). */
  platformId?: string | undefined;
  /** Extra capabilities; a `platformName` here selects raw mode (no catalog). */
  capabilities?: WebdriverIO.Capabilities | Readonly<Record<string, unknown>> | undefined;
  /** Sent as `gridfleet:testName`. */
  testName?: string | undefined;
  /** Catalog body; when absent in lane mode it is fetched with `client`. */
  catalog?: DriverPackCatalogLike | undefined;
  /** Client used to fetch the catalog when `catalog` is not given (default: a `GridFleetClient` from env). */
  client?: { getDriverPackCatalog(): Promise<DriverPackCatalogLike> } | undefined;
  /**
   * Pins the session to a claimed device through keys its node stereotype carries uniquely:
   * `appium:udid` = connection target, `appium:gridfleet:deviceId` = device id.
   */
  pinTo?: { connectionTarget?: string | null | undefined; deviceId?: string | null | undefined } | undefined;
  /** Timeout of one WebDriver request in ms (default `DEFAULT_CONNECTION_RETRY_TIMEOUT_MS`). */
  connectionRetryTimeout?: number | undefined;
  /** Retries of a failed WebDriver request (default `DEFAULT_CONNECTION_RETRY_COUNT`). */
  connectionRetryCount?: number | undefined;
  /** webdriverio log level (default `warn`, so test output stays readable). */
  logLevel?: WebdriverLogLevel | undefined;
  /** Environment for `GRID_URL` and the pack/platform fallbacks (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

type WebdriverioModule = typeof import('webdriverio', { with: { 'resolution-mode': 'import' }});
let webdriverio: Promise<WebdriverioModule> | undefined;

/**
 * Loads webdriverio once per thread and returns it. webdriverio is ESM-only for TypeScript, so a dynamic
 * import keeps this CommonJS module loadable; starting it early (e.g. while a scenario waits for a free
 * device) keeps the ~0.3 s load out of the time a device sits idle between two sessions.
 */
export function loadWebdriverio(): Promise<WebdriverioModule> {
  webdriverio ??= import('webdriverio');
  return webdriverio;
}

/**
 * Creates a webdriverio session through the Selenium Grid for a GridFleet lane (seed
 * `create_appium_driver`): builds the capabilities like `buildAppiumCapabilities`, optionally pins
 * them to a claimed device, and connects with timeouts suited to real devices.
 *
 * @throws CapabilityResolutionError before any session request when the lane cannot be resolved or the pin
 * contradicts the given capabilities.
 * @throws AppiumDriverCreationError when the Grid refuses or fails the session; it keeps the original
 * error as `cause`, and says which Grid URL (without credentials) and capabilities were attempted.
 */
export async function createAppiumDriver(
  options: CreateAppiumDriverOptions = {},
): Promise<WebdriverIO.Browser> {
  const env = options.env ?? process.env;
  const connection = parseGridUrl(options.gridUrl ?? nonEmpty(env[ENV_VARS.gridUrl]) ?? DEFAULT_GRID_URL);
  const isRaw =
    options.capabilities?.platformName !== undefined && options.capabilities?.platformName !== null;
  let catalog = options.catalog;
  if (!isRaw && catalog === undefined) {
    // Fail on a missing platform before asking the manager, whose unreachability would hide it.
    selectedPackPlatform({ packId: options.packId, platformId: options.platformId, env });
    // As the seed: without a catalog, ask the manager at GRIDFLEET_API_URL.
    catalog = await (options.client ?? new GridFleetClient()).getDriverPackCatalog();
  }
  const request = buildAppiumRequest({
    packId: options.packId,
    platformId: options.platformId,
    capabilities: options.capabilities,
    testName: options.testName,
    catalog,
    env,
  });
  const capabilities = pinCapabilities(request.capabilities, options.pinTo);

  const { remote } = await loadWebdriverio();
  try {
    return await remote({
      protocol: connection.protocol,
      hostname: connection.hostname,
      port: connection.port,
      path: connection.path,
      ...(connection.queryParams ? { queryParams: connection.queryParams } : {}),
      ...(connection.headers ? { headers: connection.headers } : {}),
      capabilities,
      logLevel: options.logLevel ?? 'warn',
      connectionRetryTimeout: options.connectionRetryTimeout ?? DEFAULT_CONNECTION_RETRY_TIMEOUT_MS,
      connectionRetryCount: options.connectionRetryCount ?? DEFAULT_CONNECTION_RETRY_COUNT,
    });
  } catch (error) {
    throw new AppiumDriverCreationError({
      cause: error,
      gridUrl: connection.displayUrl,
      capabilities,
      packId: request.packId,
      platformId: request.platformId,
      hint: failureHint(error, capabilities),
    });
  }
}

/** Explains the Grid's "no nodes" refusal in GridFleet terms; undefined when there is nothing to add. */
function failureHint(error: unknown, capabilities: AppiumCapabilities): string | undefined {
  const message = errorText(error);
  if (!/No nodes support the capabilities/i.test(message)) return undefined;
  const udid = capabilities['appium:udid'];
  return typeof udid === 'string'
    ? `No Grid slot advertises appium:udid "${udid}" with these capabilities: the device has no running node, ` +
        'or a lane key (platformName, appium:platform, appium:automationName, ...) differs from its stereotype.'
    : 'No Grid slot matches these capabilities: check that a device of this lane has a running node.';
}

/**
 * Adds the pin keys to `capabilities`. A pin that contradicts a capability the caller set explicitly is
 * an error rather than a silent override: the session would land on a different device than claimed.
 */
export function pinCapabilities(
  capabilities: AppiumCapabilities,
  pinTo: CreateAppiumDriverOptions['pinTo'],
): AppiumCapabilities {
  if (!pinTo) return capabilities;
  const pins: Array<[string, string]> = [];
  if (pinTo.connectionTarget) pins.push(['appium:udid', pinTo.connectionTarget]);
  if (pinTo.deviceId) pins.push(['appium:gridfleet:deviceId', pinTo.deviceId]);
  if (pins.length === 0) {
    throw new CapabilityResolutionError(
      'invalid_pin',
      'pinTo needs a connectionTarget or a deviceId of the claimed device (both were empty).',
    );
  }
  const pinned: AppiumCapabilities = { ...capabilities };
  for (const [key, value] of pins) {
    const existing = pinned[key];
    if (existing !== undefined && existing !== value) {
      throw new CapabilityResolutionError(
        'invalid_pin',
        `capabilities set ${key}=${JSON.stringify(existing)} but pinTo asks for ${JSON.stringify(value)}; ` +
          `remove ${key} from capabilities (pinTo sets it to the claimed device).`,
      );
    }
    pinned[key] = value;
  }
  return pinned;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}
