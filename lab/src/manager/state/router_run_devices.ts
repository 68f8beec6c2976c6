/**
 * Router-era cooldown and preparation failure of a run's device (docs/manager-api.md, router era
 * docs/manager-api.md §R3.8, §R3.9, §R6.5): both can release the device from the run, neither touches a running session.
 */
import { ApiError } from '../http/errors';
import { isoZ } from '../http/wire';
import type { DeviceRow, ReservationRow } from './model';
import type { LabStore } from './store';
import { wakeWaiters } from './tickets';
import { runView } from './views';

/** A validated cooldown body. */
export interface RouterCooldown {
  reason: string;
  ttl_seconds: number;
}

function unreleased(store: LabStore, runId: string, deviceId: string): ReservationRow | undefined {
  return store.runReservations(runId).find((r) => r.device_id === deviceId && r.released_at === null);
}

/**
 * Releases one device from its run: `released_at`, exclusion cleared, `exclusion_reason` = why; the
 * device goes into maintenance when `run_failure_escalates_to_maintenance`, else becomes free.
 */
function releaseFromRun(store: LabStore, r: ReservationRow, device: DeviceRow, reason: string): void {
  const now = store.clock.now();
  r.released_at = now;
  r.excluded = false;
  r.excluded_at = null;
  r.excluded_until = null;
  r.exclusion_reason = reason;
  if (store.settings.run_failure_escalates_to_maintenance) {
    device.hold = 'maintenance';
    device.lifecycle = { state: 'suppressed', label: 'Suppressed', detail: reason };
    device.needs_attention = true;
  } else if (device.hold === 'reserved') device.hold = null;
  device.updated_at = now;
  store.freeDevice(device, now);
  wakeWaiters(store);
}

/** `POST /runs/{id}/devices/{device_id}/cooldown` after the schema check (docs/manager-api.md §R3.8). */
export function cooldownDevice(
  store: LabStore,
  runId: string,
  deviceId: string,
  body: RouterCooldown,
): Record<string, unknown> {
  const max = store.settings.device_cooldown_max_sec;
  if (body.ttl_seconds > max) throw new ApiError(422, `ttl_seconds must be <= ${max}`);
  const reason = body.reason.trim();
  if (reason === '') throw new ApiError(409, 'Cooldown reason is required');
  const run = store.runs.get(runId);
  if (!run) throw new ApiError(404, 'Run not found');
  if (store.isTerminal(run)) throw new ApiError(409, `Cannot cooldown device in terminal run '${run.state}'`);
  const device = store.devices.get(deviceId);
  if (!device) throw new ApiError(404, 'Device not found');
  const r = unreleased(store, runId, deviceId);
  if (!r) throw new ApiError(409, `Device ${deviceId} is not actively reserved by this run`);
  r.cooldown_count += 1;
  const threshold = store.settings.cooldown_escalation_threshold;
  if (threshold === 0 || r.cooldown_count < threshold) {
    const now = store.clock.now();
    r.excluded = true;
    r.exclusion_reason = reason;
    r.excluded_at = now;
    r.excluded_until = now + body.ttl_seconds * 1000;
    return {
      status: 'cooldown_set',
      excluded_until: isoZ(r.excluded_until),
      cooldown_count: r.cooldown_count,
    };
  }
  releaseFromRun(
    store,
    r,
    device,
    `Exceeded cooldown threshold (${r.cooldown_count}/${threshold}): ${reason}`,
  );
  const status = store.settings.run_failure_escalates_to_maintenance ? 'maintenance_escalated' : 'released';
  return { status, cooldown_count: r.cooldown_count, threshold };
}

/**
 * `POST /runs/{id}/devices/{device_id}/preparation-failed` (docs/manager-api.md §R3.9): releases the device
 * from the run; the retry of a report that already committed (same message) answers 200 again.
 */
export function routerPreparationFailed(
  store: LabStore,
  runId: string,
  deviceId: string,
  message: string,
): Record<string, unknown> {
  const text = message.trim();
  if (text === '') throw new ApiError(409, 'Preparation failure message is required');
  const run = store.runs.get(runId);
  if (!run) throw new ApiError(409, 'Run not found');
  if (store.isTerminal(run)) {
    throw new ApiError(409, `Cannot report preparation failure for terminal run '${run.state}'`);
  }
  const device = store.devices.get(deviceId);
  if (!device) throw new ApiError(409, 'Device not found');
  const r = unreleased(store, runId, deviceId);
  if (!r) {
    const newest = store
      .runReservations(runId)
      .filter((x) => x.device_id === deviceId)
      .pop();
    if (newest?.exclusion_reason === text) return runView(store, run, store.clock.now());
    throw new ApiError(409, 'Device is not actively reserved by this run');
  }
  releaseFromRun(store, r, device, text);
  return runView(store, run, store.clock.now());
}
