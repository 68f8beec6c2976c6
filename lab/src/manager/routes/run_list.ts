/** `GET /api/runs`: filters, sorting, offset and cursor paging. */
import type { RunRow } from '../state/model';
import type { LabStore } from '../state/store';
import { runView } from '../state/views';

function endOfDayIfDate(raw: string | undefined, ms: number): number {
  return raw && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? ms + 86_400_000 - 0.001 : ms;
}

/** Builds the runs page for validated query values. */
export function listRuns(
  store: LabStore,
  q: Record<string, unknown>,
  rawCreatedTo?: string,
): Record<string, unknown> {
  const from = q.created_from as number | null;
  const to = q.created_to === null ? null : endOfDayIfDate(rawCreatedTo, q.created_to as number);
  const rows = [...store.runs.values()].filter(
    (r) =>
      (q.state === null || r.state === q.state) &&
      (from === null || r.created_at >= from) &&
      (to === null || r.created_at <= to),
  );
  const key = (r: RunRow): string | number => {
    switch (q.sort_by) {
      case 'name':
        return r.name;
      case 'state':
        return r.state;
      case 'devices':
        return store.runReservations(r.id).length;
      case 'created_by':
        return r.created_by ?? '';
      case 'duration':
        return (r.completed_at ?? store.clock.now()) - (r.started_at ?? r.created_at);
      default:
        return r.created_at;
    }
  };
  const dir = q.sort_dir === 'asc' ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => dir * (cmp(key(a), key(b)) || cmp(a.created_at, b.created_at) || cmp(a.id, b.id)));
  const limit = q.limit as number;
  const now = store.clock.now();
  const cursorMode = q.cursor !== null || q.direction !== null;
  if (!cursorMode) {
    const offset = q.offset as number;
    return {
      items: rows.slice(offset, offset + limit).map((r) => runView(store, r, now)),
      total: rows.length,
      limit,
      offset,
      next_cursor: null,
      prev_cursor: null,
    };
  }
  // Cursor = opaque base64 of an offset (the lab's own encoding; clients treat it as opaque).
  const start = decodeCursor(q.cursor as string | null);
  const page = rows.slice(start, start + limit);
  return {
    items: page.map((r) => runView(store, r, now)),
    total: null,
    limit,
    offset: null,
    next_cursor: start + limit < rows.length ? encodeCursor(start + limit) : null,
    prev_cursor: start > 0 ? encodeCursor(Math.max(0, start - limit)) : null,
  };
}

/** Opaque cursor for an offset. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

/** Offset of an opaque cursor (0 when absent or unreadable). */
export function decodeCursor(cursor: string | null): number {
  if (!cursor) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m?.[1] ? Number(m[1]) : 0;
}
