import { ENV_VARS } from '../client/env';
import {
  type CatalogPackLike,
  type CatalogPlatformLike,
  catalogPacks,
  type DriverPackCatalogLike,
} from './catalog_types';
import { CapabilityResolutionError } from './errors';

/** Env var holding the default driver pack id (seed: `GRIDFLEET_TESTKIT_PACK_ID`). */
const PACK_ID_ENV = ENV_VARS.packId;
/** Env var holding the default platform id (seed: `GRIDFLEET_TESTKIT_PLATFORM_ID`). */
const PLATFORM_ID_ENV = ENV_VARS.platformId;

/** Input of {@link resolvePackPlatform}. */
export interface ResolvePackPlatformOptions {
  /** Driver pack id; falls back to `GRIDFLEET_TESTKIT_PACK_ID`. */
  packId?: string | undefined;
  /** Platform id; falls back to `GRIDFLEET_TESTKIT_PLATFORM_ID`. */
  platformId?: string | undefined;
  /** The catalog body (all packs; only `enabled` ones are considered). */
  catalog: DriverPackCatalogLike;
  /** Environment to read the fallbacks from (default `process.env`, read at call time). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A pack/platform lane resolved against the enabled catalog. */
export interface ResolvedPackPlatform {
  /** The pack that provides the platform. */
  packId: string;
  /** The platform id. */
  platformId: string;
  /** The catalog platform entry (automation name, Appium platform name, manager-owned resources). */
  platform: CatalogPlatformLike;
}

/**
 * Resolves a pack/platform selection against the enabled driver packs of the catalog, as the seed
 * testkit does: explicit values first, then `GRIDFLEET_TESTKIT_PACK_ID` / `GRIDFLEET_TESTKIT_PLATFORM_ID`;
 * a platform id alone is enough when exactly one enabled pack provides it.
 *
 * @throws CapabilityResolutionError naming the unknown/disabled pack, the missing platform, or the packs
 * that make a platform id ambiguous, with the ids that would work.
 */
export function resolvePackPlatform(options: ResolvePackPlatformOptions): ResolvedPackPlatform {
  const packs = catalogPacks(options.catalog);
  const { packId, platformId } = selectedPackPlatform(options, packs);
  const enabled = packs.filter((pack) => pack.state === 'enabled');

  if (packId) {
    const pack = packs.find((candidate) => candidate.id === packId);
    if (!pack) {
      throw new CapabilityResolutionError(
        'unknown_pack',
        `Driver pack "${packId}" is not in the GridFleet driver-pack catalog (known packs: ${listOrNone(
          packs.map((p) => p.id),
        )}). Fix packId or ${PACK_ID_ENV}.`,
      );
    }
    if (pack.state !== 'enabled') {
      throw new CapabilityResolutionError(
        'pack_not_enabled',
        `Driver pack "${packId}" is ${pack.state}, not enabled, in the GridFleet catalog; sessions can only use ` +
          `enabled packs (enabled: ${listOrNone(enabled.map((p) => p.id))}). Enable it on the manager or choose ` +
          `another packId / ${PACK_ID_ENV}.`,
      );
    }
    const platform = pack.platforms.find((candidate) => candidate.id === platformId);
    if (!platform) {
      throw new CapabilityResolutionError(
        'platform_not_in_pack',
        `Driver pack "${packId}" does not provide platform "${platformId}" (its platforms: ${listOrNone(
          pack.platforms.map((p) => p.id),
        )}${providersHint(enabled, platformId)}). Fix platformId / ${PLATFORM_ID_ENV} or packId / ${PACK_ID_ENV}.`,
      );
    }
    return { packId, platformId, platform: checkedPlatform(packId, platform) };
  }

  const matches = enabled.flatMap((pack) =>
    pack.platforms.filter((platform) => platform.id === platformId).map((platform) => ({ pack, platform })),
  );
  const [only] = matches;
  if (matches.length === 1 && only) {
    return { packId: only.pack.id, platformId, platform: checkedPlatform(only.pack.id, only.platform) };
  }
  if (matches.length > 1) {
    throw new CapabilityResolutionError(
      'ambiguous_platform',
      `Platform "${platformId}" is provided by several enabled driver packs (${matches
        .map((m) => m.pack.id)
        .join(', ')}); pass packId or set ${PACK_ID_ENV} to choose one.`,
    );
  }
  const disabledProviders = packs
    .filter((pack) => pack.state !== 'enabled' && pack.platforms.some((p) => p.id === platformId))
    .map((pack) => `${pack.id} (${pack.state})`);
  throw new CapabilityResolutionError(
    'platform_not_found',
    `No enabled driver pack provides platform "${platformId}"` +
      (disabledProviders.length
        ? `; it is only in packs that are not enabled: ${disabledProviders.join(', ')}`
        : '') +
      ` (enabled platforms: ${listOrNone(enabled.flatMap((pack) => pack.platforms.map((p) => `${pack.id}:${p.id}`)))}). ` +
      `Fix platformId or ${PLATFORM_ID_ENV}.`,
  );
}

/**
 * The pack/platform selection after the env fallbacks, before any catalog lookup: lets callers fail on a
 * missing platform id before fetching the catalog.
 *
 * @throws CapabilityResolutionError `missing_platform` when neither `platformId` nor
 * `GRIDFLEET_TESTKIT_PLATFORM_ID` is set (listing the pack's platforms when the catalog is given).
 */
export function selectedPackPlatform(
  options: Omit<ResolvePackPlatformOptions, 'catalog'>,
  packs?: ReadonlyArray<CatalogPackLike>,
): { packId: string | undefined; platformId: string } {
  const env = options.env ?? process.env;
  const packId = nonEmpty(options.packId) ?? nonEmpty(env[PACK_ID_ENV]);
  const platformId = nonEmpty(options.platformId) ?? nonEmpty(env[PLATFORM_ID_ENV]);
  if (!platformId) {
    const pack = packId ? packs?.find((p) => p.id === packId) : undefined;
    const hint = pack
      ? ` Platforms of pack "${packId}": ${listOrNone(pack.platforms.map((p) => p.id))}.`
      : '';
    throw new CapabilityResolutionError(
      'missing_platform',
      'Appium capabilities need packId + platformId, a platformId that exactly one enabled driver pack provides, ' +
        `or a raw platformName capability; no platformId was given and ${PLATFORM_ID_ENV} is unset.${hint}`,
    );
  }
  return { packId, platformId };
}

/** The catalog must name the Appium platform and automation; an empty value would silently match nothing. */
function checkedPlatform(packId: string, platform: CatalogPlatformLike): CatalogPlatformLike {
  for (const key of ['appium_platform_name', 'automation_name'] as const) {
    const value: unknown = platform[key];
    if (typeof value !== 'string' || value === '') {
      throw new CapabilityResolutionError(
        'invalid_catalog_platform',
        `Driver pack platform ${packId}:${platform.id} in the catalog is missing ${key}; the manager's pack ` +
          'definition is incomplete, so no Appium capabilities can be built for it.',
      );
    }
  }
  return platform;
}

function providersHint(enabled: ReadonlyArray<CatalogPackLike>, platformId: string): string {
  const providers = enabled
    .filter((pack) => pack.platforms.some((p) => p.id === platformId))
    .map((p) => p.id);
  return providers.length ? `; enabled packs providing "${platformId}": ${providers.join(', ')}` : '';
}

function listOrNone(values: ReadonlyArray<string> | undefined): string {
  return values && values.length > 0 ? values.join(', ') : 'none';
}

function nonEmpty(value: string | undefined | null): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
