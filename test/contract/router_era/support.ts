/**
 * Router-era part of the contract suite: the target (a router-generation lab by default, or
 * `GRIDFLEET_API_URL`), router-era shapes from docs/manager-api.md §R3.2, §R5.1, §R6.1 and the
 * recorded transcript, and a run tracker that cancels what it created.
 */
import assert from 'node:assert/strict';
import type { WireResponse } from '../support/http';
import {
  assertFields,
  assertOffset,
  assertZ,
  RESERVED_DEVICE_FIELDS,
  RUN_DETAIL_FIELDS,
  RUN_READ_FIELDS,
} from '../support/shapes';
import { type ContractTarget, openTarget } from '../support/target';
import { expectOk, expectOkArray, isObject, type Json } from '../support/wire';

export { MISSING_UUID, PACK, PLATFORM, uniqueName } from '../support/fixtures';

import { PACK, PLATFORM, uniqueName } from '../support/fixtures';

/** Reason used when the target is not a router-era manager (Probe A of docs/manager-api.md §R1.2). */
export const NEEDS_ROUTER_ERA =
  'target is not a router-era manager (GET /api/grid/status has a "grid" key or no "gridfleet control plane" message)';

/** A target plus whether it answers as the router-era manager. */
export interface RouterTarget extends ContractTarget {
  /** Probe A: `message === "gridfleet control plane"` and no `grid` key. */
  routerEra: boolean;
}

/** Opens a router-generation lab (default) or the manager at `GRIDFLEET_API_URL`, and probes its era. */
export async function openRouterTarget(): Promise<RouterTarget> {
  const target = await openTarget({ labSettings: { generation: 'router' } });
  const res = await target.api.get('/api/grid/status');
  const body = res.json;
  const routerEra =
    res.status === 200 && isObject(body) && body.message === 'gridfleet control plane' && !('grid' in body);
  return { ...target, routerEra };
}

/** DeviceRead of the router era (docs/manager-api.md §R3.2): every field present; no `hold`, `tags`, telemetry. */
export const ROUTER_DEVICE_FIELDS = [
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
  'os_version_display',
  'host_id',
  'operational_state',
  'is_reserved',
  'allocatable',
  'unavailable_reason',
  'manufacturer',
  'model',
  'model_number',
  'software_versions',
  'device_type',
  'connection_type',
  'ip_address',
  'device_config',
  'readiness_state',
  'missing_setup_fields',
  'verified_at',
  'reservation',
  'lifecycle_policy_summary',
  'needs_attention',
  'health_summary',
  'blocked_reason',
  'created_at',
  'updated_at',
] as const;

const CLAIM_ONLY_ENTRY_FIELDS = new Set([
  'claimed_by',
  'claimed_at',
  'config',
  'live_capabilities',
  'test_data',
  'unavailable_includes',
]);

/** ReservedDeviceInfo of the router era (docs/manager-api.md §R6.1): `released_at` after `excluded_until`, no claim or inlined keys. */
export const ROUTER_RESERVED_FIELDS: readonly string[] = RESERVED_DEVICE_FIELDS.filter(
  (f) => !CLAIM_ONLY_ENTRY_FIELDS.has(f),
).flatMap((f) => (f === 'excluded_until' ? [f, 'released_at'] : [f]));

/** RunCreateResponse of the router era: no `grid_url`. */
export const ROUTER_RUN_CREATE_FIELDS = [
  'id',
  'name',
  'state',
  'devices',
  'ttl_minutes',
  'heartbeat_timeout_sec',
  'created_at',
] as const;

/** SessionRead of the router era (docs/manager-api.md §R5.1). */
export const ROUTER_SESSION_FIELDS = [
  'id',
  'session_id',
  'test_name',
  'started_at',
  'ended_at',
  'status',
  'requested_capabilities',
  'actual_capabilities',
  'error_type',
  'error_message',
  'run_id',
  'is_probe',
  'probe_checked_by',
] as const;

/** SessionDetail = SessionRead + device fields. */
export const ROUTER_SESSION_DETAIL_FIELDS = [
  ...ROUTER_SESSION_FIELDS,
  'device_id',
  'device_name',
  'device_pack_id',
  'device_platform_id',
  'device_platform_label',
] as const;

/** Asserts a router-era DeviceRead (detail adds `appium_node`, `orchestration`). */
export function assertRouterDevice(value: unknown, what: string, detail = false): Json {
  const fields = detail ? [...ROUTER_DEVICE_FIELDS, 'appium_node', 'orchestration'] : ROUTER_DEVICE_FIELDS;
  const d = assertFields(value, fields, what);
  assert.ok(
    ['available', 'busy', 'offline', 'verifying', 'maintenance'].includes(String(d.operational_state)),
    `${what}.operational_state: ${String(d.operational_state)}`,
  );
  assert.equal(typeof d.is_reserved, 'boolean', `${what}.is_reserved`);
  assert.equal(
    d.allocatable,
    d.unavailable_reason === null,
    `${what}: allocatable iff no unavailable_reason`,
  );
  const health = assertFields(
    d.health_summary,
    ['device', 'node', 'viability', 'overall'],
    `${what}.health_summary`,
  );
  for (const signal of ['device', 'node', 'viability']) {
    assertFields(health[signal], ['status', 'detail', 'checked_at'], `${what}.health_summary.${signal}`);
  }
  assertZ(d.created_at, `${what}.created_at`);
  return d;
}

/** Asserts a router-era ReservedDeviceInfo. */
export function assertRouterEntry(value: unknown, what: string): Json {
  const e = assertFields(value, ROUTER_RESERVED_FIELDS, what, true);
  for (const key of ['excluded_at', 'excluded_until', 'released_at'])
    assertOffset(e[key], `${what}.${key}`, true);
  return e;
}

/** Asserts a router-era RunRead (RunDetail with `detail`). */
export function assertRouterRun(value: unknown, what: string, detail = false): Json {
  // Same fields as the claim era's RunRead (docs/manager-api.md §R6.1), without `ready` among the states (checked below).
  const fields = detail ? RUN_DETAIL_FIELDS : RUN_READ_FIELDS;
  const run = assertFields(value, fields, what, true);
  assert.notEqual(run.state, 'ready', `${what}: the router era has no "ready" state`);
  for (const [i, e] of ((run.reserved_devices as unknown[] | null) ?? []).entries()) {
    assertRouterEntry(e, `${what}.reserved_devices[${i}]`);
  }
  return run;
}

/** A requirement for `count` devices of the suite's pack/platform. */
export function req(count = 1, extra: Json = {}): Json {
  return { pack_id: PACK, platform_id: PLATFORM, count, ...extra };
}

/** Creates runs and cancels every one of them on {@link RouterRuns.cleanup}. */
export class RouterRuns {
  private readonly ids = new Set<string>();

  constructor(private readonly target: ContractTarget) {}

  /** `POST /api/runs` (with an optional raw query), remembering the run id when one is created. */
  async create(body: Json, query = ''): Promise<WireResponse> {
    const res = await this.target.api.post(`/api/runs${query}`, body);
    if (res.status === 201 && isObject(res.json) && typeof res.json.id === 'string')
      this.ids.add(res.json.id);
    return res;
  }

  /** A run that must be created (201); returns the asserted RunCreateResponse. */
  async reserve(requirements: Json[], extra: Json = {}, query = ''): Promise<Json> {
    const res = await this.create({ name: uniqueName('router'), requirements, ...extra }, query);
    const run = assertFields(
      expectOk(res, 'POST /api/runs', 201),
      ROUTER_RUN_CREATE_FIELDS,
      'RunCreateResponse',
      true,
    );
    assert.equal(run.state, 'preparing', 'a new run is preparing');
    for (const [i, e] of (run.devices as unknown[]).entries()) assertRouterEntry(e, `devices[${i}]`);
    return run;
  }

  /** Cancels every tracked run (409s for ended runs are expected). */
  async cleanup(): Promise<void> {
    for (const id of this.ids) await this.target.api.post(`/api/runs/${id}/cancel`).catch(() => undefined);
    this.ids.clear();
  }
}

/** Free, verified, available devices of the suite's platform (fails clearly below `min`). */
export async function freeDevices(target: ContractTarget, min: number): Promise<Json[]> {
  const res = await target.api.get(`/api/devices?pack_id=${PACK}&platform_id=${PLATFORM}&reserved=false`);
  const devices = expectOkArray(res, 'GET devices').filter(
    (d) => d.allocatable === true && d.readiness_state === 'verified',
  );
  assert.ok(
    devices.length >= min,
    `the router-era contract tests need at least ${min} allocatable, unreserved ${PACK}/${PLATFORM} devices; found ${devices.length}`,
  );
  return devices;
}
