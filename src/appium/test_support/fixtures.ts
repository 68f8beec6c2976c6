/**
 * Test fixtures taken from the real claim-era manager recording
 * (described in `docs/manager-api.md`): the catalog body of request 3 and claim bodies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogPackLike } from '../catalog_types';

/** The catalog exactly as the live manager returned it (3 enabled packs). */
export function realCatalog(): { packs: Array<CatalogPackLike & Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(__dirname, 'claim_era_catalog.json'), 'utf8'));
}

/** The real catalog with `packId` switched to `state`. */
export function catalogWithPackState(packId: string, state: string): ReturnType<typeof realCatalog> {
  const catalog = realCatalog();
  for (const pack of catalog.packs) if (pack.id === packId) pack.state = state;
  return catalog;
}

/** The real catalog plus an enabled fork of appium-uiautomator2 that provides the same platforms. */
export function catalogWithFork(forkId = 'appium-uiautomator2-fork'): ReturnType<typeof realCatalog> {
  const catalog = realCatalog();
  const original = catalog.packs.find((pack) => pack.id === 'appium-uiautomator2');
  if (!original) throw new Error('fixture catalog lost appium-uiautomator2');
  catalog.packs.push({ ...structuredClone(original), id: forkId });
  return catalog;
}

/** Request 20: claim gw0 with include=config,test_data (config and test data inlined). */
export const CLAIM_INLINED = {
  device_id: 'e6377335-1ff1-4dbc-8b2d-e2f8f6e634f1',
  identity_value: 'RMGR-AND-002',
  name: 'Galaxy S23 (A2)',
  connection_target: 'RMGR-AND-002',
  pack_id: 'appium-uiautomator2',
  platform_id: 'android_mobile',
  platform_label: 'Android',
  os_version: '14',
  host_ip: '127.0.0.1',
  device_type: 'real_device',
  connection_type: 'usb',
  manufacturer: 'Samsung',
  model: 'Galaxy S23',
  claimed_by: 'gw0',
  claimed_at: '2026-11-26T20:23:09.073216+00:00',
  config: {},
  live_capabilities: null,
  test_data: { flags: ['beta'], locale: 'de_DE', account: { pin: '9999', user: 'qa-a2' } },
  unavailable_includes: null,
} as const;

/** Request 21: claim gw1 (include=config) of the Fire TV, a network device with an `ip:port` target. */
export const CLAIM_FIRETV = {
  device_id: '11db20ff-e3da-43d5-a1e5-1c54ad4bb0e4',
  identity_value: 'RMGR-FTV-001',
  name: 'Fire TV Stick 4K (F1)',
  connection_target: '192.0.2.50:5555',
  pack_id: 'appium-uiautomator2',
  platform_id: 'firetv_real',
  platform_label: 'Fire TV (real device)',
  os_version: '9',
  host_ip: '127.0.0.1',
  device_type: 'real_device',
  connection_type: 'network',
  manufacturer: 'Amazon',
  model: 'AFTKA',
  claimed_by: 'gw1',
  claimed_at: '2026-11-26T20:23:09.198386+00:00',
  config: {},
  live_capabilities: null,
  test_data: null,
  unavailable_includes: null,
} as const;

/** Request 54: claim without any include (nothing inlined). */
export const CLAIM_PLAIN = {
  device_id: '90c3d898-7114-4e7c-9889-6ac71ed471a8',
  identity_value: 'RMGR-AND-001',
  name: 'Pixel 7 (A1)',
  connection_target: 'RMGR-AND-001',
  pack_id: 'appium-uiautomator2',
  platform_id: 'android_mobile',
  platform_label: 'Android',
  os_version: '14',
  host_ip: '127.0.0.1',
  device_type: 'real_device',
  connection_type: 'usb',
  manufacturer: 'Google',
  model: 'Pixel 7',
  claimed_by: 'gw0',
  claimed_at: '2026-11-26T20:23:32.949264+00:00',
  config: null,
  live_capabilities: null,
  test_data: null,
  unavailable_includes: null,
} as const;

/** Request 53: a reserve entry (`devices[0]` of POST /runs): no claim fields. */
export const RESERVE_ENTRY = {
  device_id: '90c3d898-7114-4e7c-9889-6ac71ed471a8',
  identity_value: 'RMGR-AND-001',
  name: 'Pixel 7 (A1)',
  connection_target: 'RMGR-AND-001',
  pack_id: 'appium-uiautomator2',
  platform_id: 'android_mobile',
  platform_label: 'Android',
  os_version: '14',
  host_ip: '127.0.0.1',
  device_type: 'real_device',
  connection_type: 'usb',
  manufacturer: 'Google',
  model: 'Pixel 7',
  excluded: false,
  exclusion_reason: null,
  excluded_at: null,
  excluded_until: null,
  cooldown_remaining_sec: null,
  cooldown_count: 0,
  cooldown_escalated: false,
  claimed_by: null,
  claimed_at: null,
  config: {},
  live_capabilities: null,
  test_data: { locale: 'en_US', account: { pin: '1234', user: 'qa-a1' } },
  unavailable_includes: null,
} as const;

/** Request 16: `GET /api/devices/{id}` of device A1 (detail shape); `device_config` filled in by tests. */
export function deviceRowA1(deviceConfig: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '90c3d898-7114-4e7c-9889-6ac71ed471a8',
    pack_id: 'appium-uiautomator2',
    platform_id: 'android_mobile',
    platform_label: 'Android',
    identity_scheme: 'android_serial',
    identity_scope: 'host',
    identity_value: 'RMGR-AND-001',
    connection_target: 'RMGR-AND-001',
    name: 'Pixel 7 (A1)',
    os_version: '14',
    host_id: '6f7843c3-7419-412a-bc4a-758e474a0c66',
    operational_state: 'available',
    hold: 'reserved',
    tags: {},
    manufacturer: 'Google',
    model: 'Pixel 7',
    model_number: null,
    software_versions: {},
    auto_manage: true,
    device_type: 'real_device',
    connection_type: 'usb',
    ip_address: null,
    device_config: deviceConfig,
    battery_level_percent: 33,
    battery_temperature_c: 34.4,
    charging_state: 'charging',
    hardware_health_status: 'healthy',
    hardware_telemetry_reported_at: '2026-11-26T20:22:03.174614Z',
    hardware_telemetry_state: 'fresh',
    readiness_state: 'verified',
    missing_setup_fields: [],
    verified_at: '2026-11-26T20:23:05.174614Z',
    reservation: {
      run_id: 'd105a5f4-7bf9-4864-9f4c-f9ba47f53f41',
      run_name: 'acc-run-1',
      run_state: 'preparing',
      excluded: false,
      exclusion_reason: null,
      excluded_until: null,
      cooldown_remaining_sec: null,
      cooldown_count: 0,
      cooldown_escalated: false,
    },
    lifecycle_policy_summary: { state: 'idle', label: 'Idle', detail: null, backoff_until: null },
    needs_attention: false,
    health_summary: { healthy: null, summary: 'Unknown', last_checked_at: null },
    emulator_state: null,
    blocked_reason: null,
    created_at: '2026-11-26T20:23:05.105597Z',
    updated_at: '2026-11-26T20:23:08.368567Z',
    appium_node: null,
    sessions: [],
  };
}
