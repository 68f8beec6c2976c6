/** Run endpoints (docs/manager-api.md §C6): reserve, read, list, lifecycle signals. */
import type { Router } from '../http/router';
import type { FieldSpec, ModelSpec } from '../http/validate';
import { completeRunSessions, releaseRunSessions } from '../state/appium_sessions';
import { parseIncludes } from '../state/includes';
import { RUN_STATES } from '../state/model';
import type { RunCreate } from '../state/runs';
import {
  createRun,
  finishRun,
  forceRelease,
  heartbeat,
  requireRun,
  signalActive,
  signalReady,
} from '../state/runs';
import type { LabStore } from '../state/store';
import { runView } from '../state/views';
import { ok, parseRequest, UUID_PARAM } from './common';
import { listRuns } from './run_list';

/** `DeviceRequirement` (unknown keys ignored): the shared fields plus a generation's `extra` ones. */
export function requirementSpec(extra: ModelSpec['fields']): ModelSpec {
  return {
    extra: 'ignore',
    fields: {
      pack_id: { kind: 'str', required: true },
      platform_id: { kind: 'str', required: true },
      os_version: { kind: 'str', nullable: true },
      count: { kind: 'int', nullable: true, ge: 1 },
      allocation: { kind: 'enum', values: ['all_available'], literal: true, nullable: true },
      min_count: { kind: 'int', nullable: true, ge: 1 },
      ...extra,
    },
    check: (r) => {
      if (r.allocation === 'all_available' && r.count !== null) {
        return 'count cannot be provided when allocation is all_available';
      }
      if (r.allocation !== 'all_available' && r.min_count !== null) {
        return 'min_count can only be provided when allocation is all_available';
      }
      return null;
    },
  };
}

/** `RunCreate` (unknown keys forbidden) with the given requirement model. */
export function runCreateSpec(requirement: ModelSpec): ModelSpec {
  return {
    extra: 'forbid',
    fields: {
      name: { kind: 'str', required: true },
      requirements: { kind: 'models', model: requirement, className: 'DeviceRequirement', required: true },
      ttl_minutes: { kind: 'int', nullable: true },
      heartbeat_timeout_sec: { kind: 'int', nullable: true },
      created_by: { kind: 'str', nullable: true },
    },
  };
}

const RUN_CREATE = runCreateSpec(requirementSpec({ tags: { kind: 'str_dict', nullable: true } }));

const RUN_PATH = { path: { run_id: UUID_PARAM } };

/** List query of `GET /runs`. */
export const RUN_LIST_QUERY: Record<string, FieldSpec> = {
  state: { kind: 'enum', values: RUN_STATES },
  created_from: { kind: 'datetime' },
  created_to: { kind: 'datetime' },
  limit: { kind: 'int', ge: 1, le: 200, default: 50 },
  offset: { kind: 'int', ge: 0, default: 0 },
  sort_by: {
    kind: 'enum',
    literal: true,
    values: ['name', 'state', 'devices', 'created_by', 'created_at', 'duration'],
    default: 'created_at',
  },
  sort_dir: { kind: 'enum', literal: true, values: ['asc', 'desc'], default: 'desc' },
  cursor: { kind: 'str' },
  direction: { kind: 'enum', literal: true, values: ['older', 'newer'] },
};

const { sort_by: _sortBy, sort_dir: _sortDir, ...routerListQuery } = RUN_LIST_QUERY;
const ROUTER_RUN_LIST_QUERY: Record<string, FieldSpec> = {
  ...routerListQuery,
  state: { kind: 'enum', values: RUN_STATES.filter((s) => s !== 'ready' && s !== 'completing') },
};

/** Registers the run routes. */
export function registerRunRoutes(router: Router, store: LabStore): void {
  const now = () => store.clock.now();

  // The router generation's reserve lives in router_era/run_devices.ts.
  if (store.settings.generation !== 'router')
    router.add('POST', '/api/runs', (ctx) => {
      const { body, query } = parseRequest(ctx, { body: RUN_CREATE, query: { include: { kind: 'str' } } });
      const includes = parseIncludes(query.include as string | null, false);
      return ok(createRun(store, body as unknown as RunCreate, includes), 201);
    });

  // Router era (docs/manager-api.md §R6.1, §R11 item 4): no `ready`/`completing` state; `sort_by`/`sort_dir` are ignored.
  const listQuery = store.settings.generation === 'router' ? ROUTER_RUN_LIST_QUERY : RUN_LIST_QUERY;
  router.add('GET', '/api/runs', (ctx) => {
    const { query } = parseRequest(ctx, { query: listQuery });
    return ok(listRuns(store, query, ctx.query.getAll('created_to').pop()));
  });

  router.add('GET', '/api/runs/{run_id}', (ctx) => {
    const { path } = parseRequest(ctx, RUN_PATH);
    return ok(runView(store, requireRun(store, path.run_id as string, 404), now(), true));
  });

  const lifecycle = (name: string, act: (runId: string) => unknown) =>
    router.add('POST', `/api/runs/{run_id}/${name}`, async (ctx) => {
      const { path } = parseRequest(ctx, RUN_PATH);
      return ok(await act(path.run_id as string));
    });

  lifecycle('ready', (id) => {
    const run = requireRun(store, id, 409);
    signalReady(store, run);
    return runView(store, run, now());
  });
  lifecycle('active', (id) => {
    const run = requireRun(store, id, 409);
    signalActive(store, run);
    return runView(store, run, now());
  });
  lifecycle('heartbeat', (id) => heartbeat(store, requireRun(store, id, 404)));
  lifecycle('complete', (id) => {
    const run = requireRun(store, id, 409);
    completeRunSessions(store, run);
    finishRun(store, run, 'completed');
    return runView(store, run, now());
  });
  lifecycle('cancel', async (id) => {
    const run = requireRun(store, id, 409);
    await releaseRunSessions(store, run, 'cancelled', null);
    finishRun(store, run, 'cancelled');
    return runView(store, run, now());
  });
  lifecycle('force-release', async (id) => {
    const run = requireRun(store, id, 404);
    await releaseRunSessions(store, run, 'cancelled', 'Force released by admin');
    forceRelease(store, run);
    return runView(store, run, now());
  });
}
