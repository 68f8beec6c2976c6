/**
 * The router-era manager's capability reading for new sessions (docs/manager-api.md, router era
 * docs/manager-api.md §C4.2): W3C body → candidates (alwaysMatch × firstMatch), the rejected namespaces, group checks,
 * and whether one candidate matches one device's routing surface.
 */
import type { DeviceRow } from './model';
import type { LabStore } from './store';

/** A new-session request the manager rejects with `400 {"status":"invalid","message":…}`. */
export class InvalidSessionRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSessionRequest';
  }
}

/** Group keys as the router-era manager accepts them. */
const GROUP_KEY = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const GROUP_PREFIX = 'gridfleet:group:';
/** Keys a curated pack never puts in a routing surface: a request carrying one matches nothing. */
const IDENTITY_KEYS = ['appium:udid', 'appium:deviceName', 'gridfleet:deviceName'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Python's `repr` of a list of strings (the manager formats the overlap message with it). */
function pythonList(items: string[]): string {
  return `[${items.map((k) => `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

/** The W3C body's candidates: alwaysMatch merged with each firstMatch entry (at least one). */
export function capabilityCandidates(body: Record<string, unknown>): Record<string, unknown>[] {
  const caps = body.capabilities;
  if (!isObject(caps))
    throw new InvalidSessionRequest("new-session body must contain a 'capabilities' object");
  const always = caps.alwaysMatch ?? {};
  if (!isObject(always)) throw new InvalidSessionRequest("'alwaysMatch' must be an object");
  const first = caps.firstMatch ?? [];
  if (!Array.isArray(first) || !first.every(isObject)) {
    throw new InvalidSessionRequest("'firstMatch' must be a list of objects");
  }
  const entries: Record<string, unknown>[] = first.length === 0 ? [{}] : first;
  return entries.map((entry) => {
    const both = Object.keys(entry).filter((k) => k in always);
    if (both.length > 0) {
      throw new InvalidSessionRequest(
        `capability present in both alwaysMatch and firstMatch: ${pythonList(both.sort())}`,
      );
    }
    return { ...always, ...entry };
  });
}

/** The tombstoned namespaces and the group checks, for every candidate. */
export function checkCandidates(store: LabStore, candidates: Record<string, unknown>[]): void {
  const known = new Set(store.lab.groups.map((g) => g.key));
  for (const c of candidates) {
    const keys = Object.keys(c);
    if (keys.includes('gridfleet:run_id')) {
      throw new InvalidSessionRequest(
        "the gridfleet:run_id capability is no longer supported; create run sessions through the router's /run/{run_id} endpoint",
      );
    }
    if (keys.some((k) => k.startsWith('appium:gridfleet:'))) {
      throw new InvalidSessionRequest(
        'the appium:gridfleet:* capability namespace is no longer supported; use the gridfleet:* prefix instead (e.g. gridfleet:deviceId)',
      );
    }
    if (keys.some((k) => k.startsWith('gridfleet:tag:'))) {
      throw new InvalidSessionRequest('gridfleet:tag:* was removed; use gridfleet:group:<key>');
    }
    for (const key of keys) {
      if (!key.startsWith(GROUP_PREFIX)) continue;
      if (c[key] !== true)
        throw new InvalidSessionRequest('gridfleet group capabilities must be boolean true');
      const group = key.slice(GROUP_PREFIX.length);
      if (!GROUP_KEY.test(group)) throw new InvalidSessionRequest(`invalid device group key: '${group}'`);
      if (!known.has(group)) throw new InvalidSessionRequest(`unknown device group key: '${group}'`);
    }
  }
}

/**
 * Whether a candidate matches a device's routing surface (`platformName` case-insensitively,
 * `appium:platform`, `gridfleet:deviceId`, group membership); identity keys never match.
 */
export function candidateMatches(store: LabStore, c: Record<string, unknown>, device: DeviceRow): boolean {
  if (IDENTITY_KEYS.some((k) => k in c)) return false;
  if ('platformName' in c) {
    const platform = store.platform(device.pack_id, device.platform_id);
    const wanted = c.platformName;
    if (!platform || typeof wanted !== 'string') return false;
    if (wanted.toLowerCase() !== platform.appium_platform_name.toLowerCase()) return false;
  }
  if ('appium:platform' in c && c['appium:platform'] !== device.platform_id) return false;
  if ('gridfleet:deviceId' in c && c['gridfleet:deviceId'] !== device.id) return false;
  return Object.keys(c)
    .filter((k) => k.startsWith(GROUP_PREFIX))
    .every((k) => device.groups.includes(k.slice(GROUP_PREFIX.length)));
}

/** The first candidate (in request order) that matches the device, if any. */
export function firstMatchingCandidate(
  store: LabStore,
  candidates: Record<string, unknown>[],
  device: DeviceRow,
): Record<string, unknown> | undefined {
  return candidates.find((c) => candidateMatches(store, c, device));
}
