/**
 * The internal grid API a WebDriver router calls (docs/manager-api.md §R4.6), mounted at
 * `/internal/grid`, and the router-era `GET /api/grid/queue`. Router generation only.
 */
import type { ValidationIssue } from '../http/errors';
import { validationError } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import type { ModelSpec } from '../http/validate';
import { closeAsEnded } from '../state/appium_sessions';
import { createSession, DEFAULT_CREATE_BUDGET_MS, tearDownClaimOf } from '../state/create_session';
import type { LabStore } from '../state/store';
import { cancelTicket, findTicket, gridQueueView } from '../state/tickets';
import { ok, parseRequest, UUID_PARAM } from './common';

const CREATE_BODY: ModelSpec = {
  extra: 'ignore',
  fields: {
    body: { kind: 'dict', required: true },
    ticket: { kind: 'uuid', nullable: true },
    run_id: { kind: 'uuid', nullable: true },
  },
};

const ENDED_BODY: ModelSpec = { extra: 'ignore', fields: { session_id: { kind: 'str', required: true } } };

const BUDGET_HEADER = 'x-gridfleet-create-budget-ms';

/** The budget header as an integer (FastAPI's `int` header: 422 when it does not parse). */
function budgetMs(ctx: RequestContext): number {
  const raw = ctx.headers[BUDGET_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return DEFAULT_CREATE_BUDGET_MS;
  if (!/^\s*[+-]?\d+\s*$/.test(value)) {
    throw validationError([
      {
        type: 'int_parsing',
        loc: ['header', BUDGET_HEADER],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: value,
      },
    ]);
  }
  return Math.max(0, Number.parseInt(value, 10));
}

/** `{sessions: string[]}` (unknown keys ignored), or the 422. */
function activityIds(body: unknown): string[] {
  const issues: ValidationIssue[] = [];
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
  const sessions = isObject ? (body as Record<string, unknown>).sessions : undefined;
  if (!isObject)
    issues.push({ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: body });
  else if (sessions === undefined)
    issues.push({ type: 'missing', loc: ['body', 'sessions'], msg: 'Field required', input: body });
  else if (!Array.isArray(sessions)) {
    issues.push({
      type: 'list_type',
      loc: ['body', 'sessions'],
      msg: 'Input should be a valid list',
      input: sessions,
    });
  } else {
    sessions.forEach((s, i) => {
      if (typeof s !== 'string') {
        issues.push({
          type: 'string_type',
          loc: ['body', 'sessions', i],
          msg: 'Input should be a valid string',
          input: s,
        });
      }
    });
  }
  if (issues.length > 0) throw validationError(issues);
  return sessions as string[];
}

/** Registers `/internal/grid/*` and `GET /api/grid/queue` (call only for the router generation). */
export function registerInternalGridRoutes(router: Router, store: LabStore): void {
  router.add('POST', '/internal/grid/create-session', async (ctx) => {
    const { body } = parseRequest(ctx, { body: CREATE_BODY });
    const budget = budgetMs(ctx);
    const b = body as Record<string, unknown>;
    const answer = await createSession(store, {
      body: b.body as Record<string, unknown>,
      ticket: (b.ticket as string | null) ?? null,
      run_id: (b.run_id as string | null) ?? null,
      budgetMs: budget,
    });
    return ok(answer.body, answer.status);
  });

  router.add('DELETE', '/internal/grid/tickets/{ticket_id}', async (ctx) => {
    const { path } = parseRequest(ctx, { path: { ticket_id: UUID_PARAM } });
    const id = path.ticket_id as string;
    const ticket = findTicket(store, id);
    if (ticket) cancelTicket(ticket);
    // A ticket already consumed by a claim: the session made under it is torn down.
    await tearDownClaimOf(store, id);
    return { status: 204 };
  });

  router.add('POST', '/internal/grid/sessions/ended', (ctx) => {
    const { body } = parseRequest(ctx, { body: ENDED_BODY });
    const sessionId = body?.session_id as string;
    for (const row of store.sessions) {
      if (row.session_id === sessionId && row.status === 'running' && row.ended_at === null) {
        closeAsEnded(store, row);
      }
    }
    return { status: 204 };
  });

  router.add('GET', '/internal/grid/routes', () =>
    ok({
      routes: store.sessions
        .filter((s) => s.status === 'running' && s.ended_at === null && s.target != null)
        .map((s) => ({ session_id: s.session_id, target: s.target })),
    }),
  );

  router.add('POST', '/internal/grid/activity', (ctx) => {
    if (ctx.bodyError) parseRequest(ctx, { bodyDict: true });
    const ids = new Set(activityIds(ctx.body));
    const now = store.clock.now();
    for (const row of store.sessions) {
      if (ids.has(row.session_id) && row.status === 'running' && row.ended_at === null) {
        row.last_activity_at = now;
      }
    }
    return { status: 204 };
  });

  router.add('GET', '/api/grid/queue', () => ok(gridQueueView(store)));
}
