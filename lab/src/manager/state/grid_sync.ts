/**
 * The manager's `session_sync` loop: reads Selenium Grid `/status`, records slot sessions it does
 * not know yet as running sessions, and ends known running sessions that left the Grid.
 */
import type { DeviceRow } from './model';
import { activate } from './runs';
import type { LabStore } from './store';

/** One running session on a Grid slot. */
export interface GridSlotSession {
  sessionId: string;
  capabilities: Record<string, unknown>;
  stereotype: Record<string, unknown>;
}

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Extracts slot sessions from a Grid 4 `/status` body (`value.nodes[].slots[].session`). */
export function gridSessions(status: unknown): GridSlotSession[] {
  const out: GridSlotSession[] = [];
  const nodes = asObject(asObject(status).value).nodes;
  for (const node of Array.isArray(nodes) ? nodes : []) {
    const slots = asObject(node).slots;
    for (const slot of Array.isArray(slots) ? slots : []) {
      const session = asObject(asObject(slot).session);
      if (typeof session.sessionId !== 'string') continue;
      out.push({
        sessionId: session.sessionId,
        capabilities: asObject(session.capabilities),
        stereotype: asObject(session.stereotype ?? asObject(slot).stereotype),
      });
    }
  }
  return out;
}

function isProbe(caps: Record<string, unknown>): boolean {
  return caps['gridfleet:probeSession'] === true || caps['gridfleet:testName'] === '__gridfleet_probe__';
}

function resolveDevice(store: LabStore, caps: Record<string, unknown>): DeviceRow | undefined {
  const id = caps['gridfleet:deviceId'] ?? caps['appium:gridfleet:deviceId'];
  if (typeof id === 'string' && store.devices.has(id.toLowerCase()))
    return store.devices.get(id.toLowerCase());
  const target = caps['appium:udid'] ?? caps.udid ?? caps['appium:deviceName'];
  if (typeof target !== 'string') return undefined;
  return [...store.devices.values()].find((d) => d.connection_target === target);
}

/** Applies one Grid snapshot; returns the session ids added and ended. */
export function syncGridSessions(
  store: LabStore,
  live: GridSlotSession[],
): { added: string[]; ended: string[] } {
  const now = store.clock.now();
  const added: string[] = [];
  const ended: string[] = [];
  const liveIds = new Set(live.map((s) => s.sessionId));
  for (const s of live) {
    if (isProbe(s.capabilities) || store.sessions.some((row) => row.session_id === s.sessionId)) continue;
    // Session caps first (what the manager reads); the slot stereotype names the lab device otherwise.
    const device = resolveDevice(store, s.capabilities) ?? resolveDevice(store, s.stereotype);
    const reservation = device ? store.activeReservation(device.id) : undefined;
    const inForce =
      reservation?.excluded && (reservation.excluded_until === null || reservation.excluded_until > now);
    const runId = reservation && !inForce ? reservation.run_id : null;
    const testName = s.capabilities['gridfleet:testName'];
    store.sessions.push({
      id: store.newId(),
      session_id: s.sessionId,
      test_name: typeof testName === 'string' ? testName : null,
      started_at: now,
      ended_at: null,
      status: 'running',
      requested_pack_id: null,
      requested_platform_id: null,
      requested_device_type: null,
      requested_connection_type: null,
      requested_capabilities: s.capabilities,
      error_type: null,
      error_message: null,
      run_id: runId,
      device_id: device?.id ?? null,
    });
    added.push(s.sessionId);
    if (device) {
      device.operational_state = 'busy';
      device.updated_at = now;
      const run = runId ? store.runs.get(runId) : undefined;
      const from = store.settings.lifecycle === 'target' ? 'preparing' : 'ready';
      if (run && run.state === from) activate(store, run);
    }
  }
  for (const row of store.sessions) {
    if (row.status !== 'running' || liveIds.has(row.session_id)) continue;
    const run = row.run_id ? store.runs.get(row.run_id) : undefined;
    const released = run?.state === 'cancelled' || run?.state === 'expired';
    row.status = released ? 'error' : 'passed';
    if (released) row.error_type = 'run_released';
    row.ended_at ??= now;
    ended.push(row.session_id);
    const device = row.device_id ? store.devices.get(row.device_id) : undefined;
    if (device) store.freeDevice(device, now);
  }
  return { added, ended };
}

/** Fetches the Grid status and applies it; an unreachable Grid changes nothing. */
export async function pollGrid(
  store: LabStore,
): Promise<{ added: string[]; ended: string[]; reachable: boolean }> {
  try {
    const res = await fetch(`${store.settings.grid_url.replace(/\/+$/, '')}/status`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (!res.ok) return { added: [], ended: [], reachable: false };
    return { ...syncGridSessions(store, gridSessions(await res.json())), reachable: true };
  } catch {
    return { added: [], ended: [], reachable: false };
  }
}
