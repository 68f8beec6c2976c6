/**
 * `POST /internal/grid/create-session` (docs/manager-api.md §R4.6.1): one long-poll
 * slice of allocation attempts, the claim, and the Appium create the lab itself makes.
 */
import { FAKE_APP_PATH } from '../lab_file';
import { claim, findDevice } from './admission';
import {
  closeAsEnded,
  createAtAppium,
  deleteAtAppium,
  failAllocation,
  liveRows,
  promote,
} from './appium_sessions';
import { capabilityCandidates, checkCandidates, InvalidSessionRequest } from './capability_match';
import type { DeviceRow, SessionRow, TicketRow } from './model';
import type { LabStore } from './store';
import {
  cancelTicket,
  expireIfOverdue,
  findTicket,
  mintTicket,
  runNotLiveMessage,
  waitersStopped,
  waitForChange,
} from './tickets';

/** A validated create-session call. */
export interface CreateSessionCall {
  /** The client's W3C new-session body. */
  body: Record<string, unknown>;
  ticket: string | null;
  run_id: string | null;
  /** `X-Gridfleet-Create-Budget-Ms` (265 000 when absent). */
  budgetMs: number;
}

/** Status and body of the answer. */
export interface CreateSessionAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The router's default budget when it sends no header. */
export const DEFAULT_CREATE_BUDGET_MS = 265_000;
/** No further device is tried with less budget than this. */
const MIN_RETRY_BUDGET_MS = 20_000;
/** Devices whose create failed (unreachable, non-W3C, no id) before the call gives up. */
const MAX_FAILED_DEVICES = 3;

function answer(status: string, fields: Record<string, unknown> = {}): CreateSessionAnswer {
  return {
    status: 200,
    body: {
      status,
      session_id: null,
      target: null,
      device_id: null,
      appium_status: null,
      appium_body: null,
      ticket: null,
      message: null,
      ...fields,
    },
  };
}
const invalid = (message: string): CreateSessionAnswer => ({
  status: 400,
  body: { status: 'invalid', message },
});
const EXPIRED: CreateSessionAnswer = { status: 410, body: { status: 'expired', message: 'queue timeout' } };

/** Step 1: a re-sent ticket means the router lost our answer; undo what that claim created. */
export async function tearDownClaimOf(store: LabStore, ticketId: string): Promise<void> {
  for (const row of liveRows(store, (s) => s.ticket_id === ticketId)) {
    if (row.status === 'pending') failAllocation(store, row, 'create interrupted; retried by router');
    else if (row.target && (await deleteAtAppium(row.target, row.session_id))) closeAsEnded(store, row);
  }
}

/** The run check of a run-bound request: null when the run is live, else the 400 text. */
function runProblem(store: LabStore, runId: string | null): string | null {
  if (runId === null) return null;
  const run = store.runs.get(runId);
  if (!run) return runNotLiveMessage(runId, null);
  return store.isTerminal(run) ? runNotLiveMessage(runId, run.state) : null;
}

/**
 * The body sent to Appium: the client's, plus `appium:app` (the fake driver's XML app) for a
 * device on a `Fake` platform when the client sent no app and `appium_add_fake_app` is on.
 */
function appiumBody(store: LabStore, device: DeviceRow, body: Record<string, unknown>): unknown {
  const platform = store.platform(device.pack_id, device.platform_id);
  if (!store.settings.appium_add_fake_app || platform?.automation_name.toLowerCase() !== 'fake') return body;
  const caps = body.capabilities as Record<string, unknown>;
  const always = (caps.alwaysMatch ?? {}) as Record<string, unknown>;
  const first = (caps.firstMatch ?? []) as Record<string, unknown>[];
  const hasApp = [always, ...first].some((c) => 'appium:app' in c || 'app' in c);
  if (hasApp) return body;
  return { ...body, capabilities: { ...caps, alwaysMatch: { ...always, 'appium:app': FAKE_APP_PATH } } };
}

type CreateOutcome = { done: CreateSessionAnswer } | { retry: string }; // the device failed; the message for create_error

/** Step 4: the Appium create for a claimed row, and the row's fate. */
async function createFor(
  store: LabStore,
  row: SessionRow,
  device: DeviceRow,
  body: Record<string, unknown>,
  budgetEnd: number,
): Promise<CreateOutcome> {
  const target = row.target ?? '';
  const windowMs = Math.min((store.settings.claim_window_sec - 5) * 1000, 240_000);
  const timeoutMs = Math.max(1000, Math.min(windowMs, budgetEnd - Date.now() - 5000));
  const r = await createAtAppium(target, appiumBody(store, device, body), timeoutMs);
  if (row.status !== 'pending' || !store.sessions.includes(row)) {
    // Re-sent, its run ended or the lab was reset while Appium worked: the new session must not survive.
    if (r.kind === 'created') await deleteAtAppium(target, r.sessionId);
    return { done: answer('create_error', { message: 'allocation no longer pending; session rolled back' }) };
  }
  if (r.kind === 'created') {
    promote(row, r.sessionId, r.caps);
    return {
      done: answer('created', {
        session_id: r.sessionId,
        target,
        device_id: device.id,
        appium_status: r.status,
        appium_body: r.body,
      }),
    };
  }
  if (r.kind === 'refused') {
    failAllocation(store, row, `appium returned ${r.status}`);
    return { done: answer('create_failed', { appium_status: r.status, appium_body: r.body }) };
  }
  failAllocation(store, row, r.rowMessage);
  // The manager marks the device's node down: the device goes offline until someone brings it back.
  device.operational_state = 'offline';
  device.updated_at = store.clock.now();
  return { retry: r.message };
}

/** Parses the body (run check first, as the manager does); the 400 text when it is invalid. */
function candidatesOf(store: LabStore, call: CreateSessionCall): Record<string, unknown>[] | string {
  const problem = runProblem(store, call.run_id);
  if (problem) return problem;
  try {
    const candidates = capabilityCandidates(call.body);
    checkCandidates(store, candidates);
    return candidates;
  } catch (err) {
    if (err instanceof InvalidSessionRequest) return err.message;
    throw err;
  }
}

/** One create-session call: answers created, queued, create_failed, create_error, 400 or 410. */
export async function createSession(store: LabStore, call: CreateSessionCall): Promise<CreateSessionAnswer> {
  const started = Date.now();
  const budgetEnd = started + call.budgetMs;
  const sliceEnd = started + Math.min(store.settings.create_session_slice_sec * 1000, call.budgetMs);
  if (call.ticket !== null) await tearDownClaimOf(store, call.ticket);
  let ticket: TicketRow | undefined = call.ticket === null ? undefined : findTicket(store, call.ticket);
  if (ticket?.status === 'cancelled') return invalid(ticket.cancel_message ?? 'invalid capabilities');
  if (ticket && expireIfOverdue(store, ticket, store.clock.now())) return EXPIRED;
  const candidates = candidatesOf(store, call);
  if (typeof candidates === 'string') {
    if (ticket) cancelTicket(ticket, candidates);
    return invalid(candidates);
  }
  if (ticket) ticket.candidates = candidates;
  else ticket = mintTicket(store, call.run_id, candidates);
  const excluded = new Set<string>();
  let failedMessage: string | null = null;
  for (;;) {
    const now = store.clock.now();
    if (ticket.status === 'cancelled') return invalid(ticket.cancel_message ?? 'invalid capabilities');
    if (expireIfOverdue(store, ticket, now)) return EXPIRED;
    ticket.last_polled_at = now;
    const problem = runProblem(store, call.run_id);
    if (problem) {
      cancelTicket(ticket, problem);
      return invalid(problem);
    }
    const found = findDevice(store, ticket, excluded);
    if (found) {
      const row = claim(store, ticket, found);
      const outcome = await createFor(store, row, found.device, call.body, budgetEnd);
      if ('done' in outcome) return outcome.done;
      excluded.add(found.device.id);
      failedMessage = outcome.retry;
      if (excluded.size >= MAX_FAILED_DEVICES || budgetEnd - Date.now() < MIN_RETRY_BUDGET_MS) {
        return answer('create_error', { message: failedMessage });
      }
      // Back to waiting under a fresh ticket: the request loses its FIFO place and its queue clock restarts.
      ticket = mintTicket(store, call.run_id, candidates);
      continue;
    }
    const left = sliceEnd - Date.now();
    if (left <= 0 || waitersStopped(store)) return answer('queued', { ticket: ticket.id });
    await waitForChange(store, Math.min(store.settings.allocation_retry_sec * 1000, left));
  }
}
