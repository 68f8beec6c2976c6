import { type RunningLab, startLab } from '../../../lab/src/manager';
import type { LabSettings, ResolvedLab } from '../../../lab/src/manager/lab_file';

/** A lab fault as `POST /lab/faults` takes it (see `src/lab/README.md`). */
export interface FaultSpec {
  method?: string;
  path: string;
  status?: number;
  latency_ms?: number;
  drop?: boolean;
  malformed?: boolean;
  /** Serve the request first, then replace its answer (the effect lands, the reply is lost). */
  applied?: boolean;
  times?: number;
  probability?: number;
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
  code?: string;
}

/**
 * A lab of its own for the chaos suite (the stack's Grid + Appium stay shared): it can be closed and
 * started again on the same port (a manager restart), and it can run with auth or a short heartbeat.
 */
export class ChaosLab {
  private constructor(
    private running: RunningLab | undefined,
    readonly port: number,
    private readonly settings: Partial<LabSettings>,
    private readonly lab?: ResolvedLab,
  ) {}

  /** Starts a lab (default: the demo lab) on a free port whose runs report `gridUrl`. */
  static async start(
    gridUrl: string,
    settings: Partial<LabSettings> = {},
    lab?: ResolvedLab,
  ): Promise<ChaosLab> {
    const all = { grid_url: gridUrl, sweep_interval_sec: 0.2, ...settings };
    const running = await startLab({ port: 0, settings: all, ...(lab ? { lab } : {}) });
    return new ChaosLab(running, running.port, all, lab);
  }

  /** `http://127.0.0.1:PORT`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `url + '/api'`. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** Whether the lab is listening. */
  get up(): boolean {
    return this.running !== undefined;
  }

  /** Stops listening (clients get connection refused). All state is lost, as on a manager without a DB. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
  }

  /** Starts again on the same port (fresh state, like a manager restart on a wiped DB). */
  async restart(): Promise<void> {
    if (this.running) return;
    this.running = await startLab({
      port: this.port,
      settings: this.settings,
      ...(this.lab ? { lab: this.lab } : {}),
    });
  }

  /** Registers a fault; returns its id. */
  async fault(spec: FaultSpec): Promise<string> {
    const response = await fetch(`${this.url}/lab/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    });
    if (response.status !== 201)
      throw new Error(`fault rejected: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  }

  /** Sum of the `hits` of every fault still registered. */
  async faultHits(): Promise<number> {
    const response = await fetch(`${this.url}/lab/faults`);
    const body = (await response.json()) as unknown;
    const items = (Array.isArray(body) ? body : ((body as { items?: unknown[] }).items ?? [])) as Array<{
      hits?: number;
    }>;
    return items.reduce((sum, f) => sum + (f.hits ?? 0), 0);
  }

  /** Requests answered by a fault (the request log's `fault_id`), which also counts faults removed after `times`. */
  async faultedRequests(): Promise<number> {
    const response = await fetch(`${this.url}/lab/requests`);
    const body = (await response.json()) as unknown;
    const items = (Array.isArray(body) ? body : ((body as { items?: unknown[] }).items ?? [])) as Array<{
      fault_id?: string | null;
    }>;
    return items.filter((r) => r.fault_id).length;
  }

  /** Removes faults, resets state and the request log. */
  async reset(): Promise<void> {
    await fetch(`${this.url}/lab/faults`, { method: 'DELETE' });
    await fetch(`${this.url}/lab/reset`, { method: 'POST' });
    await fetch(`${this.url}/lab/requests`, { method: 'DELETE' });
  }

  /** Removes every fault (before the leak checks read the API). */
  async clearFaults(): Promise<void> {
    await fetch(`${this.url}/lab/faults`, { method: 'DELETE' });
  }

  /** Moves the virtual clock and sweeps; returns the ids of runs that expired. */
  async advanceClock(seconds: number): Promise<string[]> {
    const response = await fetch(`${this.url}/lab/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_sec: seconds, sweep: true }),
    });
    return ((await response.json()) as { expired_runs: string[] }).expired_runs;
  }
}
