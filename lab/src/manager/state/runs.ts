/** Run creation (reservation) and lifecycle signals. */
import { ApiError } from '../http/errors';
import { isoZ } from '../http/wire';
import type { IncludeSet } from './includes';
import { hydrate } from './includes';
import type { DeviceRow, ReservationRow, RunRow, StoredRequirement } from './model';
import { endRun } from './run_end';
import type { LabStore } from './store';
import { reservedDeviceView } from './views';

/** A validated run requirement. */
export interface Requirement {
  pack_id: string;
  platform_id: string;
  os_version: string | null;
  count: number | null;
  allocation: 'all_available' | null;
  min_count: number | null;
  tags: Record<string, string> | null;
}

/** A validated `RunCreate` body. */
export interface RunCreate {
  name: string;
  requirements: Requirement[];
  ttl_minutes: number | null;
  heartbeat_timeout_sec: number | null;
  created_by: string | null;
}

/** Requirement as stored: defaults filled, null keys dropped, model field order. */
export function storeRequirement(req: Requirement): StoredRequirement {
  const filled = { ...req };
  if (filled.allocation === 'all_available') filled.min_count ??= 1;
  else filled.count ??= 1;
  const out: StoredRequirement = {};
  for (const key of [
    'pack_id',
    'platform_id',
    'os_version',
    'count',
    'allocation',
    'min_count',
    'tags',
  ] as const) {
    if (filled[key] !== null && filled[key] !== undefined) out[key] = filled[key];
  }
  return out;
}

function eligible(store: LabStore, d: DeviceRow, req: Requirement, taken: ReadonlySet<string>): boolean {
  return (
    !taken.has(d.id) &&
    d.pack_id === req.pack_id &&
    d.platform_id === req.platform_id &&
    (req.os_version === null || d.os_version === req.os_version) &&
    Object.entries(req.tags ?? {}).every(([k, v]) => d.tags[k] === v) &&
    d.operational_state === 'available' &&
    d.hold === null &&
    !store.activeReservation(d.id) &&
    d.readiness_state === 'verified' &&
    d.health.healthy !== false
  );
}

/** The pack errors of a requirement (422 with `details.code`), checked before matching. */
export function checkPack(store: LabStore, req: Requirement): void {
  const pack = store.pack(req.pack_id);
  if (!pack) throw new ApiError(422, { code: 'pack_unavailable', message: req.pack_id });
  if (pack.state === 'disabled' || pack.state === 'draft') {
    throw new ApiError(422, { code: 'pack_disabled', message: req.pack_id });
  }
  if (pack.state === 'draining') throw new ApiError(422, { code: 'pack_draining', message: req.pack_id });
  if (!pack.platforms.some((p) => p.id === req.platform_id)) {
    const message = `${req.pack_id}:${req.platform_id}`;
    throw new ApiError(422, { code: 'platform_removed', message });
  }
}

/** The shortfall 409; the router era adds `; <breakdown>` inside the parentheses (docs/manager-api.md §R6.2). */
export function notEnough(req: Requirement, matched: number, breakdown?: string): ApiError {
  const shape =
    req.allocation === 'all_available'
      ? `allocation=all_available, min_count=${req.min_count ?? 1}`
      : `count=${req.count ?? 1}`;
  return new ApiError(
    409,
    `Not enough devices for requirement: pack_id=${req.pack_id}, platform_id=${req.platform_id}, ` +
      `os_version=${req.os_version ?? 'None'}, ${shape} (matched ${matched} eligible devices right now${breakdown ? `; ${breakdown}` : ''}). ` +
      'Check /api/availability for current platform capacity or retry later.',
  );
}

/** `POST /runs`: reserves devices (all or nothing) and answers the RunCreateResponse. */
export function createRun(store: LabStore, body: RunCreate, includes: IncludeSet): Record<string, unknown> {
  const ttl = checkTtl(store, body.ttl_minutes);
  const candidates = candidateOrder(store);
  const picked = pickDevices(body.requirements, (req, taken) => {
    checkPack(store, req);
    const matches = candidates.filter((d) => eligible(store, d, req, taken));
    return { matches, shortfall: () => notEnough(req, matches.length) };
  });
  const { run, entries } = insertRun(store, body, ttl, body.requirements.map(storeRequirement), picked);
  const now = store.clock.now();
  return {
    id: run.id,
    name: run.name,
    state: run.state,
    devices: entries.map((r) => reservedDeviceView(store, r, now, hydrate(store, r.device_id, includes))),
    grid_url: store.settings.grid_url,
    ttl_minutes: run.ttl_minutes,
    heartbeat_timeout_sec: run.heartbeat_timeout_sec,
    created_at: isoZ(run.created_at),
  };
}

/** The TTL to use, or the 409 when above the maximum (checked before any matching). */
export function checkTtl(store: LabStore, ttlMinutes: number | null): number {
  const s = store.settings;
  const ttl = ttlMinutes ?? s.default_ttl_minutes;
  if (ttl > s.max_ttl_minutes) {
    throw new ApiError(409, `TTL ${ttl} exceeds maximum allowed TTL of ${s.max_ttl_minutes} minutes`);
  }
  return ttl;
}

/** What one requirement can take: its eligible devices in order, and the 409 for a shortfall. */
export interface RequirementMatch {
  matches: DeviceRow[];
  shortfall: () => ApiError;
}

/**
 * All-or-nothing picking: requirements in order, a device used once; `count` takes the first
 * matches, `all_available` every match (at least `min_count`); throws the first shortfall.
 */
export function pickDevices<R extends Pick<Requirement, 'allocation' | 'count' | 'min_count'>>(
  requirements: R[],
  match: (req: R, taken: ReadonlySet<string>) => RequirementMatch,
): DeviceRow[] {
  const taken = new Set<string>();
  const picked: DeviceRow[] = [];
  for (const req of requirements) {
    const { matches, shortfall } = match(req, taken);
    const all = req.allocation === 'all_available';
    const wanted = all ? (req.min_count ?? 1) : (req.count ?? 1);
    if (matches.length < wanted) throw shortfall();
    for (const d of all ? matches : matches.slice(0, wanted)) {
      taken.add(d.id);
      picked.push(d);
    }
  }
  return picked;
}

/** Devices in matching order: oldest-created first, ties by ascending id. */
export function candidateOrder(store: LabStore): DeviceRow[] {
  return [...store.devices.values()].sort(
    (a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Stores the run (`preparing`) and one reservation per picked device, which becomes reserved. */
export function insertRun(
  store: LabStore,
  body: Pick<RunCreate, 'name' | 'heartbeat_timeout_sec' | 'created_by'>,
  ttl: number,
  requirements: StoredRequirement[],
  picked: DeviceRow[],
): { run: RunRow; entries: ReservationRow[] } {
  const createdAt = store.clock.now();
  const run: RunRow = {
    id: store.newId(),
    name: body.name,
    state: 'preparing',
    requirements,
    ttl_minutes: ttl,
    heartbeat_timeout_sec: body.heartbeat_timeout_sec ?? store.settings.default_heartbeat_timeout_sec,
    error: null,
    created_at: createdAt,
    started_at: null,
    completed_at: null,
    created_by: body.created_by,
    last_heartbeat: createdAt,
  };
  store.runs.set(run.id, run);
  const entries = picked.map((d) => {
    const r: ReservationRow = {
      id: store.newId(),
      run_id: run.id,
      device_id: d.id,
      identity_value: d.identity_value,
      connection_target: d.connection_target,
      os_version: d.os_version,
      host_ip: d.host_ip,
      excluded: false,
      exclusion_reason: null,
      excluded_at: null,
      excluded_until: null,
      cooldown_count: 0,
      claimed_by: null,
      claimed_at: null,
      released_at: null,
      created_at: createdAt,
    };
    store.reservations.push(r);
    d.hold = 'reserved';
    d.updated_at = createdAt;
    return r;
  });
  return { run, entries };
}

/** The run, or the given error when missing (404 or 409 depending on the endpoint). */
export function requireRun(store: LabStore, id: string, missingStatus: 404 | 409): RunRow {
  const run = store.runs.get(id);
  if (!run) throw new ApiError(missingStatus, 'Run not found');
  return run;
}

/** `/ready` → `active` (target era and router era, docs/manager-api.md §R6.3), else → `ready`. */
function targetLifecycle(store: LabStore): boolean {
  return store.settings.lifecycle === 'target' || store.settings.generation === 'router';
}

/** `POST /runs/{id}/ready`. */
export function signalReady(store: LabStore, run: RunRow): void {
  if (run.state !== 'preparing') {
    throw new ApiError(409, `Cannot signal ready from state '${run.state}', expected 'preparing'`);
  }
  const now = store.clock.now();
  run.last_heartbeat = now;
  if (targetLifecycle(store)) {
    run.state = 'active';
    run.started_at = now;
  } else run.state = 'ready';
}

/** `POST /runs/{id}/active`. */
export function signalActive(store: LabStore, run: RunRow): void {
  const target = targetLifecycle(store);
  if (target && run.state === 'active') return;
  const from = target ? 'preparing' : 'ready';
  if (run.state !== from) {
    const expected = target ? "'preparing' or 'active'" : "'ready'";
    throw new ApiError(409, `Cannot signal active from state '${run.state}', expected ${expected}`);
  }
  activate(store, run);
}

/** Moves a run to `active`, stamping `started_at` and `last_heartbeat` with the same instant. */
export function activate(store: LabStore, run: RunRow): void {
  const now = store.clock.now();
  run.state = 'active';
  run.started_at = now;
  run.last_heartbeat = now;
}

/** `POST /runs/{id}/heartbeat`. */
export function heartbeat(store: LabStore, run: RunRow): Record<string, unknown> {
  if (!store.isTerminal(run)) run.last_heartbeat = store.clock.now();
  return { state: run.state, last_heartbeat: isoZ(run.last_heartbeat) };
}

/** `POST /runs/{id}/complete` or `/cancel`. */
export function finishRun(store: LabStore, run: RunRow, state: 'completed' | 'cancelled'): void {
  if (store.isTerminal(run)) throw new ApiError(409, `Run is already in terminal state '${run.state}'`);
  endRun(store, run, state, null, state === 'cancelled');
}

/**
 * `POST /runs/{id}/force-release`: ends as cancelled with an error; a terminal run is rewritten in
 * the claim generation and left unchanged in the router generation (docs/manager-api.md §R6.3).
 */
export function forceRelease(store: LabStore, run: RunRow): void {
  if (store.settings.generation === 'router' && store.isTerminal(run)) return;
  endRun(store, run, 'cancelled', 'Force released by admin', true);
}
