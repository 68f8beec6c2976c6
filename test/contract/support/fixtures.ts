/**
 * Test fixtures over the HTTP API: the device pool the suite reserves from, a run tracker that cancels
 * every run a test created, and small helpers for claims and waiting (virtual clock on the lab, real
 * sleep elsewhere).
 */
import assert from 'node:assert/strict';
import type { WireResponse } from './http';
import {
  assertClaim,
  assertDevice,
  assertFields,
  assertReservedDevice,
  assertRun,
  assertZ,
  RUN_CREATE_FIELDS,
} from './shapes';
import { advanceLabClock, type ContractTarget } from './target';
import { expectOk, type Json } from './wire';

/** Pack the suite reserves from (override with `GRIDFLEET_CONTRACT_PACK`). */
export const PACK = process.env.GRIDFLEET_CONTRACT_PACK ?? 'appium-uiautomator2';
/** Platform the suite reserves from (override with `GRIDFLEET_CONTRACT_PLATFORM`). */
export const PLATFORM = process.env.GRIDFLEET_CONTRACT_PLATFORM ?? 'android_mobile';
/** A well-formed UUID no manager will ever have. */
export const MISSING_UUID = '00000000-0000-0000-0000-000000000000';

/** A requirement for `count` devices of the suite's pack/platform. */
export function requirement(count = 1, extra: Json = {}): Json {
  return { pack_id: PACK, platform_id: PLATFORM, count, ...extra };
}

/** A requirement for every eligible device of the suite's pack/platform. */
export function allAvailable(extra: Json = {}): Json {
  return { pack_id: PACK, platform_id: PLATFORM, allocation: 'all_available', ...extra };
}

/** Unique, recognisable run/session names so parallel users of a real manager can tell them apart. */
export function uniqueName(prefix: string): string {
  return `contract-${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Devices of {@link PACK}/{@link PLATFORM} that a reservation may take right now (docs/manager-api.md §C6.2 eligibility as
 * visible through the API). Fails with a clear message when fewer than `min` exist.
 */
export async function eligibleDevices(target: ContractTarget, min = 2): Promise<Json[]> {
  const res = await target.api.get(`/api/devices?pack_id=${PACK}&platform_id=${PLATFORM}&status=available`);
  const devices = (res.json as Json[]).filter(
    (d) =>
      d.readiness_state === 'verified' &&
      (d.health_summary as Json).healthy !== false &&
      d.reservation === null,
  );
  assert.ok(
    devices.length >= min,
    `the contract suite needs at least ${min} verified, available ${PACK}/${PLATFORM} devices; found ${devices.length}. ` +
      'Free some devices (or point GRIDFLEET_CONTRACT_PACK/PLATFORM elsewhere). Devices put into maintenance by ' +
      'GRIDFLEET_CONTRACT_DESTRUCTIVE=1 tests stay there until an operator returns them.',
  );
  return devices;
}

/** Creates runs and cancels every one of them on {@link RunTracker.cleanup}. */
export class RunTracker {
  private readonly ids = new Set<string>();

  constructor(private readonly target: ContractTarget) {}

  /** `POST /api/runs[?include=]` and remembers the run id when one is created. */
  async create(body: Json, include?: string): Promise<WireResponse> {
    const query = include === undefined ? '' : `?include=${include}`;
    const res = await this.target.api.post(`/api/runs${query}`, body);
    if (res.status === 201 && typeof (res.json as Json).id === 'string')
      this.ids.add((res.json as Json).id as string);
    return res;
  }

  /** Creates a run that must succeed (201) and returns the RunCreateResponse. */
  async reserve(requirements: Json[], extra: Json = {}, include?: string): Promise<Json> {
    const res = await this.create({ name: uniqueName('run'), requirements, ...extra }, include);
    const run = assertFields(
      expectOk(res, 'POST /api/runs', 201),
      RUN_CREATE_FIELDS,
      'RunCreateResponse',
      true,
    );
    assert.equal(run.state, 'preparing', 'a new run is preparing');
    assertZ(run.created_at, 'RunCreateResponse.created_at');
    assert.ok(Array.isArray(run.devices), 'RunCreateResponse.devices is an array');
    for (const [i, entry] of (run.devices as unknown[]).entries())
      assertReservedDevice(entry, `devices[${i}]`);
    return run;
  }

  /** Reserves every eligible device of the suite's platform and returns the run and its device ids. */
  async reserveAll(extra: Json = {}): Promise<{ run: Json; deviceIds: string[] }> {
    const run = await this.reserve([allAvailable()], extra);
    const deviceIds = (run.devices as Json[]).map((d) => String(d.device_id));
    return { run, deviceIds };
  }

  /** Cancels every tracked run that is not terminal yet (409s for ended runs are expected). */
  async cleanup(): Promise<void> {
    for (const id of this.ids) {
      await this.target.api.post(`/api/runs/${id}/cancel`).catch(() => undefined);
    }
    this.ids.clear();
  }
}

/** `GET /api/runs/{id}` asserted as a RunDetail. */
export async function getRun(target: ContractTarget, runId: string): Promise<Json> {
  return assertRun(
    expectOk(await target.api.get(`/api/runs/${runId}`), `GET run ${runId}`),
    'RunDetail',
    true,
  );
}

/** `GET /api/devices/{id}` asserted as a device detail (docs/manager-api.md §C4.4). */
export async function getDevice(target: ContractTarget, deviceId: string): Promise<Json> {
  return assertDevice(
    expectOk(await target.api.get(`/api/devices/${deviceId}`), `GET device ${deviceId}`),
    'device',
    true,
  );
}

/** The run entry (ReservedDeviceInfo) of `deviceId` in a RunDetail/RunRead. */
export function entryOf(run: Json, deviceId: string): Json {
  const entries = (run.devices ?? run.reserved_devices) as Json[] | null;
  const entry = entries?.find((e) => e.device_id === deviceId);
  assert.ok(entry, `device ${deviceId} is not an entry of run ${String(run.id)}`);
  return entry;
}

/** `POST /runs/{id}/claim` with `worker_id` that must succeed; returns the ClaimResponse. */
export async function claim(
  target: ContractTarget,
  runId: string,
  workerId: string,
  include?: string,
): Promise<Json> {
  const query = include === undefined ? '' : `?include=${include}`;
  const res = await target.api.post(`/api/runs/${runId}/claim${query}`, { worker_id: workerId });
  return assertClaim(expectOk(res, `claim by ${workerId}`), 'ClaimResponse');
}

/** `POST /runs/{id}/release` for `deviceId` by `workerId`. */
export function release(
  target: ContractTarget,
  runId: string,
  deviceId: string,
  workerId: string,
): Promise<WireResponse> {
  return target.api.post(`/api/runs/${runId}/release`, { device_id: deviceId, worker_id: workerId });
}

/** `POST /runs/{id}/devices/{device}/release-with-cooldown`. */
export function releaseWithCooldown(
  target: ContractTarget,
  runId: string,
  deviceId: string,
  body: Json,
): Promise<WireResponse> {
  return target.api.post(`/api/runs/${runId}/devices/${deviceId}/release-with-cooldown`, body);
}

/** Lets `seconds` of manager time pass: the lab's virtual clock, or a real sleep on a real manager. */
export async function passTime(target: ContractTarget, seconds: number): Promise<void> {
  if (target.isLab) await advanceLabClock(target.api, seconds);
  else await sleep(seconds * 1000);
}

/** Promise-based sleep. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value that is not `undefined` or `deadlineMs` passes (then fails with
 * `what`). Used for the reaper, which runs on its own schedule; this is waiting, not a timing assertion.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs = 40_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`${what}: still not true after ${deadlineMs} ms`);
    await sleep(100);
  }
}
