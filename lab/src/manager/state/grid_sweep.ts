/**
 * The lab's periodic sweep in the router generation (docs/manager-api.md §R4.3, §R4.4,
 * docs/manager-api.md §R6.4): ticket expiry, run expiry with Appium teardown first, idle and never-commanded reaping.
 * The claim generation keeps the plain run reaper.
 */
import { deleteAndClose, liveRows, releaseRunSessions } from './appium_sessions';
import type { SessionRow } from './model';
import { expiryError, reap } from './run_end';
import type { LabStore } from './store';
import { sweepTickets, wakeWaiters } from './tickets';

/** `grid.session_idle_timeout_ceiling_sec`: the most a client's `appium:newCommandTimeout` stretches idling. */
const IDLE_CEILING_SEC = 7200;

/** Idle limit of a row in ms: the lab setting, stretched by a larger `appium:newCommandTimeout` (0 = ceiling). */
function idleLimitMs(store: LabStore, row: SessionRow): number {
  const base = store.settings.session_idle_timeout_sec;
  const asked = row.requested_capabilities?.['appium:newCommandTimeout'];
  if (typeof asked !== 'number') return base * 1000;
  if (asked === 0) return IDLE_CEILING_SEC * 1000;
  return Math.max(base, Math.min(asked, IDLE_CEILING_SEC)) * 1000;
}

/** Running rows the idle (commands stopped) or first-command (never commanded) rule reaps now. */
function idleRows(store: LabStore, now: number): SessionRow[] {
  const graceMs = store.settings.session_first_command_grace_sec * 1000;
  return liveRows(store, (s) => s.status === 'running' && s.target != null).filter((row) =>
    row.last_activity_at == null
      ? now - row.started_at > graceMs
      : now - row.last_activity_at > idleLimitMs(store, row),
  );
}

/**
 * One sweep. Router generation: expires tickets, DELETEs the Appium sessions of runs about to expire
 * before expiring them, reaps idle sessions (closed like a DELETE). Returns the expired run ids.
 */
export async function sweep(store: LabStore): Promise<string[]> {
  if (store.settings.generation !== 'router') return reap(store);
  sweepTickets(store);
  const released: SessionRow[] = [];
  for (const run of [...store.runs.values()]) {
    if (store.isTerminal(run)) continue;
    const error = expiryError(run, store.clock.now(), true);
    if (error !== null) released.push(...(await releaseRunSessions(store, run, 'expired', error)));
  }
  const expired = reap(store);
  // The rows carry the run's final error (the reaper may word it more fully than expiryError).
  for (const row of released) {
    const run = row.run_id ? store.runs.get(row.run_id) : undefined;
    if (run?.error) row.error_message = run.error;
  }
  sweepTickets(store);
  if (expired.length > 0) wakeWaiters(store);
  await Promise.all(idleRows(store, store.clock.now()).map((row) => deleteAndClose(store, row)));
  return expired;
}
