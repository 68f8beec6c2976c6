/** Response shapes (field order as the manager sends them) built from the lab's rows. */
import { isoOffsetOrNull, isoZ, isoZOrNull, jsonbOrder } from '../http/wire';
import type { DeviceRow, ReservationRow, RunRow, SessionRow } from './model';
import type { LabStore } from './store';

const ESCALATION_PREFIX = 'Exceeded cooldown threshold ';

/** Whole seconds left on a cooldown (rounded down), or null when not cooling down. */
export function cooldownRemaining(r: ReservationRow, now: number): number | null {
  if (!r.excluded || r.excluded_until === null) return null;
  return Math.max(0, Math.floor((r.excluded_until - now) / 1000));
}

/** Whether an exclusion is in force right now (permanent, or cooldown not yet expired). */
export function exclusionInForce(r: ReservationRow, now: number): boolean {
  return r.excluded && (r.excluded_until === null || r.excluded_until > now);
}

/** The `reservation` object of a device (its unreleased reservation), or null. */
export function reservationObject(
  store: LabStore,
  device: DeviceRow,
  now: number,
): Record<string, unknown> | null {
  const r = store.activeReservation(device.id);
  if (!r) return null;
  const run = store.runs.get(r.run_id);
  return {
    run_id: r.run_id,
    run_name: run?.name ?? null,
    run_state: run?.state ?? null,
    excluded: exclusionInForce(r, now),
    exclusion_reason: r.exclusion_reason,
    excluded_until: isoZOrNull(r.excluded_until),
    cooldown_remaining_sec: cooldownRemaining(r, now),
    cooldown_count: r.cooldown_count,
    cooldown_escalated: (r.exclusion_reason ?? '').startsWith(ESCALATION_PREFIX),
  };
}

/** Why the pack/platform blocks allocation (`pack_disabled`, ...), or null. */
export function blockedReason(store: LabStore, device: DeviceRow): string | null {
  const pack = store.pack(device.pack_id);
  if (!pack) return 'pack_unavailable';
  if (pack.state === 'disabled' || pack.state === 'draft') return 'pack_disabled';
  if (pack.state === 'draining') return 'pack_draining';
  if (!store.platform(device.pack_id, device.platform_id)) return 'platform_removed';
  return null;
}

/** The leading identity fields of a device object (both generations). */
export function deviceHead(store: LabStore, d: DeviceRow): Record<string, unknown> {
  return {
    id: d.id,
    pack_id: d.pack_id,
    platform_id: d.platform_id,
    platform_label: store.platformLabel(d),
    identity_scheme: d.identity_scheme,
    identity_scope: d.identity_scope,
    identity_value: d.identity_value,
    connection_target: d.connection_target,
    name: d.name,
    os_version: d.os_version,
  };
}

/** Device object; `detail` adds `appium_node` and `sessions` and uses the detail field order. */
export function deviceView(
  store: LabStore,
  d: DeviceRow,
  now: number,
  detail = false,
): Record<string, unknown> {
  const head = deviceHead(store, d);
  const hw = {
    manufacturer: d.manufacturer,
    model: d.model,
    model_number: d.model_number,
    software_versions: {},
  };
  const placement = {
    host_id: d.host_id,
    operational_state: d.operational_state,
    hold: d.hold,
    tags: jsonbOrder(d.tags),
  };
  const tail = {
    auto_manage: true,
    device_type: d.device_type,
    connection_type: d.connection_type,
    ip_address: d.ip_address,
    device_config: jsonbOrder(d.device_config),
    battery_level_percent: d.battery_level_percent,
    battery_temperature_c: d.battery_temperature_c,
    charging_state: d.charging_state,
    hardware_health_status: 'healthy',
    hardware_telemetry_reported_at: isoZOrNull(d.hardware_telemetry_reported_at),
    hardware_telemetry_state: 'fresh',
    readiness_state: d.readiness_state,
    missing_setup_fields: [],
    verified_at: isoZOrNull(d.verified_at),
    reservation: reservationObject(store, d, now),
    lifecycle_policy_summary: { ...d.lifecycle, backoff_until: null },
    needs_attention: d.needs_attention,
    health_summary: {
      healthy: d.health.healthy,
      summary: d.health.summary,
      last_checked_at: isoOffsetOrNull(d.health.last_checked_at),
    },
    emulator_state: null,
    blocked_reason: blockedReason(store, d),
    created_at: isoZ(d.created_at),
    updated_at: isoZ(d.updated_at),
  };
  if (!detail) return { ...head, ...hw, ...placement, ...tail };
  return {
    ...head,
    ...placement,
    ...hw,
    ...tail,
    appium_node: null,
    sessions: store.sessions.filter((s) => s.device_id === d.id).map((s) => sessionView(s)),
  };
}

/** Includes to inline into reservation entries / claims. */
export interface Inlined {
  config?: Record<string, unknown> | null;
  live_capabilities?: Record<string, unknown> | null;
  test_data?: Record<string, unknown> | null;
  unavailable_includes?: { include: string; reason: string }[] | null;
}

function identityPart(store: LabStore, r: ReservationRow): Record<string, unknown> {
  const d = store.devices.get(r.device_id);
  return {
    device_id: r.device_id,
    identity_value: r.identity_value,
    name: d?.name ?? null,
    connection_target: r.connection_target,
    pack_id: d?.pack_id ?? null,
    platform_id: d?.platform_id ?? null,
    platform_label: d ? store.platformLabel(d) : null,
    os_version: r.os_version,
    host_ip: r.host_ip,
    device_type: d?.device_type ?? null,
    connection_type: d?.connection_type ?? null,
    manufacturer: d?.manufacturer ?? null,
    model: d?.model ?? null,
  };
}

function inlinedPart(inl: Inlined): Record<string, unknown> {
  return {
    config: inl.config ?? null,
    live_capabilities: inl.live_capabilities ?? null,
    test_data: inl.test_data ?? null,
    unavailable_includes: inl.unavailable_includes?.length ? inl.unavailable_includes : null,
  };
}

/** ReservedDeviceInfo: a run's reservation entry (docs/manager-api.md §R6.1: `released_at`, no claim or inlined keys). */
export function reservedDeviceView(
  store: LabStore,
  r: ReservationRow,
  now: number,
  inl: Inlined = {},
): Record<string, unknown> {
  const router = store.settings.generation === 'router';
  return {
    ...identityPart(store, r),
    // Router era: `excluded` reads false once a cooldown has run out.
    excluded: router ? exclusionInForce(r, now) : r.excluded,
    exclusion_reason: r.exclusion_reason,
    excluded_at: isoOffsetOrNull(r.excluded_at),
    excluded_until: isoOffsetOrNull(r.excluded_until),
    ...(router ? { released_at: isoOffsetOrNull(r.released_at) } : {}),
    cooldown_remaining_sec: cooldownRemaining(r, now),
    cooldown_count: r.cooldown_count,
    cooldown_escalated: (r.exclusion_reason ?? '').startsWith(ESCALATION_PREFIX),
    ...(router
      ? {}
      : { claimed_by: r.claimed_by, claimed_at: isoOffsetOrNull(r.claimed_at), ...inlinedPart(inl) }),
  };
}

/** ClaimResponse. */
export function claimView(store: LabStore, r: ReservationRow, inl: Inlined): Record<string, unknown> {
  return {
    ...identityPart(store, r),
    claimed_by: r.claimed_by,
    claimed_at: isoOffsetOrNull(r.claimed_at),
    ...inlinedPart(inl),
  };
}

/** Session counts of a run. */
export function sessionCounts(store: LabStore, runId: string): Record<string, number> {
  const counts = { passed: 0, failed: 0, error: 0, running: 0, total: 0 };
  for (const s of store.sessions) {
    if (s.run_id !== runId) continue;
    if (s.status !== 'pending') counts[s.status]++;
    counts.total++;
  }
  return counts;
}

/** RunRead (and RunDetail with `devices` when `detail`). */
export function runView(store: LabStore, run: RunRow, now: number, detail = false): Record<string, unknown> {
  const entries = store.runReservations(run.id).map((r) => reservedDeviceView(store, r, now));
  const view: Record<string, unknown> = {
    id: run.id,
    name: run.name,
    state: run.state,
    requirements: run.requirements,
    ttl_minutes: run.ttl_minutes,
    heartbeat_timeout_sec: run.heartbeat_timeout_sec,
    reserved_devices: entries.length ? entries : null,
    error: run.error,
    created_at: isoZ(run.created_at),
    started_at: isoZOrNull(run.started_at),
    completed_at: isoZOrNull(run.completed_at),
    created_by: run.created_by,
    last_heartbeat: isoZ(run.last_heartbeat),
    session_counts: sessionCounts(store, run.id),
  };
  if (detail) view.devices = entries;
  return view;
}

/** Test name of the manager's viability probes (docs/manager-api.md §R5.1 `is_probe`). */
export const PROBE_TEST_NAME = '__gridfleet_probe__';

/** SessionRead; `router` gives the router-era shape (docs/manager-api.md §R5.1). */
export function sessionView(s: SessionRow, router = false): Record<string, unknown> {
  const head = {
    id: s.id,
    session_id: s.session_id,
    test_name: s.test_name,
    started_at: isoZ(s.started_at),
    ended_at: isoZOrNull(s.ended_at),
    status: s.status,
  };
  if (router) {
    return {
      ...head,
      requested_capabilities: s.requested_capabilities,
      actual_capabilities: s.actual_capabilities ?? null,
      error_type: s.error_type,
      error_message: s.error_message,
      run_id: s.run_id,
      is_probe: s.test_name === PROBE_TEST_NAME,
      probe_checked_by: null,
    };
  }
  return {
    ...head,
    requested_pack_id: s.requested_pack_id,
    requested_platform_id: s.requested_platform_id,
    requested_device_type: s.requested_device_type,
    requested_connection_type: s.requested_connection_type,
    requested_capabilities: s.requested_capabilities,
    error_type: s.error_type,
    error_message: s.error_message,
    run_id: s.run_id,
  };
}

/** Session detail (SessionRead + device fields). */
export function sessionDetailView(store: LabStore, s: SessionRow): Record<string, unknown> {
  const d = s.device_id ? store.devices.get(s.device_id) : undefined;
  return {
    ...sessionView(s, store.settings.generation === 'router'),
    device_id: d?.id ?? null,
    device_name: d?.name ?? null,
    device_pack_id: d?.pack_id ?? null,
    device_platform_id: d?.platform_id ?? null,
    device_platform_label: d ? store.platformLabel(d) : null,
  };
}
