/**
 * Resolves what the contract suite talks to: `GRIDFLEET_API_URL` (a real manager, with optional
 * `GRIDFLEET_TESTKIT_USERNAME`/`GRIDFLEET_TESTKIT_PASSWORD`) or, when unset, an in-process GridFleet
 * lab on a free port that is closed again by {@link ContractTarget.close}. This is the only file of the
 * suite that imports from `src/` (to start that default lab).
 */
import { startLab } from '../../../lab/src/manager';
import { ApiClient, type Credentials } from './http';
import { isObject } from './wire';

/** Which manager generation answers (docs/manager-api.md §C0): claim-era `/ready → ready`, target `/ready → active`. */
export type ManagerEra = 'claim-era' | 'target';

/** A resolved manager under test. */
export interface ContractTarget {
  /** Client bound to the server root (paths include `/api`), sending credentials when configured. */
  api: ApiClient;
  /** Server root, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** `url + '/api'`. */
  apiUrl: string;
  /** True when the target is a GridFleet lab (its `/lab/` admin surface answers). */
  isLab: boolean;
  /** Detected manager generation (by-connection-target answers a framework 404 on the claim era). */
  era: ManagerEra;
  /** Credentials in use, if any. */
  credentials?: Credentials;
  /**
   * Whether tests that leave devices in maintenance (preparation failure, cooldown escalation) may run:
   * always on the lab (it is reset), on a real manager only with `GRIDFLEET_CONTRACT_DESTRUCTIVE=1`.
   */
  destructive: boolean;
  /** Stops the in-process lab, if this target started one. */
  close(): Promise<void>;
}

/** Reason used when skipping tests that need the lab's admin surface. */
export const NEEDS_LAB =
  'needs the GridFleet lab admin surface (/lab/reset, /lab/clock); target is not a lab';

/** Reason used when skipping tests that would put real devices into maintenance. */
export const NEEDS_DESTRUCTIVE =
  'puts devices into maintenance on a real manager; set GRIDFLEET_CONTRACT_DESTRUCTIVE=1 to run it';

function credentialsFromEnv(): Credentials | undefined {
  const username = process.env.GRIDFLEET_TESTKIT_USERNAME;
  const password = process.env.GRIDFLEET_TESTKIT_PASSWORD;
  if (!username || !password) return undefined;
  return { username, password };
}

/** Turns `GRIDFLEET_API_URL` (which includes `/api`, like the testkit's) into the server root. */
export function rootFromApiUrl(apiUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new Error(
      `GRIDFLEET_API_URL is not a URL: ${JSON.stringify(apiUrl)}. Set it like http://localhost:8000/api (or unset it to test the in-process lab).`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(
      `GRIDFLEET_API_URL must be an http(s) URL, got ${JSON.stringify(apiUrl)}; e.g. http://localhost:8000/api.`,
    );
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/api')) {
    throw new Error(
      `GRIDFLEET_API_URL must end with /api (the manager's API base), got ${JSON.stringify(apiUrl)}; e.g. http://localhost:8000/api.`,
    );
  }
  return `${parsed.origin}${path.slice(0, -'/api'.length)}`;
}

/** Detects the lab by its admin surface: `GET /lab/state` answers 200 only there. */
export async function detectLab(api: ApiClient): Promise<boolean> {
  try {
    const res = await api.get('/lab/state', { noAuth: true });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Detects the era: the claim-era manager has no by-connection-target route (framework 404, docs/manager-api.md §C4.3). */
export async function detectEra(api: ApiClient): Promise<ManagerEra> {
  const res = await api.get('/api/devices/by-connection-target/contract-era-probe');
  if (res.status === 404 && isObject(res.json) && 'detail' in res.json) return 'claim-era';
  return 'target';
}

/**
 * Opens the target for one test file. On the lab, state is reset first so files stay independent.
 * `labSettings` configure the default in-process lab (e.g. the router generation); ignored for a URL.
 * Call {@link ContractTarget.close} in `after`.
 */
export async function openTarget(options: { labSettings?: SideLabSettings } = {}): Promise<ContractTarget> {
  const envUrl = process.env.GRIDFLEET_API_URL;
  const credentials = credentialsFromEnv();
  let url: string;
  let close = async (): Promise<void> => {};
  if (envUrl) {
    url = rootFromApiUrl(envUrl);
  } else {
    const lab = await startLab({ port: 0, settings: options.labSettings });
    url = lab.url;
    close = () => lab.close();
  }
  const api = new ApiClient(url, credentials);
  const probe = await api.get('/api/driver-packs/catalog').catch((error: unknown) => {
    throw new Error(`cannot reach the manager at ${url}/api: ${String(error)}. Is it running?`);
  });
  if (probe.status === 401) {
    await close();
    throw new Error(
      `the manager at ${url}/api answered 401: set GRIDFLEET_TESTKIT_USERNAME and GRIDFLEET_TESTKIT_PASSWORD to its machine credentials.`,
    );
  }
  // GRIDFLEET_CONTRACT_TREAT_AS_REAL=1 hides the lab's admin surface from the suite, so a lab can stand
  // in for a real manager when checking that the suite cleans up after itself without /lab/reset.
  const isLab = process.env.GRIDFLEET_CONTRACT_TREAT_AS_REAL === '1' ? false : await detectLab(api);
  if (isLab) await resetLab(api);
  const era = await detectEra(api);
  const destructive = isLab || process.env.GRIDFLEET_CONTRACT_DESTRUCTIVE === '1';
  return { api, url, apiUrl: `${url}/api`, isLab, era, credentials, destructive, close };
}

/** `POST /lab/reset`: back to the lab file's initial state. */
export async function resetLab(api: ApiClient): Promise<void> {
  const res = await api.post('/lab/reset', undefined, { noAuth: true });
  if (res.status >= 300) throw new Error(`POST /lab/reset answered ${res.status}: ${res.text}`);
}

/** `POST /lab/clock`: advances the lab's virtual clock by `seconds`. */
export async function advanceLabClock(api: ApiClient, seconds: number): Promise<void> {
  const res = await api.post('/lab/clock', { advance_sec: seconds }, { noAuth: true });
  if (res.status >= 300) throw new Error(`POST /lab/clock answered ${res.status}: ${res.text}`);
}

/** Settings overrides accepted by the in-process lab (the manager's configuration knobs). */
export type SideLabSettings = NonNullable<NonNullable<Parameters<typeof startLab>[0]>['settings']>;

/** A second, in-process lab with non-default manager settings (auth on, other thresholds, ...). */
export interface SideLab {
  /** Client bound to the side lab's root, sending `credentials` when given. */
  api: ApiClient;
  /** Server root of the side lab. */
  url: string;
  /** Stops the side lab. */
  close(): Promise<void>;
}

/**
 * Starts a side lab on a free port with `settings` (only meaningful when the target is the lab: a real
 * manager's settings cannot be changed from the suite).
 */
export async function openSideLab(settings: SideLabSettings, credentials?: Credentials): Promise<SideLab> {
  const lab = await startLab({ port: 0, settings });
  return { api: new ApiClient(lab.url, credentials), url: lab.url, close: () => lab.close() };
}
