/**
 * The router-era manager's own calls to Appium and the session-row transitions they drive
 * (docs/manager-api.md §R4.6.1 step 4, docs/manager-api.md §R4.6.6, §R5.3, §R6.3).
 */
import type { RunRow, SessionRow } from './model';
import type { LabStore } from './store';
import { wakeWaiters } from './tickets';

/** What Appium answered to `POST {target}/session`. */
export type AppiumCreate =
  | { kind: 'created'; status: number; body: Record<string, unknown>; sessionId: string; caps: unknown }
  | { kind: 'refused'; status: number; body: Record<string, unknown> }
  | { kind: 'failed'; rowMessage: string; message: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `actual_capabilities` above this size are dropped, as on the manager. */
const MAX_ACTUAL_CAPS_BYTES = 32 * 1024;
/** A teardown DELETE that takes longer counts as failed. */
const DELETE_TIMEOUT_MS = 10_000;

/** Why fetch failed, in one line (undici hides the socket error in `cause`). */
function fetchFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return (err as Error).name === 'TimeoutError' ? 'timed out' : String((err as Error).message ?? err);
}

/** `POST {target}/session` with the body sent as is; classifies the answer like the manager. */
export async function createAtAppium(
  target: string,
  body: unknown,
  timeoutMs: number,
): Promise<AppiumCreate> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${target}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const message = `appium unreachable: ${fetchFailure(err)}`;
    return { kind: 'failed', rowMessage: message, message };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const value = isObject(json) && isObject(json.value) ? json.value : undefined;
  if (res.status < 200 || res.status > 299) {
    if (isObject(json) && typeof value?.error === 'string') {
      return { kind: 'refused', status: res.status, body: json };
    }
    return {
      kind: 'failed',
      rowMessage: `appium returned ${res.status}`,
      message: `appium returned ${res.status}: ${text.slice(0, 512)}`,
    };
  }
  const sessionId = value?.sessionId ?? (isObject(json) ? json.sessionId : undefined);
  if (typeof sessionId !== 'string' || sessionId === '' || !isObject(json)) {
    const message = 'appium response missing sessionId';
    return { kind: 'failed', rowMessage: message, message };
  }
  return { kind: 'created', status: res.status, body: json, sessionId, caps: value?.capabilities };
}

/** `DELETE {target}/session/{id}`; true when the session is gone (2xx or 404). */
export async function deleteAtAppium(target: string, sessionId: string): Promise<boolean> {
  try {
    const res = await fetch(`${target}/session/${encodeURIComponent(sessionId)}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(DELETE_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.ok || res.status === 404;
  } catch {
    return false;
  }
}

/**
 * Stamps the end of a live row and frees its device (waiters may take it at once), unless `keepBusy`:
 * a run about to end keeps its devices busy until its reservations are released.
 */
function closeRow(
  store: LabStore,
  row: SessionRow,
  status: 'passed' | 'error',
  errorType: string | null,
  message: string | null,
  keepBusy = false,
): void {
  const now = store.clock.now();
  row.status = status;
  row.error_type = errorType;
  row.error_message = message;
  row.ended_at ??= now;
  if (keepBusy) return;
  const device = row.device_id ? store.devices.get(row.device_id) : undefined;
  if (device) store.freeDevice(device, now);
  wakeWaiters(store);
}

/** The `run_released` text: the run's error, else "Run ended while session was still running (…)". */
function releasedMessage(run: RunRow, state: string, error: string | null): string {
  return error ?? run.error ?? `Run ended while session was still running (${state})`;
}

/**
 * Closes a row the way a client DELETE does: `passed`, or `error` / `run_released` when its run
 * ended otherwise than completed.
 */
export function closeAsEnded(store: LabStore, row: SessionRow): void {
  const run = row.run_id ? store.runs.get(row.run_id) : undefined;
  if (run && store.isTerminal(run) && run.state !== 'completed') {
    closeRow(store, row, 'error', 'run_released', releasedMessage(run, run.state, null));
  } else closeRow(store, row, 'passed', null, null);
}

/** A pending row whose Appium create failed or was interrupted. */
export function failAllocation(store: LabStore, row: SessionRow, message: string): void {
  closeRow(store, row, 'error', 'allocation_failed', message);
}

/** Promotes a pending row once Appium returned a session id. */
export function promote(row: SessionRow, sessionId: string, caps: unknown): void {
  row.status = 'running';
  row.session_id = sessionId;
  const size = isObject(caps) ? Buffer.byteLength(JSON.stringify(caps)) : 0;
  row.actual_capabilities = isObject(caps) && size <= MAX_ACTUAL_CAPS_BYTES ? caps : null;
}

/** Live rows (pending, or running and not ended). */
export function liveRows(store: LabStore, filter: (row: SessionRow) => boolean): SessionRow[] {
  return store.sessions.filter(
    (s) => (s.status === 'pending' || (s.status === 'running' && s.ended_at === null)) && filter(s),
  );
}

/**
 * Ends a running row and its Appium session (DELETE first; a failed DELETE leaves it running for a
 * later sweep). Returns whether the row was closed.
 */
export async function deleteAndClose(store: LabStore, row: SessionRow): Promise<boolean> {
  if (row.target && !(await deleteAtAppium(row.target, row.session_id))) return false;
  if (row.status === 'running' && row.ended_at === null) closeAsEnded(store, row);
  return true;
}

/**
 * Router generation, before a run ends by cancel / expiry / force-release: DELETEs the run's live
 * Appium sessions, then closes their rows `error` / `run_released` (a row whose DELETE failed stays
 * running). Pending rows close at once; their in-flight create rolls back. No-op otherwise.
 * Returns the rows it closed.
 */
export async function releaseRunSessions(
  store: LabStore,
  run: RunRow,
  state: 'cancelled' | 'expired',
  error: string | null,
): Promise<SessionRow[]> {
  if (store.settings.generation !== 'router' || store.isTerminal(run)) return [];
  const message = releasedMessage(run, state, error);
  const closed: SessionRow[] = [];
  await Promise.all(
    liveRows(store, (s) => s.run_id === run.id).map(async (row) => {
      const pending = row.status === 'pending';
      if (!pending && row.target && !(await deleteAtAppium(row.target, row.session_id))) return;
      if (pending || (row.status === 'running' && row.ended_at === null)) {
        closeRow(store, row, 'error', 'run_released', message, true);
        closed.push(row);
      }
    }),
  );
  return closed;
}

/**
 * Router generation, before a run completes: closes its live rows `passed` without touching
 * Appium (the route vanishes; the Appium session is left to Appium's own timeout).
 */
export function completeRunSessions(store: LabStore, run: RunRow): void {
  if (store.settings.generation !== 'router' || store.isTerminal(run)) return;
  for (const row of liveRows(store, (s) => s.run_id === run.id)) {
    if (row.status === 'pending')
      closeRow(store, row, 'error', 'run_released', releasedMessage(run, 'completed', null), true);
    else closeRow(store, row, 'passed', null, null, true);
  }
}
