/** Claim endpoints (docs/manager-api.md §C6.6, §C7): claim, release, release-with-cooldown, preparation-failed. */
import { ApiError } from '../http/errors';
import type { Router } from '../http/router';
import { parseUuid } from '../http/uuid';
import type { ModelSpec } from '../http/validate';
import type { CooldownRequest } from '../state/claims';
import { claim, preparationFailed, release, releaseWithCooldown } from '../state/claims';
import { parseIncludes } from '../state/includes';
import type { LabStore } from '../state/store';
import { ok, parseRequest, UUID_PARAM } from './common';

const CLAIM_BODY: ModelSpec = {
  extra: 'forbid',
  fields: { worker_id: { kind: 'str', nullable: true, min: 1 } },
};

const RELEASE_BODY: ModelSpec = {
  extra: 'forbid',
  fields: { device_id: { kind: 'str', required: true }, worker_id: { kind: 'str', required: true, min: 1 } },
};

const COOLDOWN_BODY: ModelSpec = {
  extra: 'forbid',
  fields: {
    worker_id: { kind: 'str', required: true, min: 1 },
    reason: { kind: 'str', required: true, min: 1, max: 200 },
    ttl_seconds: { kind: 'int', required: true, ge: 1 },
  },
};

const PREP_FAILED_BODY: ModelSpec = {
  extra: 'forbid',
  fields: { message: { kind: 'str', required: true }, source: { kind: 'str', default: 'ci_preparation' } },
};

/** Registers the claim routes. */
export function registerClaimRoutes(router: Router, store: LabStore): void {
  router.add('POST', '/api/runs/{run_id}/claim', (ctx) => {
    const { path, query, body } = parseRequest(ctx, {
      path: { run_id: UUID_PARAM },
      query: { include: { kind: 'str' } },
      body: CLAIM_BODY,
      bodyOptional: true,
    });
    const includes = parseIncludes(query.include as string | null, true);
    const worker = (body?.worker_id as string | null | undefined) ?? null;
    return ok(claim(store, path.run_id as string, worker, includes));
  });

  router.add('POST', '/api/runs/{run_id}/release', (ctx) => {
    const { path, body } = parseRequest(ctx, { path: { run_id: UUID_PARAM }, body: RELEASE_BODY });
    const b = body as { device_id: string; worker_id: string };
    const parsed = parseUuid(b.device_id);
    if (!parsed.ok) throw new ApiError(422, 'Invalid device_id');
    return ok(release(store, path.run_id as string, parsed.value, b.worker_id));
  });

  router.add('POST', '/api/runs/{run_id}/devices/{device_id}/release-with-cooldown', (ctx) => {
    const { path, body } = parseRequest(ctx, {
      path: { run_id: UUID_PARAM, device_id: UUID_PARAM },
      body: COOLDOWN_BODY,
    });
    return ok(
      releaseWithCooldown(
        store,
        path.run_id as string,
        path.device_id as string,
        body as unknown as CooldownRequest,
      ),
    );
  });

  router.add('POST', '/api/runs/{run_id}/devices/{device_id}/preparation-failed', (ctx) => {
    const { path, body } = parseRequest(ctx, {
      path: { run_id: UUID_PARAM, device_id: UUID_PARAM },
      body: PREP_FAILED_BODY,
    });
    return ok(
      preparationFailed(store, path.run_id as string, path.device_id as string, body?.message as string),
    );
  });
}
