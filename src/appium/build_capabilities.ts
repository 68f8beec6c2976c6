import type { AppiumCapabilities } from './capabilities_types';
import type { CatalogPlatformLike, DriverPackCatalogLike } from './catalog_types';
import { CapabilityResolutionError } from './errors';
import { resolvePackPlatform } from './pack_platform_resolver';

/**
 * Capabilities the manager allocates per node (docs/manager-api.md §C9.2, seed README "Direct Appium Usage"). A client that
 * sends them collides with the node's own allocation, so lane requests refuse them.
 */
export const MANAGER_OWNED_CAPABILITIES: readonly string[] = [
  'appium:systemPort',
  'appium:chromedriverPort',
  'appium:mjpegServerPort',
  'appium:wdaLocalPort',
  'appium:derivedDataPath',
];

/** Input of {@link buildAppiumCapabilities}. */
export interface BuildAppiumCapabilitiesOptions {
  /** Driver pack id (falls back to `GRIDFLEET_TESTKIT_PACK_ID`). */
  packId?: string | undefined;
  /** Platform id (falls back to `GRIDFLEET_TESTKIT_PLATFORM_ID`). */
  platformId?: string | undefined;
  /**
   * Extra capabilities, sent as given (they override the injected lane keys, as in the seed). A
   * `platformName` here selects raw mode: no catalog lookup, and packId/platformId must not be passed.
   */
  capabilities?: WebdriverIO.Capabilities | Readonly<Record<string, unknown>> | undefined;
  /** Sent as `gridfleet:testName` (the manager records it as the session's test name). */
  testName?: string | undefined;
  /** Catalog body (`client.getDriverPackCatalog()`); required unless raw mode. */
  catalog?: DriverPackCatalogLike | undefined;
  /** Environment for the pack/platform fallbacks (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Capabilities plus the lane they were built for. */
export interface BuiltAppiumRequest {
  /** The capabilities to send in the new-session request. */
  capabilities: AppiumCapabilities;
  /** `lane`: resolved from the catalog; `raw`: the caller's own `platformName`. */
  mode: 'lane' | 'raw';
  /** Resolved pack id (lane mode only). */
  packId: string | undefined;
  /** Resolved platform id (lane mode), or the caller's `appium:platform` hint in raw mode. */
  platformId: string | undefined;
}

/**
 * Builds Appium capabilities for a GridFleet lane: resolves pack/platform against the enabled catalog and
 * injects `platformName`, `appium:automationName`, `appium:platform` and `gridfleet:testName`. With a raw
 * `platformName` capability the catalog is skipped. Manager-owned ports/paths are never injected.
 *
 * @throws CapabilityResolutionError for an unknown/disabled pack, a platform not in the pack, an ambiguous
 * or unknown platform, lane + raw `platformName` together, a missing catalog, or a manager-owned key.
 */
export function buildAppiumCapabilities(options: BuildAppiumCapabilitiesOptions): AppiumCapabilities {
  return buildAppiumRequest(options).capabilities;
}

/** Like {@link buildAppiumCapabilities}, also returning the resolved pack/platform (for error reports). */
export function buildAppiumRequest(options: BuildAppiumCapabilitiesOptions): BuiltAppiumRequest {
  const extra = checkedCapabilities(options.capabilities);
  const testName = checkedTestName(options.testName);
  const rawPlatformName = extra.platformName;

  if (rawPlatformName !== undefined && rawPlatformName !== null) {
    if (options.packId !== undefined || options.platformId !== undefined) {
      throw new CapabilityResolutionError(
        'conflicting_platform_selection',
        'Use either packId/platformId or the raw platformName capability, not both (got ' +
          [
            options.packId !== undefined ? `packId "${options.packId}"` : undefined,
            options.platformId !== undefined ? `platformId "${options.platformId}"` : undefined,
            `platformName ${JSON.stringify(rawPlatformName)}`,
          ]
            .filter(Boolean)
            .join(', ') +
          '). Drop platformName to let the catalog choose it, or drop packId/platformId for raw Appium control.',
      );
    }
    const capabilities: AppiumCapabilities = { ...extra };
    if (testName !== undefined) capabilities['gridfleet:testName'] = testName;
    const hint = extra['appium:platform'];
    return {
      capabilities,
      mode: 'raw',
      packId: undefined,
      platformId: typeof hint === 'string' && hint ? hint : undefined,
    };
  }

  if (options.catalog === undefined) {
    throw new CapabilityResolutionError(
      'missing_catalog',
      'Resolving a pack/platform lane needs the driver-pack catalog: pass catalog (e.g. await ' +
        'client.getDriverPackCatalog()), or pass a raw platformName capability instead.',
    );
  }
  const resolved = resolvePackPlatform({
    packId: options.packId,
    platformId: options.platformId,
    catalog: options.catalog,
    ...(options.env ? { env: options.env } : {}),
  });
  rejectManagerOwned(extra, resolved.platform, `${resolved.packId}:${resolved.platformId}`);

  const capabilities: AppiumCapabilities = {
    platformName: resolved.platform.appium_platform_name,
    'appium:automationName': resolved.platform.automation_name,
    'appium:platform': resolved.platformId,
    ...extra,
  };
  if (testName !== undefined) capabilities['gridfleet:testName'] = testName;
  return { capabilities, mode: 'lane', packId: resolved.packId, platformId: resolved.platformId };
}

function rejectManagerOwned(
  extra: Record<string, unknown>,
  platform: CatalogPlatformLike,
  lane: string,
): void {
  const owned = new Set(MANAGER_OWNED_CAPABILITIES);
  for (const port of platform.parallel_resources?.ports ?? []) owned.add(port.capability_name);
  const offending = Object.keys(extra).filter((key) => owned.has(key));
  if (offending.length > 0) {
    throw new CapabilityResolutionError(
      'manager_owned_capability',
      `Capabilities ${offending.join(', ')} are allocated by the GridFleet manager for each node of ${lane}; ` +
        'sending them collides with that allocation. Remove them (use a raw platformName capability only for ' +
        'Appium servers the manager does not manage).',
    );
  }
}

function checkedCapabilities(value: BuildAppiumCapabilitiesOptions['capabilities']): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(
      `capabilities must be a plain object of capability names to values (e.g. { 'appium:udid': '...' }); got ${
        Array.isArray(value) ? 'an array' : typeof value
      }.`,
    );
  }
  return { ...(value as Record<string, unknown>) };
}

function checkedTestName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(
      `testName must be a non-empty string (sent as gridfleet:testName); got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
