/**
 * Router-era device shapes and allocatability (docs/manager-api.md §R3.2, §R3.3, §R1.2):
 * maintenance is an operational state, `is_reserved` replaces `hold: "reserved"`, and
 * `unavailable_reason` says why a new session could not take the device now.
 */
import { createHash } from 'node:crypto';
import { isoZ, isoZOrNull, jsonbOrder } from '../http/wire';
import { deviceTarget } from './admission';
import type { DeviceRow, ReservationRow } from './model';
import type { LabStore } from './store';
import { blockedReason, deviceHead, exclusionInForce, reservationObject } from './views';

/** Router-era operational states. */
export type RouterOperationalState = 'available' | 'busy' | 'offline' | 'verifying' | 'maintenance';

/** Router-era operational state: maintenance (a hold in the claim era) is a state of its own. */
export function routerOperationalState(d: DeviceRow): RouterOperationalState {
  return d.hold === 'maintenance' ? 'maintenance' : d.operational_state;
}

/** The device's unreleased reservation on a live (non-terminal) run, if any. */
export function liveReservation(store: LabStore, d: DeviceRow): ReservationRow | undefined {
  const r = store.activeReservation(d.id);
  const run = r ? store.runs.get(r.run_id) : undefined;
  return run && !store.isTerminal(run) ? r : undefined;
}

/** Why an arbitrary new session could not take the device now, or null (docs/manager-api.md §R3.2). */
export function unavailableReason(store: LabStore, d: DeviceRow, now: number): string | null {
  const state = routerOperationalState(d);
  if (state === 'busy' || store.hasRunningSession(d.id)) return 'busy';
  if (state !== 'available') return state;
  if (d.readiness_state !== 'verified' || d.health.healthy === false) return 'offline';
  const r = liveReservation(store, d);
  if (r && exclusionInForce(r, now)) return 'cooldown';
  return r ? 'reserved' : null;
}

type Verdict = {
  status: 'ok' | 'warn' | 'failed' | 'unknown';
  detail: string | null;
  checked_at: string | null;
};

/** Per-signal verdicts (docs/manager-api.md §R3.2 `health_summary`). */
function healthSummary(d: DeviceRow): Record<string, unknown> {
  const checked = isoZOrNull(d.health.last_checked_at);
  const device: Verdict =
    d.health.healthy === null
      ? { status: 'unknown', detail: 'not checked', checked_at: null }
      : { status: d.health.healthy ? 'ok' : 'failed', detail: d.health.summary, checked_at: checked };
  const nodeUp = d.operational_state !== 'offline' || d.health.healthy === false;
  const node: Verdict = nodeUp
    ? { status: 'ok', detail: 'running', checked_at: null }
    : { status: 'failed', detail: 'not running', checked_at: null };
  const viability: Verdict = { status: 'unknown', detail: 'not run', checked_at: null };
  const failed = device.status === 'failed' || node.status === 'failed';
  return { device, node, viability, overall: failed ? 'failed' : 'ok' };
}

/** `lifecycle_policy_summary`: suppressed while busy, excluded while cooling down. */
function lifecycleSummary(store: LabStore, d: DeviceRow, now: number): Record<string, unknown> {
  const r = liveReservation(store, d);
  let base: { state: string; label: string; detail: string | null } = d.lifecycle;
  if (r && exclusionInForce(r, now))
    base = { state: 'excluded', label: 'Excluded', detail: r.exclusion_reason };
  else if (routerOperationalState(d) === 'busy')
    base = { state: 'suppressed', label: 'Suppressed', detail: null };
  const maintenance =
    d.hold === 'maintenance' ? (d.lifecycle.detail ?? 'Device is in maintenance mode') : null;
  return { ...base, backoff_until: null, maintenance_reason: maintenance };
}

/** `DeviceRead` of the router era (every field present). */
export function routerDeviceView(store: LabStore, d: DeviceRow, now: number): Record<string, unknown> {
  const reason = unavailableReason(store, d, now);
  const reservation = liveReservation(store, d) ? reservationObject(store, d, now) : null;
  return {
    ...deviceHead(store, d),
    os_version_display: null,
    host_id: d.host_id,
    operational_state: routerOperationalState(d),
    is_reserved: liveReservation(store, d) !== undefined,
    allocatable: reason === null,
    unavailable_reason: reason,
    manufacturer: d.manufacturer,
    model: d.model,
    model_number: d.model_number,
    software_versions: {},
    device_type: d.device_type,
    connection_type: d.connection_type,
    ip_address: d.ip_address,
    device_config: jsonbOrder(d.device_config),
    readiness_state: d.readiness_state,
    missing_setup_fields: [],
    verified_at: isoZOrNull(d.verified_at),
    reservation,
    lifecycle_policy_summary: lifecycleSummary(store, d, now),
    needs_attention: d.needs_attention,
    health_summary: healthSummary(d),
    blocked_reason: blockedReason(store, d),
    created_at: isoZ(d.created_at),
    updated_at: isoZ(d.updated_at),
  };
}

/** The port of the device's Appium URL (its "node"), or null when the URL names none. */
export function nodePort(store: LabStore, d: DeviceRow): number | null {
  const url = new URL(deviceTarget(store, d));
  return url.port === '' ? null : Number(url.port);
}

/** `DeviceDetail` = DeviceRead + `appium_node` + `orchestration` (null without `?include=orchestration`). */
export function routerDeviceDetail(store: LabStore, d: DeviceRow, now: number): Record<string, unknown> {
  const up = d.operational_state !== 'offline' || d.health.healthy === false;
  const port = nodePort(store, d);
  const id = createHash('sha256').update(`gridfleet-lab-node\0${d.id}`).digest('hex');
  return {
    ...routerDeviceView(store, d, now),
    appium_node: {
      id: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20, 32)}`,
      port,
      pid: null,
      active_connection_target: d.connection_target,
      started_at: isoZ(d.created_at),
      desired_state: 'running',
      desired_port: port,
      restart_requested_at: null,
      last_observed_at: null,
      health_running: up,
      health_state: up ? 'running' : 'error',
      lifecycle_policy_state: 'idle',
      effective_state: up ? 'running' : 'error',
    },
    orchestration: null,
  };
}
