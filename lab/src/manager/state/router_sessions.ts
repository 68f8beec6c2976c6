/**
 * Router-era session calls of the public API (docs/manager-api.md §R5.4, §R3.12): the
 * status report and the operator kill. Rows are created by the internal grid (admission.ts `claim`,
 * appium_sessions.ts `promote` / `closeAsEnded`).
 */
import { ApiError } from '../http/errors';
import { deleteAtAppium } from './appium_sessions';
import type { SessionRow, SessionStatus } from './model';
import { requireSession } from './sessions';
import type { LabStore } from './store';
import { wakeWaiters } from './tickets';

/** Closes a live row now (ended_at stamped, device freed, waiters woken); Appium is not called. */
function closeNow(store: LabStore, row: SessionRow): void {
  const now = store.clock.now();
  row.ended_at = now;
  const device = row.device_id ? store.devices.get(row.device_id) : undefined;
  if (device) store.freeDevice(device, now);
  wakeWaiters(store);
}

/**
 * `PATCH /sessions/{id}/status`: after the row ended only `status` changes; before, a terminal
 * status (or `pending`) also closes the row while Appium keeps the session; `running` only rewrites.
 */
export function reportSessionStatus(
  store: LabStore,
  sessionId: string,
  status: SessionStatus | 'pending',
): SessionRow {
  const row = requireSession(store, sessionId);
  const live = row.ended_at === null && (row.status === 'running' || row.status === 'pending');
  row.status = status;
  if (live && status !== 'running') closeNow(store, row);
  return row;
}

/** `POST /sessions/{id}/kill`: DELETEs a running session at Appium, row `error` / `operator_kill`. */
export async function killSession(
  store: LabStore,
  sessionId: string,
): Promise<{ terminated: boolean; row: SessionRow }> {
  const row = requireSession(store, sessionId);
  if (row.status !== 'running' || row.ended_at !== null) throw new ApiError(409, 'Session is not running');
  const terminated = row.target ? await deleteAtAppium(row.target, row.session_id) : true;
  row.status = 'error';
  row.error_type = 'operator_kill';
  row.error_message = 'killed by operator';
  closeNow(store, row);
  return { terminated, row };
}
