/**
 * The slice of the driver-pack catalog (`GET /api/driver-packs/catalog`, docs/manager-api.md §C5) the Appium helpers read.
 *
 * Deliberately structural and minimal: the client's zod-inferred catalog type (which carries every field
 * of docs/manager-api.md §C5) is assignable to it, and tests can pass the real recorded catalog body unchanged.
 */

/** One platform of a driver pack, as far as capability building needs it. */
export interface CatalogPlatformLike {
  /** Platform id used in runs and as `appium:platform` (e.g. `firetv_real`). */
  id: string;
  /** Display name (becomes `platform_label` elsewhere). */
  display_name?: string | null;
  /** Appium `appium:automationName` (e.g. `UiAutomator2`). */
  automation_name: string;
  /** Appium `platformName` (e.g. `Android`). */
  appium_platform_name: string;
  /** Manager-allocated resources; their capability names must never be sent by a client. */
  parallel_resources?: {
    ports?: ReadonlyArray<{ capability_name: string; start?: number }>;
    derived_data_path?: boolean;
  } | null;
}

/** One driver pack of the catalog. */
export interface CatalogPackLike {
  /** Pack id (e.g. `appium-uiautomator2`). */
  id: string;
  /** `draft`, `enabled`, `draining` or `disabled`; only `enabled` packs are usable (docs/manager-api.md §C5). */
  state: string;
  /** Platforms of the pack's current release. */
  platforms: ReadonlyArray<CatalogPlatformLike>;
}

/** The catalog body `{ packs: [...] }` (a bare pack array is accepted too, as the seed does). */
export type DriverPackCatalogLike =
  | { packs: ReadonlyArray<CatalogPackLike> }
  | ReadonlyArray<CatalogPackLike>;

/** Returns the pack list of a catalog body in either accepted shape. */
export function catalogPacks(catalog: DriverPackCatalogLike): ReadonlyArray<CatalogPackLike> {
  const packs = Array.isArray(catalog) ? catalog : (catalog as { packs?: unknown }).packs;
  if (!Array.isArray(packs)) {
    throw new TypeError(
      'Driver pack catalog must be the body of GET /api/driver-packs/catalog ({ packs: [...] }) or a pack array; ' +
        `got ${describeValue(catalog)}.`,
    );
  }
  return packs as ReadonlyArray<CatalogPackLike>;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys [${Object.keys(value as object).join(', ')}]`;
  return typeof value;
}
