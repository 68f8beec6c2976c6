/**
 * Field lists of every response model the contract names (docs/manager-api.md §C4.1, §C6.1, §C7.1, §C7.3, §C8.1, §C8.5), with
 * assertions that a body carries exactly these keys (null, never omitted) and that timestamps use the
 * spelling the real manager uses for that field (`Z` vs `+00:00`, docs/manager-api.md §C1).
 */
import assert from 'node:assert/strict';
import { isObject, type Json } from './wire';

/** Device (`DeviceRead`) fields: list items, by-connection-target and the base of the detail (docs/manager-api.md §C4.1). */
export const DEVICE_FIELDS = [
  'id',
  'pack_id',
  'platform_id',
  'platform_label',
  'identity_scheme',
  'identity_scope',
  'identity_value',
  'connection_target',
  'name',
  'os_version',
  'manufacturer',
  'model',
  'model_number',
  'software_versions',
  'host_id',
  'operational_state',
  'hold',
  'tags',
  'auto_manage',
  'device_type',
  'connection_type',
  'ip_address',
  'device_config',
  'battery_level_percent',
  'battery_temperature_c',
  'charging_state',
  'hardware_health_status',
  'hardware_telemetry_reported_at',
  'hardware_telemetry_state',
  'readiness_state',
  'missing_setup_fields',
  'verified_at',
  'reservation',
  'lifecycle_policy_summary',
  'needs_attention',
  'health_summary',
  'emulator_state',
  'blocked_reason',
  'created_at',
  'updated_at',
] as const;

/** `GET /devices/{id}` = Device + these (docs/manager-api.md §C4.4). */
export const DEVICE_DETAIL_FIELDS = [...DEVICE_FIELDS, 'appium_node', 'sessions'] as const;

/** The device's `reservation` object: nine fields, no claim fields, no `excluded_at` (docs/manager-api.md §C4.1). */
export const DEVICE_RESERVATION_FIELDS = [
  'run_id',
  'run_name',
  'run_state',
  'excluded',
  'exclusion_reason',
  'excluded_until',
  'cooldown_remaining_sec',
  'cooldown_count',
  'cooldown_escalated',
] as const;

/** ReservedDeviceInfo: entries of `devices[]`, `reserved_devices[]` and cooldown `reservation` (docs/manager-api.md §C6.1). */
export const RESERVED_DEVICE_FIELDS = [
  'device_id',
  'identity_value',
  'name',
  'connection_target',
  'pack_id',
  'platform_id',
  'platform_label',
  'os_version',
  'host_ip',
  'device_type',
  'connection_type',
  'manufacturer',
  'model',
  'excluded',
  'exclusion_reason',
  'excluded_at',
  'excluded_until',
  'cooldown_remaining_sec',
  'cooldown_count',
  'cooldown_escalated',
  'claimed_by',
  'claimed_at',
  'config',
  'live_capabilities',
  'test_data',
  'unavailable_includes',
] as const;

/** `POST /runs` 201 body (docs/manager-api.md §C6.2). */
export const RUN_CREATE_FIELDS = [
  'id',
  'name',
  'state',
  'devices',
  'grid_url',
  'ttl_minutes',
  'heartbeat_timeout_sec',
  'created_at',
] as const;

/** RunRead: lifecycle replies, preparation-failed and `GET /runs` items (docs/manager-api.md §C6.1). */
export const RUN_READ_FIELDS = [
  'id',
  'name',
  'state',
  'requirements',
  'ttl_minutes',
  'heartbeat_timeout_sec',
  'reserved_devices',
  'error',
  'created_at',
  'started_at',
  'completed_at',
  'created_by',
  'last_heartbeat',
  'session_counts',
] as const;

/** RunDetail (`GET /runs/{id}`) = RunRead + `devices` (docs/manager-api.md §C6.1). */
export const RUN_DETAIL_FIELDS = [...RUN_READ_FIELDS, 'devices'] as const;

/** `session_counts` of a run. */
export const SESSION_COUNT_FIELDS = ['passed', 'failed', 'error', 'running', 'total'] as const;

/** ClaimResponse: no exclusion or cooldown fields (docs/manager-api.md §C7.1). */
export const CLAIM_FIELDS = [
  'device_id',
  'identity_value',
  'name',
  'connection_target',
  'pack_id',
  'platform_id',
  'platform_label',
  'os_version',
  'host_ip',
  'device_type',
  'connection_type',
  'manufacturer',
  'model',
  'claimed_by',
  'claimed_at',
  'config',
  'live_capabilities',
  'test_data',
  'unavailable_includes',
] as const;

/** `cooldown_set` reply of release-with-cooldown (docs/manager-api.md §C7.3). */
export const COOLDOWN_SET_FIELDS = [
  'status',
  'reservation',
  'device_operational_state',
  'device_hold',
  'retry_after_sec',
  'excluded_until',
] as const;

/** `maintenance_escalated` reply of release-with-cooldown (docs/manager-api.md §C7.3). */
export const ESCALATED_FIELDS = [
  'status',
  'reservation',
  'device_operational_state',
  'device_hold',
  'cooldown_count',
  'threshold',
] as const;

/** SessionRead: no `device_id` (docs/manager-api.md §C8.1). */
export const SESSION_READ_FIELDS = [
  'id',
  'session_id',
  'test_name',
  'started_at',
  'ended_at',
  'status',
  'requested_pack_id',
  'requested_platform_id',
  'requested_device_type',
  'requested_connection_type',
  'requested_capabilities',
  'error_type',
  'error_message',
  'run_id',
] as const;

/** SessionDetail = SessionRead + device fields (docs/manager-api.md §C8.1, §C8.5). */
export const SESSION_DETAIL_FIELDS = [
  ...SESSION_READ_FIELDS,
  'device_id',
  'device_name',
  'device_pack_id',
  'device_platform_id',
  'device_platform_label',
] as const;

/** Offset page of `GET /runs` and `GET /sessions`. */
export const CURSOR_PAGE_FIELDS = [
  'items',
  'total',
  'limit',
  'offset',
  'next_cursor',
  'prev_cursor',
] as const;

/** Page of `GET /devices?limit=` (docs/manager-api.md §C4.2). */
export const DEVICE_PAGE_FIELDS = ['items', 'total', 'limit', 'offset'] as const;

/**
 * Asserts `value` is an object with exactly `fields` as keys (every field present, absent values as
 * `null`) and returns it. With `ordered`, the keys must also come in `fields` order: use it only for the
 * models whose order the live recording confirmed as stable (not Device, whose order varied live, and
 * never for stored JSON such as test_data, whose keys the manager reorders).
 */
export function assertFields(value: unknown, fields: readonly string[], what: string, ordered = false): Json {
  assert.ok(isObject(value), `${what}: expected an object, got ${JSON.stringify(value)}`);
  const actual = Object.keys(value).sort();
  const wanted = [...fields].sort();
  const missing = wanted.filter((f) => !actual.includes(f));
  const extra = actual.filter((f) => !wanted.includes(f));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${what}: field set`);
  if (ordered) assert.deepEqual(Object.keys(value), [...fields], `${what}: field order as recorded live`);
  return value;
}

/** `2026-05-11T14:02:07.512331Z` (fraction optional): date-time fields of response models (docs/manager-api.md §C1). */
export const Z_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** `2026-05-11T14:02:07.512331+00:00` (fraction optional): server pre-formatted strings (docs/manager-api.md §C1). */
export const OFFSET_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00:00$/;

/** Lowercase hyphenated UUID (docs/manager-api.md §C1). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts a `Z`-suffixed timestamp (or null when `nullable`). */
export function assertZ(value: unknown, what: string, nullable = false): void {
  if (nullable && value === null) return;
  assert.match(String(value), Z_TIMESTAMP, `${what}: expected a Z timestamp, got ${JSON.stringify(value)}`);
}

/** Asserts a `+00:00`-suffixed timestamp (or null when `nullable`). */
export function assertOffset(value: unknown, what: string, nullable = false): void {
  if (nullable && value === null) return;
  assert.match(
    String(value),
    OFFSET_TIMESTAMP,
    `${what}: expected a +00:00 timestamp, got ${JSON.stringify(value)}`,
  );
}

/** Milliseconds since epoch of either timestamp spelling. */
export function instant(value: unknown): number {
  const ms = Date.parse(String(value));
  assert.ok(Number.isFinite(ms), `not a timestamp: ${JSON.stringify(value)}`);
  return ms;
}

/** Asserts a Device object: exact fields, timestamp spellings, reservation shape (docs/manager-api.md §C4.1). */
export function assertDevice(value: unknown, what: string, detail = false): Json {
  const device = assertFields(value, detail ? DEVICE_DETAIL_FIELDS : DEVICE_FIELDS, what);
  assert.match(String(device.id), UUID, `${what}: id`);
  assertZ(device.created_at, `${what}.created_at`);
  assertZ(device.updated_at, `${what}.updated_at`);
  assertZ(device.verified_at, `${what}.verified_at`, true);
  assertZ(device.hardware_telemetry_reported_at, `${what}.hardware_telemetry_reported_at`, true);
  assert.ok(
    ['available', 'busy', 'offline'].includes(String(device.operational_state)),
    `${what}: operational_state`,
  );
  assert.ok([null, 'maintenance', 'reserved'].includes(device.hold as string | null), `${what}: hold`);
  assertFields(
    device.lifecycle_policy_summary,
    ['state', 'label', 'detail', 'backoff_until'],
    `${what}.lifecycle_policy_summary`,
  );
  const health = assertFields(
    device.health_summary,
    ['healthy', 'summary', 'last_checked_at'],
    `${what}.health_summary`,
  );
  assertOffset(health.last_checked_at, `${what}.health_summary.last_checked_at`, true);
  if (device.reservation !== null) assertDeviceReservation(device.reservation, `${what}.reservation`);
  if (detail) {
    assert.ok(Array.isArray(device.sessions), `${what}.sessions must be an array`);
    for (const [i, s] of (device.sessions as unknown[]).entries()) assertSession(s, `${what}.sessions[${i}]`);
  }
  return device;
}

/** Asserts the device `reservation` object (docs/manager-api.md §C4.1). */
export function assertDeviceReservation(value: unknown, what: string): Json {
  const reservation = assertFields(value, DEVICE_RESERVATION_FIELDS, what, true);
  assertZ(reservation.excluded_until, `${what}.excluded_until`, true);
  return reservation;
}

/**
 * Asserts a ReservedDeviceInfo entry (docs/manager-api.md §C6.1): exact fields, `+00:00` for claimed_at/excluded_at/
 * excluded_until, `unavailable_includes` never `[]`.
 */
export function assertReservedDevice(value: unknown, what: string): Json {
  const entry = assertFields(value, RESERVED_DEVICE_FIELDS, what, true);
  assert.match(String(entry.device_id), UUID, `${what}.device_id`);
  assertOffset(entry.claimed_at, `${what}.claimed_at`, true);
  assertOffset(entry.excluded_at, `${what}.excluded_at`, true);
  assertOffset(entry.excluded_until, `${what}.excluded_until`, true);
  assert.equal(typeof entry.excluded, 'boolean', `${what}.excluded`);
  assert.equal(typeof entry.cooldown_count, 'number', `${what}.cooldown_count`);
  assert.notDeepEqual(entry.unavailable_includes, [], `${what}.unavailable_includes is null, never []`);
  return entry;
}

/** Asserts a RunRead (or RunDetail when `detail`) body (docs/manager-api.md §C6.1). */
export function assertRun(value: unknown, what: string, detail = false): Json {
  const run = assertFields(value, detail ? RUN_DETAIL_FIELDS : RUN_READ_FIELDS, what, true);
  assert.match(String(run.id), UUID, `${what}.id`);
  assertZ(run.created_at, `${what}.created_at`);
  assertZ(run.started_at, `${what}.started_at`, true);
  assertZ(run.completed_at, `${what}.completed_at`, true);
  assertZ(run.last_heartbeat, `${what}.last_heartbeat`, true);
  assertFields(run.session_counts, SESSION_COUNT_FIELDS, `${what}.session_counts`, true);
  if (run.reserved_devices !== null) {
    assert.ok(Array.isArray(run.reserved_devices), `${what}.reserved_devices is an array or null`);
    for (const [i, e] of (run.reserved_devices as unknown[]).entries())
      assertReservedDevice(e, `${what}.reserved_devices[${i}]`);
  }
  if (detail) {
    assert.ok(Array.isArray(run.devices), `${what}.devices is an array`);
    for (const [i, e] of (run.devices as unknown[]).entries())
      assertReservedDevice(e, `${what}.devices[${i}]`);
  }
  return run;
}

/** Asserts a ClaimResponse (docs/manager-api.md §C7.1). */
export function assertClaim(value: unknown, what: string): Json {
  const claim = assertFields(value, CLAIM_FIELDS, what, true);
  assert.match(String(claim.device_id), UUID, `${what}.device_id`);
  assert.equal(typeof claim.claimed_by, 'string', `${what}.claimed_by`);
  assertOffset(claim.claimed_at, `${what}.claimed_at`);
  assert.notDeepEqual(claim.unavailable_includes, [], `${what}.unavailable_includes is null, never []`);
  return claim;
}

/** Asserts a SessionRead, or a SessionDetail when `detail` (docs/manager-api.md §C8.1). */
export function assertSession(value: unknown, what: string, detail = false): Json {
  const session = assertFields(value, detail ? SESSION_DETAIL_FIELDS : SESSION_READ_FIELDS, what, true);
  assert.match(String(session.id), UUID, `${what}.id`);
  assertZ(session.started_at, `${what}.started_at`);
  assertZ(session.ended_at, `${what}.ended_at`, true);
  assert.ok(['running', 'passed', 'failed', 'error'].includes(String(session.status)), `${what}.status`);
  return session;
}
