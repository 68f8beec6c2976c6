/** Session registration and status bookkeeping. */
import { ApiError } from '../http/errors';
import type { SessionRow, SessionStatus } from './model';
import { activate } from './runs';
import type { LabStore } from './store';
import { exclusionInForce } from './views';

/** A validated `POST /sessions` body. */
export interface SessionRegister {
  session_id: string;
  test_name: string | null;
  device_id: string | null;
  connection_target: string | null;
  status: SessionStatus;
  requested_pack_id: string | null;
  requested_platform_id: string | null;
  requested_device_type: string | null;
  requested_connection_type: string | null;
  requested_capabilities: Record<string, unknown> | null;
  error_type: string | null;
  error_message: string | null;
}

/** `POST /sessions`: idempotent on session_id; resolves the device and derives the run. */
export function registerSession(store: LabStore, body: SessionRegister): SessionRow {
  const existing = store.sessions.find((s) => s.session_id === body.session_id);
  if (existing) return existing;
  let device = body.device_id ? store.devices.get(body.device_id) : undefined;
  if (!device && body.connection_target !== null) {
    device = [...store.devices.values()].find((d) => d.connection_target === body.connection_target);
  }
  const referenced = body.device_id !== null || body.connection_target !== null;
  if (!device && referenced && body.status === 'running') {
    throw new ApiError(404, 'No matching device found for running session target');
  }
  const now = store.clock.now();
  const reservation = device ? store.activeReservation(device.id) : undefined;
  const runId = reservation && !exclusionInForce(reservation, now) ? reservation.run_id : null;
  const row: SessionRow = {
    id: store.newId(),
    session_id: body.session_id,
    test_name: body.test_name,
    started_at: now,
    ended_at: body.status === 'running' ? null : now,
    status: body.status,
    requested_pack_id: body.requested_pack_id,
    requested_platform_id: body.requested_platform_id,
    requested_device_type: body.requested_device_type,
    requested_connection_type: body.requested_connection_type,
    requested_capabilities: body.requested_capabilities,
    error_type: body.error_type,
    error_message: body.error_message,
    run_id: runId,
    device_id: device?.id ?? null,
  };
  store.sessions.push(row);
  if (device && body.status === 'running') {
    device.operational_state = 'busy';
    device.updated_at = now;
    const run = runId ? store.runs.get(runId) : undefined;
    const from = store.settings.lifecycle === 'target' ? 'preparing' : 'ready';
    if (run && run.state === from) activate(store, run);
  }
  return row;
}

/** The most recently started session with that WebDriver id, or 404. */
export function requireSession(store: LabStore, sessionId: string): SessionRow {
  let found: SessionRow | undefined;
  for (const s of store.sessions) {
    if (s.session_id === sessionId && (!found || s.started_at >= found.started_at)) found = s;
  }
  if (!found) throw new ApiError(404, 'Session not found');
  return found;
}

/** `PATCH /sessions/{id}/status`: any transition; ending frees the device when nothing else runs. */
export function updateSessionStatus(store: LabStore, sessionId: string, status: SessionStatus): SessionRow {
  const s = requireSession(store, sessionId);
  const now = store.clock.now();
  s.status = status;
  if (status !== 'running') {
    s.ended_at ??= now;
    const device = s.device_id ? store.devices.get(s.device_id) : undefined;
    if (device) store.freeDevice(device, now);
  }
  return s;
}

/** `POST /sessions/{id}/finished`: stamps ended_at once; status and device untouched. */
export function sessionFinished(store: LabStore, sessionId: string): void {
  const s = requireSession(store, sessionId);
  s.ended_at ??= store.clock.now();
}
