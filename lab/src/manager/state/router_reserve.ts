/**
 * `POST /api/runs` of the router era (docs/manager-api.md §R6.2): `groups` instead of
 * tags, no `include=` inlining, no `grid_url`, and the shortfall 409 with its breakdown.
 */
import { ApiError } from '../http/errors';
import { isoZ } from '../http/wire';
import type { DeviceRow, StoredRequirement } from './model';
import { routerOperationalState } from './router_device';
import type { Requirement, RunCreate } from './runs';
import { candidateOrder, checkPack, checkTtl, insertRun, notEnough, pickDevices } from './runs';
import type { LabStore } from './store';
import { reservedDeviceView } from './views';

/** A router-era requirement: `groups` (keys, ANDed); a claim-era `tags` object is ignored. */
export interface RouterRequirement extends Omit<Requirement, 'tags'> {
  groups: string[];
}

/** A validated router-era `RunCreate`. */
export interface RouterRunCreate extends Omit<RunCreate, 'requirements'> {
  requirements: RouterRequirement[];
}

/** Requirement as stored: defaults filled, nulls dropped, `groups` last (as the recording shows). */
function storeRequirement(req: RouterRequirement): StoredRequirement {
  const out: StoredRequirement = { pack_id: req.pack_id, platform_id: req.platform_id };
  if (req.os_version !== null) out.os_version = req.os_version;
  if (req.allocation === 'all_available') {
    out.allocation = 'all_available';
    out.min_count = req.min_count ?? 1;
  } else out.count = req.count ?? 1;
  out.groups = req.groups;
  return out;
}

/** Why a candidate device (same pack/platform/os) is not eligible, or null when it is. */
function ineligibility(store: LabStore, d: DeviceRow, req: RouterRequirement): string | null {
  const r = store.activeReservation(d.id);
  if (r) return `held by active reservation (run ${r.run_id})`;
  const state = routerOperationalState(d);
  if (state !== 'available') return `in state ${state}`;
  if (!req.groups.every((g) => d.groups.includes(g))) return 'not matching requested groups';
  if (d.readiness_state !== 'verified' || d.health.healthy === false) return 'not ready or health-blocked';
  return null;
}

const CATEGORY_ORDER = ['held by', 'in state', 'not matching', 'not ready'];

/** `<N> candidate device(s): <k> <reason>, ...` (eligible candidates have no part), or the no-device text. */
function breakdown(reasons: (string | null)[]): string {
  if (reasons.length === 0) return 'no devices are configured for this pack/platform';
  const counts = new Map<string, number>();
  for (const reason of reasons) if (reason !== null) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  // Categories in the manager's order (docs/manager-api.md §R6.2): reservations, states, groups, readiness.
  const rank = (reason: string) => CATEGORY_ORDER.findIndex((prefix) => reason.startsWith(prefix));
  const parts = [...counts]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return `${reasons.length} candidate device${reasons.length === 1 ? '' : 's'}: ${parts}`;
}

/** 422 `unknown device groups: a, b` for well-formed keys naming no group (before any matching). */
export function checkGroups(store: LabStore, keys: Iterable<string>): void {
  const known = new Set(store.lab.groups.map((g) => g.key));
  const unknown = [...new Set(keys)].filter((k) => !known.has(k));
  if (unknown.length > 0) throw new ApiError(422, `unknown device groups: ${unknown.join(', ')}`);
}

/** Reserves devices (all or nothing) and answers the router-era RunCreateResponse. */
export function createRouterRun(store: LabStore, body: RouterRunCreate): Record<string, unknown> {
  const ttl = checkTtl(store, body.ttl_minutes);
  checkGroups(
    store,
    body.requirements.flatMap((r) => r.groups),
  );
  const devices = candidateOrder(store);
  const picked = pickDevices(body.requirements, (req, taken) => {
    checkPack(store, { ...req, tags: null });
    const candidates = devices.filter(
      (d) =>
        !taken.has(d.id) &&
        d.pack_id === req.pack_id &&
        d.platform_id === req.platform_id &&
        (req.os_version === null || d.os_version === req.os_version),
    );
    const reasons = candidates.map((d) => ineligibility(store, d, req));
    const matches = candidates.filter((_, i) => reasons[i] === null);
    // The manager re-tries the match for about a second first; the lab's state cannot change meanwhile.
    return {
      matches,
      shortfall: () => notEnough({ ...req, tags: null }, matches.length, breakdown(reasons)),
    };
  });
  const { run, entries } = insertRun(store, body, ttl, body.requirements.map(storeRequirement), picked);
  const now = store.clock.now();
  return {
    id: run.id,
    name: run.name,
    state: run.state,
    devices: entries.map((r) => reservedDeviceView(store, r, now)),
    ttl_minutes: run.ttl_minutes,
    heartbeat_timeout_sec: run.heartbeat_timeout_sec,
    created_at: isoZ(run.created_at),
  };
}
