import type { RequestLogEntry } from '../lab/src/manager/request_log';
import { type Summary, summarize } from './stats';

/** Reads the lab's request log (`GET /lab/requests`). */
export async function readRequestLog(labUrl: string, since?: number): Promise<RequestLogEntry[]> {
  const url = `${labUrl}/lab/requests${since === undefined ? '' : `?since=${since}`}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as RequestLogEntry[];
}

/** Empties the lab's request log and resets the lab to its initial state. */
export async function resetLab(labUrl: string): Promise<void> {
  for (const [method, route] of [
    ['POST', '/lab/reset'],
    ['DELETE', '/lab/requests'],
  ] as const) {
    const response = await fetch(`${labUrl}${route}`, { method });
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}`);
  }
}

const isClaim = (e: RequestLogEntry): boolean =>
  e.method === 'POST' && /^\/api\/runs\/[^/]+\/claim$/.test(e.path);
const isRelease = (e: RequestLogEntry): boolean =>
  e.method === 'POST' && /^\/api\/runs\/[^/]+\/release(-with-cooldown)?$/.test(e.path);

/**
 * Run-level requests (reserve, activate, heartbeat, catalog, complete/cancel, run summary): paid once per
 * cucumber run, not per scenario.
 */
export function isRunLevel(e: RequestLogEntry): boolean {
  if (e.method === 'POST' && e.path === '/api/runs') return true;
  if (/^\/api\/runs\/[^/]+\/(ready|active|heartbeat|complete|cancel)$/.test(e.path)) return true;
  if (e.method === 'GET' && /^\/api\/runs\/[^/]+$/.test(e.path)) return true;
  return e.path === '/api/driver-packs/catalog';
}

/** Round trips per scenario, from a log covering `scenarios` scenarios. */
export interface RoundTrips {
  /** Scenario-level requests of the whole log divided by the number of scenarios. */
  perScenarioMean: number;
  /** Distribution over scenarios (a scenario = its successful claim, the failed claims before it, and what follows up to the next scenario). Serial runs only. */
  perScenario: Summary;
  /** Run-level requests of the log (reserve, activate, heartbeats, catalog, complete, summary). */
  runLevel: number;
  /** Scenario-level requests by endpoint (method + path with ids replaced), for the whole log. */
  byEndpoint: Record<string, number>;
}

const endpoint = (e: RequestLogEntry): string =>
  `${e.method} ${e.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}').replace(/^\/api\/sessions\/[^/]+/, '/api/sessions/{sid}')}`;

/** Requests by endpoint (method + path with ids replaced). */
function countByEndpoint(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[endpoint(e)] = (counts[endpoint(e)] ?? 0) + 1;
  return counts;
}

/**
 * Scenario-level round trips of a log: mean over `scenarios`, and the distribution over segments, each
 * ending at a request `endsScenario` matches (serial runs only).
 */
function scenarioTrips(
  all: readonly RequestLogEntry[],
  scenarioLevel: readonly RequestLogEntry[],
  scenarios: number,
  endsScenario: (e: RequestLogEntry) => boolean,
): RoundTrips {
  const counts: number[] = [];
  let current = 0;
  for (const e of scenarioLevel) {
    current += 1;
    if (endsScenario(e)) {
      counts.push(current);
      current = 0;
    }
  }
  return {
    perScenarioMean: Math.round((scenarioLevel.length / Math.max(1, scenarios)) * 100) / 100,
    perScenario: summarize(counts),
    runLevel: all.length - scenarioLevel.length,
    byEndpoint: countByEndpoint(scenarioLevel),
  };
}

/** Counts manager round trips per scenario in a request log (a scenario ends at its release). */
export function roundTrips(log: readonly RequestLogEntry[], scenarios: number): RoundTrips {
  return scenarioTrips(
    log,
    log.filter((e) => !isRunLevel(e)),
    scenarios,
    isRelease,
  );
}

/**
 * Device idle gaps under contention: for each release (in log order), the time until the next successful
 * claim that no earlier release has been matched with. Releases with no later successful claim (the end of
 * the run) are not gaps. Times are the log's answer times (ms).
 */
export function idleGaps(log: readonly RequestLogEntry[]): { gapsMs: number[]; failedClaims: number } {
  const releases = log.filter(isRelease).map((e) => Date.parse(e.time));
  const claims = log.filter((e) => isClaim(e) && e.status === 200).map((e) => Date.parse(e.time));
  const failedClaims = log.filter((e) => isClaim(e) && e.status !== 200).length;
  const gapsMs: number[] = [];
  let c = 0;
  for (const released of releases) {
    while (c < claims.length && (claims[c] as number) < released) c += 1;
    if (c >= claims.length) break;
    gapsMs.push((claims[c] as number) - released);
    c += 1;
  }
  return { gapsMs, failedClaims };
}

/** The router's periodic route-table refresh (`GET /internal/grid/routes`): time-driven, not per scenario. */
const isRouteRefresh = (e: RequestLogEntry): boolean =>
  e.method === 'GET' && e.path === '/internal/grid/routes';
const isStatusPatch = (e: RequestLogEntry): boolean =>
  e.method === 'PATCH' && /^\/api\/sessions\/[^/]+\/status$/.test(e.path);

/** Router-era round trips per scenario: the public API and the router ↔ manager calls apart. */
export interface RouterRoundTrips {
  /** Public API (`kind: 'api'`): scenario-level requests over scenarios (the catalog counts here). */
  api: RoundTrips;
  /** Internal grid API (`kind: 'internal'`, the router's calls) per scenario, route refreshes left out. */
  internalPerScenarioMean: number;
  /** Internal requests by endpoint, route refreshes included. */
  internalByEndpoint: Record<string, number>;
}

/**
 * Counts router-era round trips in a request log covering `scenarios` scenarios. Run lifecycle calls
 * (reserve, ready/active, heartbeat, complete/cancel, run reads) and the start-up reads (grid status,
 * device list, device groups) are run-level; the catalog is counted per scenario wherever it is sent
 * (the testkit fetches it every test, gridfleet-cucumber once per worker process). A scenario's segment
 * ends at its status PATCH.
 */
export function routerRoundTrips(log: readonly RequestLogEntry[], scenarios: number): RouterRoundTrips {
  const api = log.filter((e) => e.kind !== 'internal');
  const internal = log.filter((e) => e.kind === 'internal');
  // Start-up reads of gridfleet-cucumber's coordinator (generation detection, the run's devices and
  // groups), once per cucumber run; the testkit sends none of them.
  const runLevel = (e: RequestLogEntry): boolean =>
    (isRunLevel(e) && e.path !== '/api/driver-packs/catalog') ||
    (e.method === 'GET' && ['/api/grid/status', '/api/devices', '/api/device-groups'].includes(e.path));
  const per = (n: number): number => Math.round((n / Math.max(1, scenarios)) * 100) / 100;
  return {
    api: scenarioTrips(
      api,
      api.filter((e) => !runLevel(e)),
      scenarios,
      isStatusPatch,
    ),
    internalPerScenarioMean: per(internal.filter((e) => !isRouteRefresh(e)).length),
    internalByEndpoint: countByEndpoint(internal),
  };
}

/** The fields of a router-era session row the idle-gap figure reads. */
interface SessionTimes {
  device_id: string | null;
  started_at: string;
  ended_at: string | null;
}

/**
 * Router-era device idle gaps, from the session rows of every run in the lab (`GET /api/runs`, then
 * `GET /api/sessions?run_id=`): on each device, from a session's end to the start of the next one (the
 * manager's claim). The last session of a device is no gap.
 */
export async function routerIdleGaps(apiUrl: string, workers: number): Promise<RouterIdleGaps> {
  const get = async <T>(url: string): Promise<T> => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return (await response.json()) as T;
  };
  const runs = await get<Array<{ id: string }> | { items: Array<{ id: string }> }>(`${apiUrl}/runs`);
  const byDevice = new Map<string, Array<{ start: number; end: number }>>();
  for (const run of Array.isArray(runs) ? runs : runs.items) {
    const page = await get<{ items: SessionTimes[] }>(
      `${apiUrl}/sessions?run_id=${run.id}&limit=200&sort_dir=asc`,
    );
    for (const s of page.items) {
      if (s.device_id === null || s.ended_at === null) continue;
      const list = byDevice.get(s.device_id) ?? [];
      list.push({ start: Date.parse(s.started_at), end: Date.parse(s.ended_at) });
      byDevice.set(s.device_id, list);
    }
  }
  // The run's first `workers` sessions are each worker's first: their create waits for the worker's
  // own start-up (the webdriverio import) after it was given a device, not for the allocation.
  const firstStarts = new Set(
    [...byDevice.values()]
      .flat()
      .map((s) => s.start)
      .sort((a, b) => a - b)
      .slice(0, workers),
  );
  const all: number[] = [];
  const steady: number[] = [];
  for (const list of byDevice.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i += 1) {
      const next = list[i] as { start: number };
      const gap = next.start - (list[i - 1] as { end: number }).end;
      all.push(gap);
      if (!firstStarts.has(next.start)) steady.push(gap);
    }
  }
  return { all, steady };
}

/** Idle gaps (ms) of {@link routerIdleGaps}. */
export interface RouterIdleGaps {
  /** Every gap. */
  all: number[];
  /** Gaps before sessions that are not a worker's first (worker start-up left out). */
  steady: number[];
}
