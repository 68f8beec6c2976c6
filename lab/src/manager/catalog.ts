/** The driver-pack catalog the lab serves, built from the lab file over the real packs' metadata. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LabPack, LabPlatform } from './lab_file';

/** Path of the recorded catalog metadata used as defaults for known pack/platform ids. */
export const CATALOG_DEFAULTS_PATH: string = resolve(
  __dirname,
  '..',
  '..',
  'assets',
  'labs',
  'catalog_defaults.json',
);

interface CatalogDefaults {
  packs: Record<string, Record<string, unknown>>;
  platforms: Record<string, Record<string, unknown>>;
}

let cached: CatalogDefaults | undefined;
function defaults(): CatalogDefaults {
  cached ??= JSON.parse(readFileSync(CATALOG_DEFAULTS_PATH, 'utf8')) as CatalogDefaults;
  return cached;
}

const GENERIC_PACK = {
  appium_server: null,
  appium_driver: null,
  workarounds: [],
  doctor: [],
  insecure_features: [],
  features: {},
  runtime_policy: { strategy: 'recommended', appium_server_version: null, appium_driver_version: null },
};

const GENERIC_PLATFORM = {
  lifecycle_actions: [{ id: 'state' }],
  health_checks: [{ id: 'ping', label: 'IP Reachable', applies_when: null }],
  device_fields_schema: [],
  display_metadata: { icon_kind: 'mobile' },
  default_capabilities: {},
  parallel_resources: { ports: [], derived_data_path: false },
  device_type_overrides: {},
};

/** Catalog Platform object (field order as the manager sends it). */
export function catalogPlatform(platform: LabPlatform): Record<string, unknown> {
  const base = { ...GENERIC_PLATFORM, ...(defaults().platforms[platform.id] ?? {}), ...platform.catalog };
  const known = defaults().platforms[platform.id]?.capabilities as { session_required?: unknown } | undefined;
  const firstType = platform.device_types[0] ?? 'real_device';
  return {
    id: platform.id,
    display_name: platform.display_name,
    automation_name: platform.automation_name,
    appium_platform_name: platform.appium_platform_name,
    device_types: platform.device_types,
    connection_types: platform.connection_types,
    grid_slots: platform.grid_slots,
    identity_scheme: platform.identity_scheme,
    identity_scope: platform.identity_scope,
    lifecycle_actions: base.lifecycle_actions,
    health_checks: base.health_checks,
    device_fields_schema: base.device_fields_schema,
    capabilities: (platform.catalog.capabilities as unknown) ?? {
      stereotype: {
        'appium:platformName': platform.appium_platform_name,
        'appium:automationName': platform.automation_name,
      },
      session_required: known?.session_required ?? [],
    },
    display_metadata: base.display_metadata,
    default_capabilities: base.default_capabilities,
    connection_behavior: (base as Record<string, unknown>).connection_behavior ?? {
      default_device_type: firstType,
      requires_ip_address: false,
      host_resolution_action: null,
      default_connection_type: platform.connection_types[0] ?? 'usb',
      requires_connection_target: true,
      allow_transport_identity_until_host_resolution: false,
    },
    parallel_resources: base.parallel_resources,
    device_type_overrides: base.device_type_overrides,
  };
}

/** Usage counters the catalog reports for a pack. */
export interface PackUsage {
  active_runs: number;
  live_sessions: number;
}

/** Catalog Pack object (field order as the manager sends it). */
export function catalogPack(pack: LabPack, usage: PackUsage): Record<string, unknown> {
  const base = { ...GENERIC_PACK, ...(defaults().packs[pack.id] ?? {}), ...pack.catalog } as Record<
    string,
    unknown
  >;
  const draining = pack.state === 'draining';
  return {
    id: pack.id,
    display_name: pack.display_name,
    maintainer: pack.maintainer,
    license: pack.license,
    state: pack.state,
    current_release: pack.current_release,
    platforms: pack.platforms.map(catalogPlatform),
    appium_server: base.appium_server,
    appium_driver: base.appium_driver,
    workarounds: base.workarounds,
    doctor: base.doctor,
    insecure_features: base.insecure_features,
    features: base.features,
    runtime_policy: base.runtime_policy,
    active_runs: draining ? usage.active_runs : 0,
    live_sessions: draining ? usage.live_sessions : 0,
    derived_from: base.derived_from ?? null,
    runtime_summary: base.runtime_summary ?? {
      installed_hosts: 0,
      blocked_hosts: 0,
      actual_appium_server_versions: [],
      actual_appium_driver_versions: [],
      driver_drift_hosts: 0,
    },
  };
}

/** Identity scheme/scope of a device, honouring the platform's per-device-type override. */
export function deviceIdentity(platform: LabPlatform, deviceType: string): { scheme: string; scope: string } {
  const overrides = (platform.catalog.device_type_overrides ??
    defaults().platforms[platform.id]?.device_type_overrides ??
    {}) as Record<string, { identity?: { scheme?: string; scope?: string } | null } | undefined>;
  const identity = overrides[deviceType]?.identity;
  return {
    scheme: identity?.scheme ?? platform.identity_scheme,
    scope: identity?.scope ?? platform.identity_scope,
  };
}

/**
 * Default capabilities and config-field capabilities of a platform for one device type
 * (for `/capabilities`), honouring the platform's `device_type_overrides`.
 */
export function platformCapabilitySources(
  platform: LabPlatform,
  deviceType: string,
): {
  defaultCapabilities: Record<string, unknown>;
  fields: { id: string; capability_name?: string | null }[];
} {
  const p = catalogPlatform(platform);
  const override = ((p.device_type_overrides ?? {}) as Record<string, Record<string, unknown> | undefined>)[
    deviceType
  ];
  const defaults = {
    ...((p.default_capabilities ?? {}) as Record<string, unknown>),
    ...((override?.default_capabilities ?? {}) as Record<string, unknown>),
  };
  const fields = (override?.device_fields_schema ?? p.device_fields_schema ?? []) as {
    id: string;
    capability_name?: string | null;
  }[];
  return { defaultCapabilities: defaults, fields };
}
