/** Log of the API requests the lab answered (admin `/lab/requests`). */

/** One logged request. */
export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  query: string;
  status: number;
  duration_ms: number;
  time: string;
  request_id: string;
  /** Id of the fault that shaped the answer, if any. */
  fault_id: string | null;
  /** `internal`: the router-facing `/internal/grid/*` API; `api`: everything else a client calls. */
  kind: RequestKind;
}

/** Which surface a logged request hit. */
export type RequestKind = 'api' | 'internal';

/** The kind of a request path. */
export function requestKind(path: string): RequestKind {
  return path === '/internal' || path.startsWith('/internal/') ? 'internal' : 'api';
}

/** Bounded in-memory request log. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity = 10_000) {}

  /** Appends an entry (oldest dropped past capacity). */
  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, ...entry });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Entries after a sequence number, or at/after an ISO time, or all. */
  since(since: string | null): RequestLogEntry[] {
    if (since === null || since === '') return [...this.entries];
    if (/^\d+$/.test(since)) return this.entries.filter((e) => e.seq > Number(since));
    const t = Date.parse(since);
    if (Number.isNaN(t)) throw new RangeError('since must be a sequence number or an ISO timestamp');
    return this.entries.filter((e) => Date.parse(e.time) >= t);
  }

  /** Drops every entry (sequence numbers keep increasing). */
  clear(): void {
    this.entries = [];
  }
}
