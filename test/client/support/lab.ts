import { type LabSettings, type RunningLab, startLab } from '../../../lab/src/manager';

/** A lab started for a test, with small helpers for its `/lab/` admin surface. */
export interface TestLab {
  /** The running lab. */
  readonly lab: RunningLab;
  /** `GRIDFLEET_API_URL` of the lab. */
  readonly apiUrl: string;
  /** POST/GET/DELETE on the admin surface; throws on a non-2xx answer. */
  admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  /** Registers a fault (`POST /lab/faults`). */
  fault(spec: Record<string, unknown>): Promise<void>;
  /** API requests the lab answered since the last `clearRequests()`, as `METHOD /path?query`. */
  requests(): Promise<string[]>;
  /** Clears the request log. */
  clearRequests(): Promise<void>;
  /** Advances the lab's virtual clock (and sweeps expired runs). */
  advance(seconds: number): Promise<void>;
  /** Resets devices, runs, sessions, faults stay unless cleared. */
  reset(): Promise<void>;
  /** Stops the lab. */
  close(): Promise<void>;
}

/** Starts the demo lab on a free port with settings overrides. */
export async function startTestLab(settings: Partial<LabSettings> = {}): Promise<TestLab> {
  const lab = await startLab({ port: 0, settings });
  const admin = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${lab.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`lab admin ${method} ${path} → ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    lab,
    apiUrl: lab.apiUrl,
    admin,
    fault: async (spec) => void (await admin('POST', '/lab/faults', spec)),
    requests: async () => {
      const entries = (await admin('GET', '/lab/requests')) as Array<{
        method: string;
        path: string;
        query: string;
      }>;
      return entries.map((e) => `${e.method} ${e.path}${e.query ? `?${e.query.replace(/^\?/, '')}` : ''}`);
    },
    clearRequests: async () => void (await admin('DELETE', '/lab/requests')),
    advance: async (seconds) => void (await admin('POST', '/lab/clock', { advance_sec: seconds })),
    reset: async () => void (await admin('POST', '/lab/reset')),
    close: () => lab.close(),
  };
}
