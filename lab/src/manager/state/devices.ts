/** Device reads and writes: list filters/sorting, config, capabilities, test_data. */
import { platformCapabilitySources } from '../catalog';
import { ApiError } from '../http/errors';
import { jsonbOrder } from '../http/wire';
import type { DeviceRow } from './model';
import type { LabStore } from './store';

/** Keys the manager owns and strips from operator `appium_caps`. */
export const MANAGER_OWNED_CAPS = new Set([
  'appium:systemPort',
  'appium:chromedriverPort',
  'appium:mjpegServerPort',
  'appium:wdaLocalPort',
  'appium:derivedDataPath',
  'platformName',
  'appium:udid',
  'appium:deviceName',
  'appium:gridfleet:deviceId',
  'appium:automationName',
]);

/** Derived "chip" status used by the `status` filter and sorting. */
export function chipStatus(d: DeviceRow): string {
  if (d.operational_state === 'busy') return 'busy';
  return d.hold ?? d.operational_state;
}

/** Filters of `GET /devices` (already validated). */
export interface DeviceFilters {
  pack_id?: string | null;
  platform_id?: string | null;
  status?: string | null;
  host_id?: string | null;
  identity_value?: string | null;
  connection_target?: string | null;
  device_type?: string | null;
  connection_type?: string | null;
  os_version?: string | null;
  search?: string | null;
  hardware_health_status?: string | null;
  hardware_telemetry_state?: string | null;
  needs_attention?: boolean | null;
  tags: Record<string, string>;
  sort_by: string;
  sort_dir: 'asc' | 'desc';
}

function matchesStatus(d: DeviceRow, status: string): boolean {
  switch (status) {
    case 'available':
      return d.operational_state === 'available' && d.hold === null;
    case 'busy':
      return d.operational_state === 'busy';
    case 'offline':
      return d.operational_state === 'offline' && d.hold === null;
    default:
      return d.hold === status && d.operational_state !== 'busy';
  }
}

/** Devices matching every filter, sorted like the manager (ties: created_at, then id). */
export function listDevices(store: LabStore, f: DeviceFilters): DeviceRow[] {
  const q = f.search?.toLowerCase();
  const rows = [...store.devices.values()].filter(
    (d) =>
      (f.pack_id == null || d.pack_id === f.pack_id) &&
      (f.platform_id == null || d.platform_id === f.platform_id) &&
      (f.status == null || matchesStatus(d, f.status)) &&
      (f.host_id == null || d.host_id === f.host_id) &&
      (f.identity_value == null || d.identity_value === f.identity_value) &&
      (f.connection_target == null || d.connection_target === f.connection_target) &&
      (f.device_type == null || d.device_type === f.device_type) &&
      (f.connection_type == null || d.connection_type === f.connection_type) &&
      (f.os_version == null || d.os_version === f.os_version) &&
      (q == null ||
        d.name.toLowerCase().includes(q) ||
        d.identity_value.toLowerCase().includes(q) ||
        (d.connection_target ?? '').toLowerCase().includes(q)) &&
      (f.hardware_health_status == null || f.hardware_health_status === 'healthy') &&
      (f.hardware_telemetry_state == null || f.hardware_telemetry_state === 'fresh') &&
      (f.needs_attention == null || d.needs_attention === f.needs_attention) &&
      Object.entries(f.tags).every(([k, v]) => d.tags[k] === v),
  );
  const key = (d: DeviceRow): string | number => {
    switch (f.sort_by) {
      case 'name':
        return d.name.toLowerCase();
      case 'platform':
        return store.platformLabel(d) ?? d.platform_id;
      case 'device_type':
        return d.device_type;
      case 'connection_type':
        return d.connection_type;
      case 'os_version':
        return d.os_version;
      case 'host':
        return d.host_ip;
      case 'status':
        return chipStatus(d);
      case 'operational_state':
        return d.operational_state;
      case 'hold':
        return d.hold ?? '';
      default:
        return d.created_at;
    }
  };
  const dir = f.sort_dir === 'asc' ? 1 : -1;
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort(
    (a, b) => dir * (cmp(key(a), key(b)) || cmp(a.created_at, b.created_at) || cmp(a.id, b.id)),
  );
}

/** The device or 404 "Device not found". */
export function requireDevice(store: LabStore, id: string): DeviceRow {
  const d = store.devices.get(id);
  if (!d) throw new ApiError(404, 'Device not found');
  return d;
}

/** `GET /devices/{id}/config`, optionally only some top-level keys. */
export function deviceConfig(d: DeviceRow, keys: string[] | null): Record<string, unknown> {
  const cfg = jsonbOrder(d.device_config) as Record<string, unknown>;
  if (!keys) return cfg;
  return Object.fromEntries(Object.entries(cfg).filter(([k]) => keys.includes(k)));
}

/** Thrown for an unhandled server error: 500 INTERNAL_ERROR without an x-request-id header. */
export class InternalServerError extends Error {}

function fillTemplate(value: unknown, d: DeviceRow): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\{device\.(\w+)\}$/.exec(value);
  if (!m?.[1]) return value;
  return (d as unknown as Record<string, unknown>)[m[1]] ?? null;
}

/** `GET /devices/{id}/capabilities` (also the `capabilities` include of a claim). */
export function deviceCapabilities(store: LabStore, d: DeviceRow): Record<string, unknown> {
  const pack = store.pack(d.pack_id);
  const platform = store.platform(d.pack_id, d.platform_id);
  // The manager cannot resolve the pack platform of a disabled or draining pack and fails with a 500.
  if (!pack || !platform || pack.state === 'disabled' || pack.state === 'draining')
    throw new InternalServerError();
  const caps: Record<string, unknown> = {};
  const sources = platformCapabilitySources(platform, d.device_type);
  for (const [k, v] of Object.entries(sources.defaultCapabilities)) {
    const filled = fillTemplate(v, d);
    if (filled !== null) caps[k] = filled;
  }
  for (const field of sources.fields) {
    if (field.capability_name && field.id in d.device_config)
      caps[field.capability_name] = d.device_config[field.id];
  }
  const operator = d.device_config.appium_caps;
  if (operator && typeof operator === 'object' && !Array.isArray(operator)) {
    for (const [k, v] of Object.entries(operator)) if (!MANAGER_OWNED_CAPS.has(k)) caps[k] = v;
  }
  caps.platformName = platform.appium_platform_name;
  caps['appium:udid'] = d.connection_target ?? d.identity_value;
  caps['appium:deviceName'] = d.name;
  caps['appium:gridfleet:deviceId'] = d.id;
  caps['appium:automationName'] = platform.automation_name;
  if (d.device_type === 'simulator') caps['appium:simulatorRunning'] = true;
  return caps;
}

/** Deep merge for test_data PATCH: objects merge recursively, everything else replaces. */
export function deepMerge(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const old = out[k];
    const bothObjects =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      old !== null &&
      typeof old === 'object' &&
      !Array.isArray(old);
    out[k] = bothObjects
      ? deepMerge(old as Record<string, unknown>, v as Record<string, unknown>)
      : structuredClone(v);
  }
  return out;
}

/** Replaces (PUT) or merges (PATCH) a device's test_data and records the audit row. */
export function writeTestData(
  store: LabStore,
  d: DeviceRow,
  body: Record<string, unknown>,
  merge: boolean,
  changedBy: string | null,
): unknown {
  const now = store.clock.now();
  const previous = d.test_data;
  const next = merge ? deepMerge(previous, body) : structuredClone(body);
  d.test_data = next;
  d.test_data_history.unshift({
    id: store.newId(),
    previous_test_data: structuredClone(previous),
    new_test_data: structuredClone(next),
    changed_by: changedBy,
    changed_at: now,
  });
  return jsonbOrder(next);
}
