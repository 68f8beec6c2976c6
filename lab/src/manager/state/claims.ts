/** Worker claims: claim, release, release-with-cooldown, and preparation failures. */
import { ApiError } from '../http/errors';
import { isoOffsetOrNull, isoZ } from '../http/wire';
import type { IncludeSet } from './includes';
import { hydrate } from './includes';
import type { ReservationRow, RunRow } from './model';
import type { LabStore } from './store';
import { claimView, reservedDeviceView, runView } from './views';

function randomHex8(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}

/** Clears claims older than the claim TTL (the lazy stale-claim sweep done at each claim call). */
function sweepStaleClaims(store: LabStore, run: RunRow, now: number): void {
  const ttlMs = store.settings.claim_ttl_seconds * 1000;
  for (const r of store.runReservations(run.id)) {
    if (r.released_at !== null || r.claimed_at === null || r.claimed_at + ttlMs > now) continue;
    r.claimed_by = null;
    r.claimed_at = null;
    const device = store.devices.get(r.device_id);
    if (device && device.hold !== 'maintenance') store.freeDevice(device, now);
  }
}

/** `POST /runs/{id}/claim`. */
export function claim(
  store: LabStore,
  runId: string,
  workerId: string | null,
  includes: IncludeSet,
): unknown {
  const run = store.runs.get(runId);
  if (!run) throw new ApiError(404, 'Run not found');
  if (store.isTerminal(run))
    throw new ApiError(409, `Cannot claim device from run in terminal state '${run.state}'`);
  const now = store.clock.now();
  sweepStaleClaims(store, run, now);
  const open = store.runReservations(run.id).filter((r) => r.released_at === null);
  // Candidates in reservation-row order (creation time, then row id): arbitrary but stable.
  const candidate = open
    .filter(
      (r) => r.claimed_by === null && (!r.excluded || (r.excluded_until !== null && r.excluded_until <= now)),
    )
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
  if (!candidate) {
    const next = open
      .map((r) => r.excluded_until)
      .filter((t): t is number => t !== null && t > now)
      .sort((a, b) => a - b)[0];
    const retry = store.settings.retry_after_sec;
    const message = 'No unclaimed devices available in this run';
    throw new ApiError(
      409,
      {
        message,
        error: 'no_claimable_devices',
        retry_after_sec: retry,
        next_available_at: isoOffsetOrNull(next ?? null),
      },
      { 'retry-after': String(retry) },
    );
  }
  candidate.claimed_by = workerId ?? `anonymous-${randomHex8()}`;
  candidate.claimed_at = now;
  if (candidate.excluded) {
    candidate.excluded = false;
    candidate.exclusion_reason = null;
    candidate.excluded_at = null;
    candidate.excluded_until = null;
  }
  const device = store.devices.get(candidate.device_id);
  if (device && device.hold !== 'maintenance') {
    device.operational_state = 'busy';
    device.updated_at = now;
  }
  return claimView(store, candidate, hydrate(store, candidate.device_id, includes));
}

function latestReservation(store: LabStore, runId: string, deviceId: string): ReservationRow | undefined {
  return store
    .runReservations(runId)
    .filter((r) => r.device_id === deviceId)
    .pop();
}

function checkOwner(r: ReservationRow, deviceId: string, workerId: string): void {
  if (r.claimed_by === null) throw new ApiError(409, `Device ${deviceId} is not claimed`);
  if (r.claimed_by !== workerId) throw new ApiError(409, `Device ${deviceId} is claimed by another worker`);
}

/** `POST /runs/{id}/release` (device id already validated as a UUID). */
export function release(store: LabStore, runId: string, deviceId: string, workerId: string): unknown {
  if (!store.runs.has(runId)) throw new ApiError(404, 'Run not found');
  const r = latestReservation(store, runId, deviceId);
  if (!r || !store.devices.has(deviceId))
    throw new ApiError(409, `Device ${deviceId} is not reserved by this run`);
  if (r.released_at !== null) return { status: 'released' };
  checkOwner(r, deviceId, workerId);
  r.claimed_by = null;
  r.claimed_at = null;
  const device = store.devices.get(deviceId);
  if (device && device.hold !== 'maintenance') store.freeDevice(device, store.clock.now());
  return { status: 'released' };
}

/** A validated release-with-cooldown body. */
export interface CooldownRequest {
  worker_id: string;
  reason: string;
  ttl_seconds: number;
}

/** `POST /runs/{id}/devices/{device_id}/release-with-cooldown`. */
export function releaseWithCooldown(
  store: LabStore,
  runId: string,
  deviceId: string,
  body: CooldownRequest,
): unknown {
  const s = store.settings;
  if (body.ttl_seconds > s.device_cooldown_max_sec) {
    throw new ApiError(422, `ttl_seconds must be <= ${s.device_cooldown_max_sec}`);
  }
  const reason = body.reason.trim();
  if (reason === '') throw new ApiError(409, 'Cooldown reason is required');
  const run = store.runs.get(runId);
  if (!run) throw new ApiError(404, 'Run not found');
  if (store.isTerminal(run))
    throw new ApiError(409, `Cannot release device from terminal run '${run.state}'`);
  const device = store.devices.get(deviceId);
  if (!device) throw new ApiError(404, 'Device not found');
  const r = store.runReservations(runId).find((x) => x.device_id === deviceId && x.released_at === null);
  if (!r) throw new ApiError(409, `Device ${deviceId} is not actively reserved by this run`);
  checkOwner(r, deviceId, body.worker_id);
  const now = store.clock.now();
  r.claimed_by = null;
  r.claimed_at = null;
  r.cooldown_count += 1;
  const threshold = s.cooldown_escalation_threshold;
  r.excluded = true;
  r.excluded_at = now;
  device.updated_at = now;
  if (threshold === 0 || r.cooldown_count < threshold) {
    r.exclusion_reason = reason;
    r.excluded_until = now + body.ttl_seconds * 1000;
    // Recomputed unconditionally, even if a session still runs on the device.
    device.operational_state = store.restingState(device);
    return {
      status: 'cooldown_set',
      reservation: reservedDeviceView(store, r, store.clock.now()),
      device_operational_state: device.operational_state,
      device_hold: device.hold,
      retry_after_sec: body.ttl_seconds,
      excluded_until: isoZ(r.excluded_until),
    };
  }
  r.exclusion_reason = `Exceeded cooldown threshold (${r.cooldown_count}/${threshold}): ${reason}`;
  r.excluded_until = null;
  device.hold = 'maintenance';
  device.needs_attention = true;
  return {
    status: 'maintenance_escalated',
    reservation: reservedDeviceView(store, r, store.clock.now()),
    device_operational_state: device.operational_state,
    device_hold: device.hold,
    cooldown_count: r.cooldown_count,
    threshold,
  };
}

/** `POST /runs/{id}/devices/{device_id}/preparation-failed`. */
export function preparationFailed(
  store: LabStore,
  runId: string,
  deviceId: string,
  message: string,
): unknown {
  const run = store.runs.get(runId);
  if (!run) throw new ApiError(409, 'Run not found');
  if (store.isTerminal(run)) {
    throw new ApiError(409, `Cannot report preparation failure for terminal run '${run.state}'`);
  }
  const r = store.runReservations(runId).find((x) => x.device_id === deviceId && x.released_at === null);
  if (!r) throw new ApiError(409, 'Device is not actively reserved by this run');
  const text = message.trim();
  if (text === '') throw new ApiError(409, 'Preparation failure message is required');
  const device = store.devices.get(deviceId);
  if (!device) throw new ApiError(409, 'Device not found');
  const now = store.clock.now();
  r.excluded = true;
  r.exclusion_reason = text;
  r.excluded_at = now;
  r.excluded_until = null;
  device.hold = 'maintenance';
  device.health = { healthy: false, summary: text, last_checked_at: store.clock.now() };
  if (device.operational_state === 'available') device.operational_state = 'offline';
  device.lifecycle = { state: 'excluded', label: 'Excluded', detail: `Excluded from ${run.name}` };
  device.needs_attention = true;
  device.updated_at = now;
  return runView(store, run, store.clock.now());
}
