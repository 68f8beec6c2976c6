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
  `${e.method} ${e.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}').replace(/\/sessions\/[^/]+/, '/sessions/{sid}')}`;

/** Counts manager round trips per scenario in a request log. */
export function roundTrips(log: readonly RequestLogEntry[], scenarios: number): RoundTrips {
  const scenarioLevel = log.filter((e) => !isRunLevel(e));
  const byEndpoint: Record<string, number> = {};
  for (const e of scenarioLevel) byEndpoint[endpoint(e)] = (byEndpoint[endpoint(e)] ?? 0) + 1;
  // Segments: each starts at the first request after the previous scenario's release.
  const counts: number[] = [];
  let current = 0;
  for (const e of scenarioLevel) {
    current += 1;
    if (isRelease(e)) {
      counts.push(current);
      current = 0;
    }
  }
  return {
    perScenarioMean: Math.round((scenarioLevel.length / Math.max(1, scenarios)) * 100) / 100,
    perScenario: summarize(counts),
    runLevel: log.length - scenarioLevel.length,
    byEndpoint,
  };
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
