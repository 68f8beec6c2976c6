import {
  type AllocatedDevice,
  type AllocatedDeviceFields,
  makeAllocatedDevice,
  type UnavailableInclude,
} from './allocated_device';
import { catalogPacks, type DriverPackCatalogLike } from './catalog_types';
import { AllocatedDeviceError } from './errors';

/** Claim fields that, when missing, are read from the device row. */
const ROW_FIELDS = ['name', 'device_type', 'connection_type', 'manufacturer', 'model'] as const;

/** A claim response body (`POST /api/runs/{id}/claim`, docs/manager-api.md §C7.1); the client's parsed type fits it. */
export type ClaimResponseLike = {
  readonly [K in
    | 'device_id'
    | 'identity_value'
    | 'name'
    | 'connection_target'
    | 'pack_id'
    | 'platform_id'
    | 'platform_label'
    | 'os_version'
    | 'host_ip'
    | 'device_type'
    | 'connection_type'
    | 'manufacturer'
    | 'model'
    | 'claimed_by'
    | 'claimed_at'
    | 'config'
    | 'live_capabilities'
    | 'test_data'
    | 'unavailable_includes']?: unknown;
};

type ClaimKey = keyof ClaimResponseLike;

/** The device-row fields hydration may read (`GET /api/devices/{id}`, docs/manager-api.md §C4.1). */
export interface DeviceRowLike {
  /** Device name. */
  name?: string | null;
  /** Device type. */
  device_type?: string | null;
  /** Connection type. */
  connection_type?: string | null;
  /** Manufacturer. */
  manufacturer?: string | null;
  /** Model. */
  model?: string | null;
  /** Device IP, used as host IP fallback (seed behaviour). */
  ip_address?: string | null;
  /** The device config, verbatim: the same object `GET /devices/{id}/config` answers. */
  device_config?: Record<string, unknown> | null;
}

/** The client calls hydration may make; `GridFleetClient` provides them. */
export interface HydrationClient {
  /** `GET /api/devices/{id}`. */
  getDevice(deviceId: string): Promise<DeviceRowLike>;
  /** `GET /api/devices/{id}/config`. */
  getDeviceConfigById(deviceId: string): Promise<Record<string, unknown>>;
  /** `GET /api/devices/{id}/capabilities`. */
  getDeviceCapabilities(deviceId: string): Promise<Record<string, unknown>>;
  /** `GET /api/devices/{id}/test_data`. */
  getDeviceTestData(deviceId: string): Promise<Record<string, unknown>>;
}

/** Options of {@link hydrateAllocatedDevice}. */
export interface HydrateOptions {
  /** The run the claim was made in. */
  runId: string;
  /** Client for follow-up requests (only made for what the claim neither inlined nor marked unavailable). */
  client: HydrationClient;
  /** Fetch the device config when not inlined (default true, as the seed). */
  fetchConfig?: boolean;
  /** Fetch the manager's Appium capabilities when not inlined (default false). */
  fetchCapabilities?: boolean;
  /** Fetch test data when not inlined (default false). */
  fetchTestData?: boolean;
  /** Catalog used to derive `platformName` (no request is made for it). */
  catalog?: DriverPackCatalogLike | undefined;
}

/**
 * Turns a claim response into an {@link AllocatedDevice}, making follow-up requests only for what the
 * claim neither inlined (`?include=`) nor listed in `unavailable_includes`:
 * - the device row (`GET /devices/{id}`) only when `name`, `device_type`, `connection_type`, `manufacturer`
 *   or `model` is missing, as the testkit does (its
 *   `device_config` then also serves as the config: it is the verbatim config);
 * - the config (`GET /devices/{id}/config`) by device id when `fetchConfig` (default) and not inlined;
 *   the seed resolved the connection target first, which costs one or two more requests;
 * - capabilities only with `fetchCapabilities`, test data only with `fetchTestData`.
 *
 * @throws AllocatedDeviceError for a reserve entry (no `claimed_by`/`claimed_at`) or a payload missing
 * required fields, before any request is made.
 */
export async function hydrateAllocatedDevice(
  claim: ClaimResponseLike,
  options: HydrateOptions,
): Promise<AllocatedDevice> {
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    throw new TypeError(
      `hydrateAllocatedDevice expects a claim response object (from client.claimDevice); got ${
        Array.isArray(claim)
          ? 'an array (hydrate each claim response, not the reserve devices[] list)'
          : typeof claim
      }.`,
    );
  }
  if (typeof options?.runId !== 'string' || options.runId === '') {
    throw new TypeError(
      'hydrateAllocatedDevice needs options.runId: the id of the run the device was claimed from.',
    );
  }
  const missingClaim = ['claimed_by', 'claimed_at'].filter((key) => !text(claim[key as ClaimKey]));
  if (missingClaim.length > 0) {
    throw new AllocatedDeviceError(
      `hydrateAllocatedDevice accepts claim responses only: this payload has no ${missingClaim.join('/')}, so it ` +
        'looks like a reserve entry (reserve devices[] / run reserved_devices[]). Claim a device per worker with ' +
        'client.claimDevice(runId, { workerId }) and hydrate that response.',
      missingClaim,
    );
  }
  const missing = ['device_id', 'identity_value', 'pack_id', 'platform_id'].filter(
    (key) => !text(claim[key as ClaimKey]),
  );
  if (missing.length > 0) {
    throw new AllocatedDeviceError(
      `Claim response is missing ${missing.join(', ')}; it cannot be hydrated.`,
      missing,
    );
  }

  const deviceId = text(claim.device_id) as string;
  const unavailableIncludes = parseUnavailable(claim.unavailable_includes);
  const unavailable = new Set(unavailableIncludes.map((entry) => entry.include));
  const inlineConfig = record(claim.config);
  const fetchConfig =
    (options.fetchConfig ?? true) && inlineConfig === undefined && !unavailable.has('config');
  // These claim fields are nullable (docs/manager-api.md §C7.1); like the testkit, one device-row read fills them.
  const needsRow = ROW_FIELDS.some((key) => !text(claim[key]));

  const [row, fetchedConfig, fetchedCapabilities, fetchedTestData] = await Promise.all([
    needsRow ? options.client.getDevice(deviceId) : undefined,
    fetchConfig && !needsRow ? options.client.getDeviceConfigById(deviceId) : undefined,
    record(claim.live_capabilities) === undefined &&
    options.fetchCapabilities &&
    !unavailable.has('capabilities')
      ? options.client.getDeviceCapabilities(deviceId)
      : undefined,
    record(claim.test_data) === undefined && options.fetchTestData && !unavailable.has('test_data')
      ? options.client.getDeviceTestData(deviceId)
      : undefined,
  ]);

  const pick = (key: 'name' | 'device_type' | 'connection_type' | 'manufacturer' | 'model'): string | null =>
    text(claim[key]) ?? text(row?.[key]) ?? null;
  const deviceType = pick('device_type');
  const connectionType = pick('connection_type');
  const stillMissing = [deviceType ? '' : 'device_type', connectionType ? '' : 'connection_type'].filter(
    Boolean,
  );
  if (!deviceType || !connectionType) {
    throw new AllocatedDeviceError(
      `Device ${deviceId} has no ${stillMissing.join(' or ')} in the claim response nor in its device row.`,
      stillMissing,
    );
  }

  const liveCapabilities = record(claim.live_capabilities) ?? fetchedCapabilities ?? null;
  const fields: AllocatedDeviceFields = {
    runId: options.runId,
    deviceId,
    identityValue: text(claim.identity_value) as string,
    name: pick('name') ?? deviceId,
    connectionTarget: text(claim.connection_target) ?? null,
    packId: text(claim.pack_id) as string,
    platformId: text(claim.platform_id) as string,
    platformLabel: text(claim.platform_label) ?? null,
    osVersion: text(claim.os_version) ?? null,
    hostIp: text(claim.host_ip) ?? text(row?.ip_address) ?? null,
    deviceType,
    connectionType,
    manufacturer: pick('manufacturer'),
    model: pick('model'),
    claimedBy: text(claim.claimed_by) as string,
    claimedAt: text(claim.claimed_at) as string,
    config: inlineConfig ?? (fetchConfig ? (fetchedConfig ?? record(row?.device_config) ?? {}) : null),
    liveCapabilities,
    testData: record(claim.test_data) ?? fetchedTestData ?? null,
    unavailableIncludes,
    platformName: null,
  };
  return makeAllocatedDevice({
    ...fields,
    platformName:
      catalogPlatformName(options.catalog, fields.packId, fields.platformId) ??
      livePlatformName(liveCapabilities),
  });
}

/** A webdriverio session as far as {@link hydrateAllocatedDeviceFromDriver} reads it. */
export interface DriverWithCapabilities {
  /** Capabilities the Grid returned for the session. */
  readonly capabilities?: unknown;
}

/**
 * Returns a new {@link AllocatedDevice} whose `liveCapabilities` are the running session's capabilities
 * (falling back to `client.getDeviceCapabilities` when the driver exposes none). `platformName` is filled
 * from the session when the catalog did not provide it.
 */
export async function hydrateAllocatedDeviceFromDriver(
  allocated: AllocatedDevice,
  driver: DriverWithCapabilities,
  options: { client?: Pick<HydrationClient, 'getDeviceCapabilities'> } = {},
): Promise<AllocatedDevice> {
  let liveCapabilities = record(driver?.capabilities);
  if (liveCapabilities === undefined) {
    if (!options.client) {
      throw new TypeError(
        'The driver exposes no capabilities object and no client was given to fetch them; pass { client }.',
      );
    }
    liveCapabilities = await options.client.getDeviceCapabilities(allocated.deviceId);
  }
  const { udid: _udid, deviceIp: _ip, isRealDevice: _real, isSimulator: _sim, ...fields } = allocated;
  return makeAllocatedDevice({
    ...fields,
    liveCapabilities: { ...liveCapabilities },
    platformName: allocated.platformName ?? livePlatformName(liveCapabilities),
  });
}

function catalogPlatformName(
  catalog: DriverPackCatalogLike | undefined,
  packId: string,
  platformId: string,
): string | undefined {
  if (catalog === undefined) return undefined;
  const pack = catalogPacks(catalog).find((candidate) => candidate.id === packId);
  return text(pack?.platforms.find((platform) => platform.id === platformId)?.appium_platform_name);
}

function livePlatformName(capabilities: Record<string, unknown> | null | undefined): string | null {
  return text(capabilities?.platformName) ?? null;
}

function parseUnavailable(raw: unknown): UnavailableInclude[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown) => {
    const item = record(entry);
    const include = text(item?.include);
    const reason = text(item?.reason);
    return include && reason ? [{ include, reason }] : [];
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
