/**
 * Router-era run routes that differ from the claim era (docs/manager-api.md §R6.2, §R3.8,
 * docs/manager-api.md §R3.9): reserve with `groups`, cooldown, preparation failure. The lifecycle routes are shared
 * (routes/runs.ts), the claim routes are retired (not registered: framework 404).
 */
import type { ValidationIssue } from '../../http/errors';
import type { Router } from '../../http/router';
import type { ModelSpec } from '../../http/validate';
import type { RouterRunCreate } from '../../state/router_reserve';
import { createRouterRun } from '../../state/router_reserve';
import type { RouterCooldown } from '../../state/router_run_devices';
import { cooldownDevice, routerPreparationFailed } from '../../state/router_run_devices';
import type { LabStore } from '../../state/store';
import { ok, parseRequest, UUID_PARAM } from '../common';
import { requirementSpec, runCreateSpec } from '../runs';
import { groupKeyIssues } from './groups';

// A claim-era `tags` is an unknown key, ignored; `groups` is checked by `groupsCheck`.
const RUN_CREATE = runCreateSpec(requirementSpec({}));

const COOLDOWN_BODY: ModelSpec = {
  extra: 'forbid',
  fields: {
    reason: { kind: 'str', required: true, min: 1, max: 200 },
    ttl_seconds: { kind: 'int', required: true, ge: 1 },
  },
};

const PREP_FAILED_BODY: ModelSpec = {
  extra: 'forbid',
  fields: { message: { kind: 'str', required: true }, source: { kind: 'str', default: 'ci_preparation' } },
};

const RUN_DEVICE_PATH = { run_id: UUID_PARAM, device_id: UUID_PARAM };

/** The raw `groups` of each requirement (absent or null → `[]`). */
function rawGroups(body: unknown): unknown[] {
  const reqs = (body as { requirements?: unknown }).requirements;
  return (Array.isArray(reqs) ? reqs : []).map((r) => {
    const g = (r as Record<string, unknown> | null)?.groups;
    return g === undefined || g === null ? [] : g;
  });
}

function groupsCheck(body: unknown): ValidationIssue[] {
  return rawGroups(body).flatMap((g, i) => groupKeyIssues(g, ['body', 'requirements', i, 'groups']));
}

/** Registers `POST /api/runs`, the cooldown and the preparation-failure routes of the router era. */
export function registerRouterRunDeviceRoutes(router: Router, store: LabStore): void {
  router.add('POST', '/api/runs', (ctx) => {
    // `include=` was retired: like every unknown query parameter it is ignored.
    const { body } = parseRequest(ctx, { body: RUN_CREATE, bodyCheck: groupsCheck });
    const groups = rawGroups(ctx.body) as string[][];
    const b = body as unknown as RouterRunCreate;
    const create: RouterRunCreate = {
      ...b,
      requirements: b.requirements.map((r, i) => ({ ...r, groups: groups[i] ?? [] })),
    };
    return ok(createRouterRun(store, create), 201);
  });

  router.add('POST', '/api/runs/{run_id}/devices/{device_id}/cooldown', (ctx) => {
    const { path, body } = parseRequest(ctx, { path: RUN_DEVICE_PATH, body: COOLDOWN_BODY });
    const runId = path.run_id as string;
    return ok(cooldownDevice(store, runId, path.device_id as string, body as unknown as RouterCooldown));
  });

  // The manager's lock-timeout 503 (`Retry-After: 1`) is reproduced with a lab fault on this path.
  router.add('POST', '/api/runs/{run_id}/devices/{device_id}/preparation-failed', (ctx) => {
    const { path, body } = parseRequest(ctx, { path: RUN_DEVICE_PATH, body: PREP_FAILED_BODY });
    const runId = path.run_id as string;
    return ok(routerPreparationFailed(store, runId, path.device_id as string, body?.message as string));
  });
}
