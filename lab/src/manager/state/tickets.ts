/**
 * New-session tickets of the router generation (docs/manager-api.md §R4.3, §R4.6.1):
 * `waiting → cancelled | expired`; a claimed ticket is dropped (its session row records the claim).
 */
import { isoOffset } from '../http/wire';
import type { TicketRow } from './model';
import type { LabStore } from './store';

const sleepers = new WeakMap<LabStore, Set<() => void>>();
/** Sleepers that only {@link stopWaiters} wakes (`allocation_wake_on_release: false`). */
const tickSleepers = new WeakMap<LabStore, Set<() => void>>();
const stopped = new WeakSet<LabStore>();

/** Sleeps `ms` in `map`'s set for `store`; waking the set ends the sleep early. */
function sleepIn(map: WeakMap<LabStore, Set<() => void>>, store: LabStore, ms: number): Promise<void> {
  let set = map.get(store);
  if (!set) {
    set = new Set();
    map.set(store, set);
  }
  const waiting = set;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiting.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    waiting.add(done);
  });
}

/**
 * Waits up to `ms` between allocation attempts, or less when {@link wakeWaiters} signals that a
 * device may have come free (a session ended, a run ended) — unless `allocation_wake_on_release` is
 * false: then, like the real manager, only the tick (or the lab closing) ends the wait.
 */
export function waitForChange(store: LabStore, ms: number): Promise<void> {
  if (stopped.has(store)) return Promise.resolve();
  return sleepIn(store.settings.allocation_wake_on_release ? sleepers : tickSleepers, store, ms);
}

/** The lab is closing: waiting create-session calls end their slice now (no timer outlives the lab). */
export function stopWaiters(store: LabStore): void {
  stopped.add(store);
  wakeWaiters(store);
  for (const wake of [...(tickSleepers.get(store) ?? [])]) wake();
}

/** Whether {@link stopWaiters} was called for this store. */
export function waitersStopped(store: LabStore): boolean {
  return stopped.has(store);
}

/** Lets every waiting create-session call try again now. */
export function wakeWaiters(store: LabStore): void {
  for (const wake of [...(sleepers.get(store) ?? [])]) wake();
}

/** A fresh waiting ticket for a request (first call, or after a failed Appium create). */
export function mintTicket(
  store: LabStore,
  runId: string | null,
  candidates: Record<string, unknown>[],
): TicketRow {
  const now = store.clock.now();
  const ticket: TicketRow = {
    id: store.newId(),
    status: 'waiting',
    run_id: runId,
    candidates,
    created_at: now,
    last_polled_at: now,
    cancel_message: null,
  };
  store.tickets.push(ticket);
  return ticket;
}

/** The ticket with that id, if the lab still holds it. */
export function findTicket(store: LabStore, id: string): TicketRow | undefined {
  return store.tickets.find((t) => t.id === id);
}

/** Drops a claimed ticket. */
export function dropTicket(store: LabStore, ticket: TicketRow): void {
  store.tickets = store.tickets.filter((t) => t !== ticket);
}

/** Cancels a waiting ticket; a later re-poll answers 400 with `message`. */
export function cancelTicket(ticket: TicketRow, message = 'invalid capabilities'): void {
  if (ticket.status !== 'waiting') return;
  ticket.status = 'cancelled';
  ticket.cancel_message = message;
}

/** Whether a waiting ticket is past the queue timeout or has not been re-polled for too long. */
function isOverdue(store: LabStore, ticket: TicketRow, now: number): boolean {
  const s = store.settings;
  return (
    now > ticket.created_at + s.queue_timeout_sec * 1000 ||
    now > ticket.last_polled_at + s.ticket_stale_sec * 1000
  );
}

/** Expires one ticket if it is overdue; true when it is (now) expired. */
export function expireIfOverdue(store: LabStore, ticket: TicketRow, now: number): boolean {
  if (ticket.status === 'waiting' && isOverdue(store, ticket, now)) ticket.status = 'expired';
  return ticket.status === 'expired';
}

/** The reaper's ticket pass: expires overdue tickets and cancels those of ended runs. */
export function sweepTickets(store: LabStore): void {
  const now = store.clock.now();
  for (const t of store.tickets) {
    if (t.status !== 'waiting') continue;
    const run = t.run_id ? store.runs.get(t.run_id) : undefined;
    if (run && store.isTerminal(run)) cancelTicket(t, runNotLiveMessage(t.run_id ?? '', run.state));
    else expireIfOverdue(store, t, now);
  }
}

/** The 400 text for a run-bound request whose run is missing or terminal. */
export function runNotLiveMessage(runId: string, state: string | null): string {
  const what = state === null ? 'missing' : state;
  return `run ${runId} is ${what}; sessions can only be created for a live (non-terminal) run`;
}

/** Waiting tickets, oldest first. */
export function waitingTickets(store: LabStore): TicketRow[] {
  return store.tickets.filter((t) => t.status === 'waiting').sort((a, b) => a.created_at - b.created_at);
}

/** `GET /api/grid/queue`: the waiting tickets (docs/manager-api.md §R3.12). */
export function gridQueueView(store: LabStore): Record<string, unknown> {
  sweepTickets(store);
  const waiting = waitingTickets(store);
  return {
    queue_size: waiting.length,
    requests: waiting.map((t) => ({
      requestId: t.id,
      capabilities: t.candidates[0] ?? {},
      requestTimestamp: isoOffset(t.created_at),
      runId: t.run_id,
    })),
  };
}

/** The queue and session parts of the router-era `GET /api/grid/status` (docs/manager-api.md §R1.2, Probe A). */
export interface GridStatusParts {
  /** Pending and running rows (probes included). */
  active_sessions: number;
  /** Their `session_id`s (`alloc-<uuid>` while pending). */
  active_session_ids: string[];
  /** Waiting tickets. */
  queue_size: number;
  /** Their ids. */
  queued_request_ids: string[];
}

/** What `GET /api/grid/status` (router generation) reports about sessions and the queue. */
export function gridStatusParts(store: LabStore): GridStatusParts {
  sweepTickets(store);
  const active = store.sessions.filter((s) => s.status === 'pending' || s.status === 'running');
  const waiting = waitingTickets(store);
  return {
    active_sessions: active.length,
    active_session_ids: active.map((s) => s.session_id),
    queue_size: waiting.length,
    queued_request_ids: waiting.map((t) => t.id),
  };
}
