/**
 * What an operator sees through the manager API after a run: runs, their devices and sessions.
 * Read-only, plain `fetch`, so the acceptance tests do not depend on the client under test.
 */

/** A run as `GET /api/runs/{id}` returns it (the fields the acceptance tests read). */
export interface OperatorRun {
  id: string;
  name: string;
  state: string;
  requirements: { platform_id: string; os_version?: string }[];
  reserved_devices: {
    device_id: string;
    platform_id: string;
    claimed_by: string | null;
    cooldown_count: number;
    excluded: boolean;
  }[];
  session_counts: Record<string, number>;
}

/** A session as `GET /api/sessions` returns it (`SessionDetail`). */
export interface OperatorSession {
  session_id: string;
  test_name: string | null;
  status: string;
  run_id: string | null;
  device_id: string | null;
  device_platform_id: string | null;
  error_type: string | null;
  requested_capabilities: Record<string, unknown> | null;
}

/** A device as `GET /api/devices` returns it. */
export interface OperatorDevice {
  id: string;
  name: string;
  platform_id: string;
  operational_state: string;
  hold: string | null;
  reservation: { run_id: string } | null;
}

/** One API request the lab answered (its admin request log, `GET /lab/requests`). */
export interface LabRequest {
  method: string;
  path: string;
  status: number;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Reads the manager API at `apiUrl` (with `/api`), and uses the lab's test-only admin surface (`/lab/`
 * on `labUrl`) to start each scenario from a clean lab and to read which API calls were made.
 */
export class LabReader {
  constructor(
    private readonly apiUrl: string,
    private readonly labUrl: string,
  ) {}

  /** Resets the lab to its lab file (no runs, no sessions, original test data) and clears its request log. */
  async reset(): Promise<void> {
    for (const [method, url] of [
      ['POST', `${this.labUrl}/lab/reset`],
      ['DELETE', `${this.labUrl}/lab/requests`],
    ] as const) {
      const response = await fetch(url, { method });
      if (!response.ok)
        throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
    }
  }

  /** The API requests the lab answered since the last reset, oldest first. */
  async requests(): Promise<LabRequest[]> {
    return getJson<LabRequest[]>(`${this.labUrl}/lab/requests`);
  }

  /** Every run whose name starts with `namePrefix`, in full detail. */
  async runsNamed(namePrefix: string): Promise<OperatorRun[]> {
    const page = await getJson<{ items: { id: string; name: string }[] }>(`${this.apiUrl}/runs?limit=200`);
    const ids = page.items.filter((run) => run.name.startsWith(namePrefix)).map((run) => run.id);
    return Promise.all(ids.map((id) => getJson<OperatorRun>(`${this.apiUrl}/runs/${id}`)));
  }

  /** Sessions of one run (newest first). */
  async sessionsOfRun(runId: string): Promise<OperatorSession[]> {
    const page = await getJson<{ items: OperatorSession[] }>(
      `${this.apiUrl}/sessions?run_id=${runId}&limit=200`,
    );
    return page.items;
  }

  /** Every session the manager knows (newest first), including device-less `error-<uuid>` rows. */
  async allSessions(): Promise<OperatorSession[]> {
    const page = await getJson<{ items: OperatorSession[] }>(`${this.apiUrl}/sessions?limit=200`);
    return page.items;
  }

  /** Every device. */
  async devices(): Promise<OperatorDevice[]> {
    const body = await getJson<OperatorDevice[] | { items: OperatorDevice[] }>(`${this.apiUrl}/devices`);
    return Array.isArray(body) ? body : body.items;
  }
}
