/** Filters of `GET /devices` (camelCase; sent as the manager's snake_case query parameters). */
export interface DeviceFilters {
  /** Exact pack id. */
  readonly packId?: string;
  /** Exact platform id. */
  readonly platformId?: string;
  /** Chip status (claim era: `reserved` too; router era: operational state only, `verifying` too). */
  readonly status?: 'available' | 'busy' | 'offline' | 'maintenance' | 'reserved' | 'verifying';
  /** Router era: whether the device has an active reservation (`status=reserved` is a 422 there). */
  readonly reserved?: boolean;
  /** Router era (backend ≥ 0.6): device group keys that must all match (one `group=` each). */
  readonly groups?: readonly string[];
  /** Host uuid. */
  readonly hostId?: string;
  /** Exact identity value. */
  readonly identityValue?: string;
  /** Exact saved connection target. */
  readonly connectionTarget?: string;
  /** Device type. */
  readonly deviceType?: 'real_device' | 'emulator' | 'simulator';
  /** Connection type. */
  readonly connectionType?: 'usb' | 'network' | 'virtual';
  /** Exact OS version string. */
  readonly osVersion?: string;
  /** Case-insensitive substring of name, identity value or connection target. */
  readonly search?: string;
  /** Hardware health status. */
  readonly hardwareHealthStatus?: 'unknown' | 'healthy' | 'warning' | 'critical';
  /** Hardware telemetry state. */
  readonly hardwareTelemetryState?: 'unknown' | 'fresh' | 'stale' | 'unsupported';
  /** Needs-attention flag (sent as `true`/`false`). */
  readonly needsAttention?: boolean;
  /** Claim era: tags that must all match exactly (sent as `tags.KEY=VALUE`; ignored by router-era managers). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Sort column. */
  readonly sortBy?:
    | 'name'
    | 'platform'
    | 'device_type'
    | 'connection_type'
    | 'os_version'
    | 'host'
    | 'status'
    | 'operational_state'
    | 'hold'
    | 'created_at';
  /** Sort direction. */
  readonly sortDir?: 'asc' | 'desc';
  /** Page size 1..500 (switches the manager to the paged shape; the client unwraps it). */
  readonly limit?: number;
  /** Page offset (only with `limit`). */
  readonly offset?: number;
}

const WIRE_NAMES: Record<Exclude<keyof DeviceFilters, 'tags' | 'groups'>, string> = {
  packId: 'pack_id',
  platformId: 'platform_id',
  status: 'status',
  reserved: 'reserved',
  hostId: 'host_id',
  identityValue: 'identity_value',
  connectionTarget: 'connection_target',
  deviceType: 'device_type',
  connectionType: 'connection_type',
  osVersion: 'os_version',
  search: 'search',
  hardwareHealthStatus: 'hardware_health_status',
  hardwareTelemetryState: 'hardware_telemetry_state',
  needsAttention: 'needs_attention',
  sortBy: 'sort_by',
  sortDir: 'sort_dir',
  limit: 'limit',
  offset: 'offset',
};

/** Builds the query string of `GET /devices`; unknown filter names are a TypeError naming the valid ones. */
export function deviceFiltersToQuery(filters: DeviceFilters = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null) continue;
    if (key === 'tags') {
      if (typeof value !== 'object')
        throw new TypeError('listDevices: tags must be an object such as { team: "qa" }');
      for (const [tag, tagValue] of Object.entries(value as Record<string, unknown>)) {
        if (tag === '') continue;
        query.set(`tags.${tag}`, String(tagValue));
      }
      continue;
    }
    if (key === 'groups') {
      if (!Array.isArray(value) || value.some((group) => typeof group !== 'string' || group === '')) {
        throw new TypeError('listDevices: groups must be an array of group keys such as ["lab-a"]');
      }
      for (const group of value as string[]) query.append('group', group);
      continue;
    }
    const wire = WIRE_NAMES[key as keyof typeof WIRE_NAMES];
    if (!wire) {
      throw new TypeError(
        `listDevices: unknown filter '${key}'. Valid filters: ${[...Object.keys(WIRE_NAMES), 'tags', 'groups'].join(', ')}.`,
      );
    }
    query.set(wire, typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value));
  }
  return query;
}
