/** A run as an operator sees it through the manager API. */
export interface RunView {
  id: string;
  name: string;
  state: string;
  error: string | null;
  session_counts: { passed: number; failed: number; error: number; running: number; total: number };
  devices: Array<{ device_id: string; claimed_by: string | null }>;
}

/** A session as the dashboard shows it. */
export interface SessionView {
  session_id: string;
  test_name: string | null;
  status: string;
  run_id: string | null;
  device_id: string | null;
  error_type: string | null;
  requested_capabilities: Record<string, unknown> | null;
}

/** A device row (only the fields the tests look at). */
export interface DeviceView {
  id: string;
  operational_state: string;
  hold: string | null;
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Reads what a cucumber run left on the manager, through the public API only. */
export class ManagerView {
  constructor(
    private readonly apiUrl: string,
    private readonly labUrl: string,
    private readonly gridUrl?: string,
    /** Which manager the lab plays: the router era has no claims and no Selenium Grid. */
    readonly generation: 'claim' | 'router' = 'claim',
  ) {}

  /**
   * Ids of the WebDriver sessions still open: on the Selenium Grid (empty without a Grid URL), or in the
   * router era the routes the manager still gives the router.
   */
  async gridSessions(): Promise<string[]> {
    if (this.generation === 'router') {
      const routes = await get<{ routes?: Array<{ session_id: string }> } | Array<{ session_id: string }>>(
        `${this.labUrl}/internal/grid/routes`,
      );
      return (Array.isArray(routes) ? routes : (routes.routes ?? [])).map((r) => r.session_id);
    }
    if (!this.gridUrl) return [];
    const status = await get<{
      value: { nodes: Array<{ slots: Array<{ session: { sessionId: string } | null }> }> };
    }>(`${this.gridUrl}/status`);
    return status.value.nodes.flatMap((n) =>
      n.slots.flatMap((slot) => (slot.session ? [slot.session.sessionId] : [])),
    );
  }

  /** Every run, newest first. */
  async runs(): Promise<RunView[]> {
    const page = await get<{ items: Array<{ id: string }> }>(`${this.apiUrl}/runs?limit=200`);
    return Promise.all(page.items.map((r) => this.run(r.id)));
  }

  /** One run with its devices. */
  run(runId: string): Promise<RunView> {
    return get<RunView>(`${this.apiUrl}/runs/${runId}`);
  }

  /**
   * Every session (any run, device-less ones included). Router era: the sessions of every run, from
   * `GET /sessions?run_id=` (the manager makes rows only for sessions that got a device).
   */
  async sessions(): Promise<SessionView[]> {
    if (this.generation === 'router') {
      const runs = await get<{ items: Array<{ id: string }> }>(`${this.apiUrl}/runs?limit=200`);
      const all: SessionView[] = [];
      // Pages of 200 (the manager's largest), so a soak's 500 sessions are all read.
      for (const r of runs.items) {
        for (let offset = 0; ; offset += 200) {
          const page = await get<{ items: SessionView[] }>(
            `${this.apiUrl}/sessions?run_id=${r.id}&limit=200&offset=${offset}&sort_dir=asc`,
          );
          all.push(...page.items);
          if (page.items.length < 200) break;
        }
      }
      return all;
    }
    const page = await get<{ items: SessionView[] }>(`${this.apiUrl}/sessions?limit=200&sort_dir=asc`);
    return page.items;
  }

  /** Every device. */
  devices(): Promise<DeviceView[]> {
    return get<DeviceView[]>(`${this.apiUrl}/devices`);
  }

  /** `METHOD path?query` of every API request the lab saw since the last reset (test-only admin surface). */
  async requests(): Promise<string[]> {
    const body = await get<unknown>(`${this.labUrl}/lab/requests`);
    const items = (Array.isArray(body) ? body : ((body as { items?: unknown[] }).items ?? [])) as Array<{
      method: string;
      path: string;
      query: string;
    }>;
    return items.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query.replace(/^\?/, '')}` : ''}`);
  }

  /** Resets the lab to its initial state and clears its request log (test-only admin surface). */
  async reset(): Promise<void> {
    const response = await fetch(`${this.labUrl}/lab/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`lab reset failed: ${response.status}`);
    await fetch(`${this.labUrl}/lab/requests`, { method: 'DELETE' });
  }
}
