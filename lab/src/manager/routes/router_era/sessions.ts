/**
 * Router-era session routes (docs/manager-api.md §R3.10, §R3.12, §R5): list, detail, status
 * report and operator kill. `POST /api/sessions` and `/finished` are retired (framework 405 / 404).
 */
import type { Router } from '../../http/router';
import type { FieldSpec, ModelSpec } from '../../http/validate';
import type { SessionStatus } from '../../state/model';
import { SESSION_STATUSES } from '../../state/model';
import { killSession, reportSessionStatus } from '../../state/router_sessions';
import { requireSession } from '../../state/sessions';
import type { LabStore } from '../../state/store';
import { PROBE_TEST_NAME, sessionDetailView, sessionView } from '../../state/views';
import { ok, parseRequest } from '../common';
import { LIST_QUERY, listSessions } from '../sessions';

/** Router-era statuses: `pending` is a row state and an accepted report. */
const STATUSES = [...SESSION_STATUSES, 'pending'] as const;

const STATUS_BODY: ModelSpec = {
  extra: 'ignore',
  fields: { status: { kind: 'enum', values: STATUSES, required: true } },
};

const ROUTER_LIST_QUERY: Record<string, FieldSpec> = {
  ...LIST_QUERY,
  status: { kind: 'enum', values: STATUSES },
  include_probes: { kind: 'bool', default: false },
  active: { kind: 'bool' },
};

/** Registers the router-era session routes. */
export function registerRouterSessionRoutes(router: Router, store: LabStore): void {
  router.add('GET', '/api/sessions', (ctx) => {
    const { query } = parseRequest(ctx, { query: ROUTER_LIST_QUERY });
    return ok(
      listSessions(
        store,
        query,
        (s) =>
          (query.include_probes === true || s.test_name !== PROBE_TEST_NAME) &&
          (query.active !== true || s.status === 'running' || s.status === 'pending') &&
          (query.active !== false || (s.status !== 'running' && s.status !== 'pending')),
      ),
    );
  });

  router.add('GET', '/api/sessions/{session_id}', (ctx) =>
    ok(sessionDetailView(store, requireSession(store, ctx.params.session_id ?? ''))),
  );

  router.add('PATCH', '/api/sessions/{session_id}/status', (ctx) => {
    const { body } = parseRequest(ctx, { body: STATUS_BODY });
    const status = body?.status as SessionStatus | 'pending';
    return ok(sessionView(reportSessionStatus(store, ctx.params.session_id ?? '', status), true));
  });

  router.add('POST', '/api/sessions/{session_id}/kill', async (ctx) => {
    const { terminated, row } = await killSession(store, ctx.params.session_id ?? '');
    return ok({ terminated, session: sessionView(row, true) });
  });
}
