/**
 * Which device a new session may take, and the claim that hands it over (docs/manager-api.md,
 * docs/manager-api.md §R4.3, §R4.6.1 step 3).
 */
import { firstMatchingCandidate } from './capability_match';
import type { DeviceRow, ReservationRow, SessionRow, TicketRow } from './model';
import type { LabStore } from './store';
import { dropTicket } from './tickets';

/**
 * The reservation that gates a device: unreleased, on a non-terminal run, and not excluded (an
 * active cooldown or an indefinite exclusion does not gate; an expired cooldown gates again).
 */
function gatingReservation(store: LabStore, device: DeviceRow, now: number): ReservationRow | undefined {
  const r = store.activeReservation(device.id);
  if (!r) return undefined;
  const run = store.runs.get(r.run_id);
  if (!run || store.isTerminal(run)) return undefined;
  if (r.excluded && (r.excluded_until === null || r.excluded_until > now)) return undefined;
  return r;
}

/** Whether the device is in an active cooldown (blocks run-bound and free requests alike). */
function inCooldown(store: LabStore, device: DeviceRow, now: number): boolean {
  const r = store.activeReservation(device.id);
  return r?.excluded === true && r.excluded_until !== null && r.excluded_until > now;
}

/**
 * Whether a request of `runId` (null = free) may take the device now: available, verified, not
 * unhealthy, no live session, not cooling down, and the symmetric reservation gate.
 */
export function admits(store: LabStore, device: DeviceRow, runId: string | null, now: number): boolean {
  if (device.operational_state !== 'available' || device.hold === 'maintenance') return false;
  if (device.readiness_state !== 'verified' || device.health.healthy === false) return false;
  if (store.hasRunningSession(device.id) || inCooldown(store, device, now)) return false;
  const gate = gatingReservation(store, device, now);
  // An excluded entry does not gate: free requests may take the device, its run's requests may not.
  return runId === null ? gate === undefined : gate?.run_id === runId;
}

/** Whether an older live waiter could take the device (first come, first served per device). */
function vetoed(store: LabStore, device: DeviceRow, ticket: TicketRow, now: number): boolean {
  const staleMs = store.settings.ticket_stale_sec * 1000;
  return store.tickets.some(
    (t) =>
      t !== ticket &&
      t.status === 'waiting' &&
      t.created_at < ticket.created_at &&
      now <= t.last_polled_at + staleMs &&
      admits(store, device, t.run_id, now) &&
      firstMatchingCandidate(store, t.candidates, device) !== undefined,
  );
}

/** A device and the candidate it matched. */
export interface Allocation {
  device: DeviceRow;
  candidate: Record<string, unknown>;
}

/** Finds a device for the ticket's request, skipping `excluded` device ids, or undefined. */
export function findDevice(
  store: LabStore,
  ticket: TicketRow,
  excluded: ReadonlySet<string>,
): Allocation | undefined {
  const now = store.clock.now();
  for (const device of store.devices.values()) {
    if (excluded.has(device.id) || !admits(store, device, ticket.run_id, now)) continue;
    const candidate = firstMatchingCandidate(store, ticket.candidates, device);
    if (candidate && !vetoed(store, device, ticket, now)) return { device, candidate };
  }
  return undefined;
}

/** The Appium URL of a device: its own `appium_url`, else the lab's `appium_url`. */
export function deviceTarget(store: LabStore, device: DeviceRow): string {
  const own = store.lab.devices.find((d) => d.id === device.id)?.appium_url ?? null;
  return (own ?? store.settings.appium_url).replace(/\/+$/, '');
}

/** Claims the device: a `pending` row (`alloc-<uuid>`), device busy, ticket dropped. */
export function claim(store: LabStore, ticket: TicketRow, a: Allocation): SessionRow {
  const now = store.clock.now();
  const testName = a.candidate['gridfleet:testName'];
  const row: SessionRow = {
    id: store.newId(),
    session_id: `alloc-${store.newId()}`,
    test_name: typeof testName === 'string' ? testName : null,
    started_at: now,
    ended_at: null,
    status: 'pending',
    requested_pack_id: null,
    requested_platform_id: null,
    requested_device_type: null,
    requested_connection_type: null,
    requested_capabilities: a.candidate,
    error_type: null,
    error_message: null,
    run_id: ticket.run_id,
    device_id: a.device.id,
    actual_capabilities: null,
    target: deviceTarget(store, a.device),
    last_activity_at: null,
    ticket_id: ticket.id,
  };
  store.sessions.push(row);
  a.device.operational_state = 'busy';
  a.device.updated_at = now;
  dropTicket(store, ticket);
  return row;
}
