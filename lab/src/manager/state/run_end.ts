/** What happens to reservations, devices and sessions when a run ends (complete/cancel/expire/force). */
import type { RunRow, RunState } from './model';
import type { LabStore } from './store';

/**
 * Ends a run: stamps state/error/completed_at, releases its reservations (claims cleared, devices
 * lose `hold: "reserved"`, busy devices without a running session go back to rest), and for
 * cancel/expire/force-release ends the run's running sessions as `error` / `run_released`.
 */
export function endRun(
  store: LabStore,
  run: RunRow,
  state: RunState,
  error: string | null,
  killSessions: boolean,
): void {
  const now = store.clock.now();
  run.state = state;
  run.error = error;
  run.completed_at = now;
  // The router generation closes them itself, after DELETEing their Appium sessions (appium_sessions.ts).
  if (killSessions && store.settings.generation !== 'router') {
    for (const s of store.sessions) {
      if (s.run_id === run.id && s.status === 'running') {
        s.status = 'error';
        s.error_type = 'run_released';
        s.ended_at ??= now;
      }
    }
  }
  for (const r of store.runReservations(run.id)) {
    if (r.released_at !== null) continue;
    r.released_at = now;
    r.claimed_by = null;
    r.claimed_at = null;
    const device = store.devices.get(r.device_id);
    if (!device) continue;
    if (device.hold === 'reserved') device.hold = null;
    if (device.hold === 'maintenance') {
      device.lifecycle = {
        state: 'suppressed',
        label: 'Suppressed',
        detail: 'Device is in maintenance mode',
      };
    }
    device.updated_at = now;
    store.freeDevice(device, now);
  }
}

/**
 * Why a non-terminal run is due to expire now (heartbeat timeout, then absolute TTL), or null. The
 * router era adds a suffix when the run was still `preparing` (docs/manager-api.md §R6.4).
 */
export function expiryError(run: RunRow, now: number, router = false): string | null {
  let error: string | null = null;
  if (now > run.last_heartbeat + run.heartbeat_timeout_sec * 1000) error = 'Heartbeat timeout';
  else if (now > run.created_at + run.ttl_minutes * 60_000)
    error = `TTL exceeded (${run.ttl_minutes} minutes)`;
  if (error === null || !router || run.state !== 'preparing') return error;
  return `${error}; run was still in \`preparing\` — \`/api/runs/{id}/active\` was never signaled`;
}

/** One reaper pass: expires runs past their heartbeat timeout or absolute TTL. Returns expired ids. */
export function reap(store: LabStore): string[] {
  const expired: string[] = [];
  for (const run of store.runs.values()) {
    if (store.isTerminal(run)) continue;
    const error = expiryError(run, store.clock.now(), store.settings.generation === 'router');
    if (error === null) continue;
    endRun(store, run, 'expired', error, true);
    expired.push(run.id);
  }
  return expired;
}
