/** Session endpoints (docs/manager-api.md §C8): register, status, finished, list and detail. */
import type { Router } from '../http/router';
import type { FieldSpec, ModelSpec } from '../http/validate';
import { pythonJsonDumps } from '../http/wire';
import type { SessionRow, SessionStatus } from '../state/model';
import { SESSION_STATUSES } from '../state/model';
import type { SessionRegister } from '../state/sessions';
import { registerSession, requireSession, sessionFinished, updateSessionStatus } from '../state/sessions';
import type { LabStore } from '../state/store';
import { sessionDetailView, sessionView } from '../state/views';
import { ok, parseRequest } from './common';
import { decodeCursor, encodeCursor } from './run_list';

const CAPS_LIMIT = 32_768;

const REGISTER_BODY: ModelSpec = {
  extra: 'forbid',
  fields: {
    session_id: { kind: 'str', required: true },
    test_name: { kind: 'str', nullable: true },
    device_id: { kind: 'uuid', nullable: true },
    connection_target: { kind: 'str', nullable: true },
    status: { kind: 'enum', values: SESSION_STATUSES, default: 'running' },
    requested_pack_id: { kind: 'str', nullable: true },
    requested_platform_id: { kind: 'str', nullable: true },
    requested_device_type: { kind: 'enum', values: ['real_device', 'emulator', 'simulator'], nullable: true },
    requested_connection_type: { kind: 'enum', values: ['usb', 'network', 'virtual'], nullable: true },
    requested_capabilities: { kind: 'dict', nullable: true },
    error_type: { kind: 'str', nullable: true },
    error_message: { kind: 'str', nullable: true },
    run_id: { kind: 'uuid', nullable: true },
  },
};

const STATUS_BODY: ModelSpec = {
  extra: 'ignore',
  fields: { status: { kind: 'enum', values: SESSION_STATUSES, required: true } },
};

/** List query of `GET /sessions` (claim era). */
export const LIST_QUERY: Record<string, FieldSpec> = {
  device_id: { kind: 'uuid' },
  status: { kind: 'enum', values: SESSION_STATUSES },
  pack_id: { kind: 'str' },
  platform_id: { kind: 'str' },
  started_after: { kind: 'datetime' },
  started_before: { kind: 'datetime' },
  run_id: { kind: 'uuid' },
  limit: { kind: 'int', ge: 1, le: 200, default: 50 },
  offset: { kind: 'int', ge: 0, default: 0 },
  sort_by: {
    kind: 'enum',
    literal: true,
    values: ['session_id', 'device', 'test_name', 'platform', 'started_at', 'duration', 'status'],
    default: 'started_at',
  },
  sort_dir: { kind: 'enum', literal: true, values: ['asc', 'desc'], default: 'desc' },
  cursor: { kind: 'str' },
  direction: { kind: 'enum', literal: true, values: ['older', 'newer'] },
};

function capsCheck(body: unknown) {
  const caps = (body as Record<string, unknown>).requested_capabilities;
  if (caps === null || caps === undefined) return [];
  if (Buffer.byteLength(pythonJsonDumps(caps, true, true)) <= CAPS_LIMIT) return [];
  return [
    {
      type: 'value_error',
      loc: ['body', 'requested_capabilities'],
      msg: 'Value error, requested_capabilities must serialize to 32 KB or less',
      input: caps,
      ctx: { error: {} },
    },
  ];
}

/** Registers the session routes. */
export function registerSessionRoutes(router: Router, store: LabStore): void {
  router.add('POST', '/api/sessions', (ctx) => {
    const { body } = parseRequest(ctx, { body: REGISTER_BODY, bodyCheck: capsCheck });
    return ok(sessionView(registerSession(store, body as unknown as SessionRegister)));
  });

  router.add('GET', '/api/sessions', (ctx) => {
    const { query } = parseRequest(ctx, { query: LIST_QUERY });
    return ok(listSessions(store, query, () => true));
  });

  router.add('GET', '/api/sessions/{session_id}', (ctx) =>
    ok(sessionDetailView(store, requireSession(store, ctx.params.session_id ?? ''))),
  );

  router.add('PATCH', '/api/sessions/{session_id}/status', (ctx) => {
    const { body } = parseRequest(ctx, { body: STATUS_BODY });
    const status = body?.status as SessionStatus;
    return ok(sessionView(updateSessionStatus(store, ctx.params.session_id ?? '', status)));
  });

  router.add('POST', '/api/sessions/{session_id}/finished', (ctx) => {
    sessionFinished(store, ctx.params.session_id ?? '');
    return { status: 204 };
  });
}

/**
 * `GET /sessions` over validated query values: filters, sort, offset or cursor page of SessionDetail.
 * `extra` adds filters of a generation (the router era's `active`, `include_probes`).
 */
export function listSessions(
  store: LabStore,
  q: Record<string, unknown>,
  extra: (s: SessionRow) => boolean,
): Record<string, unknown> {
  const rows = store.sessions.filter((s) => {
    if (!extra(s)) return false;
    const d = s.device_id ? store.devices.get(s.device_id) : undefined;
    return (
      (q.device_id === null || s.device_id === q.device_id) &&
      (q.status === null || s.status === q.status) &&
      (q.pack_id === null || d?.pack_id === q.pack_id) &&
      (q.platform_id === null || d?.platform_id === q.platform_id) &&
      (q.started_after === null || s.started_at >= (q.started_after as number)) &&
      (q.started_before === null || s.started_at <= (q.started_before as number)) &&
      (q.run_id === null || s.run_id === q.run_id)
    );
  });
  const now = store.clock.now();
  const key = (s: SessionRow): string | number => {
    const d = s.device_id ? store.devices.get(s.device_id) : undefined;
    switch (q.sort_by) {
      case 'session_id':
        return s.session_id;
      case 'device':
        return d?.name ?? '';
      case 'test_name':
        return s.test_name ?? '';
      case 'platform':
        return d?.platform_id ?? '';
      case 'duration':
        return (s.ended_at ?? now) - s.started_at;
      case 'status':
        return s.status;
      default:
        return s.started_at;
    }
  };
  const dir = q.sort_dir === 'asc' ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => dir * (cmp(key(a), key(b)) || cmp(a.started_at, b.started_at) || cmp(a.id, b.id)));
  const limit = q.limit as number;
  const view = (s: SessionRow) => sessionDetailView(store, s);
  if (q.cursor === null && q.direction === null) {
    const offset = q.offset as number;
    const items = rows.slice(offset, offset + limit).map(view);
    return { items, total: rows.length, limit, offset, next_cursor: null, prev_cursor: null };
  }
  const start = decodeCursor(q.cursor as string | null);
  return {
    items: rows.slice(start, start + limit).map(view),
    total: null,
    limit,
    offset: null,
    next_cursor: start + limit < rows.length ? encodeCursor(start + limit) : null,
    prev_cursor: start > 0 ? encodeCursor(Math.max(0, start - limit)) : null,
  };
}
