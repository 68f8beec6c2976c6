/** Test-only admin surface under `/lab/` (never under `/api`, never behind auth). */
import { z } from 'zod';
import type { FaultInjector } from '../faults';
import { FaultSpecError } from '../faults';
import type { Router } from '../http/router';
import { isoOffsetOrNull, isoZ } from '../http/wire';
import type { RequestLog } from '../request_log';
import { sweep } from '../state/grid_sweep';
import { pollGrid } from '../state/grid_sync';
import type { LabStore } from '../state/store';
import { exclusionInForce } from '../state/views';

/** What the admin routes act on. */
export interface AdminDeps {
  store: LabStore;
  faults: FaultInjector;
  log: RequestLog;
}

const badRequest = (message: string) => ({
  status: 400,
  body: { error: { code: 'LAB_BAD_REQUEST', message } },
});

const clockBody = z.strictObject({
  advance_sec: z.number().min(0, 'advance_sec must be >= 0'),
  sweep: z.boolean().default(true),
});

const devicePatch = z.strictObject({
  operational_state: z.enum(['available', 'busy', 'offline']).optional(),
  hold: z.enum(['maintenance', 'reserved']).nullable().optional(),
  healthy: z.boolean().nullable().optional(),
  readiness_state: z.enum(['setup_required', 'verification_required', 'verified']).optional(),
});

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** A compact snapshot of devices, runs and sessions for tests. */
export function labState(store: LabStore): Record<string, unknown> {
  const now = store.clock.now();
  return {
    now: isoZ(now),
    clock_offset_sec: store.clock.offsetSeconds,
    lifecycle: store.settings.lifecycle,
    // Credentials stay out of the summary.
    settings: { ...store.settings, auth: { enabled: store.settings.auth.enabled } },
    devices: [...store.devices.values()].map((d) => ({
      id: d.id,
      name: d.name,
      pack_id: d.pack_id,
      platform_id: d.platform_id,
      connection_target: d.connection_target,
      operational_state: d.operational_state,
      hold: d.hold,
      healthy: d.health.healthy,
      run_id: store.activeReservation(d.id)?.run_id ?? null,
    })),
    runs: [...store.runs.values()].map((r) => ({
      id: r.id,
      name: r.name,
      state: r.state,
      error: r.error,
      reservations: store.runReservations(r.id).map((x) => ({
        device_id: x.device_id,
        released: x.released_at !== null,
        claimed_by: x.claimed_by,
        excluded: exclusionInForce(x, now),
        excluded_until: isoOffsetOrNull(x.excluded_until),
        cooldown_count: x.cooldown_count,
      })),
    })),
    sessions: store.sessions.map((s) => ({
      session_id: s.session_id,
      status: s.status,
      device_id: s.device_id,
      run_id: s.run_id,
      test_name: s.test_name,
      error_type: s.error_type,
      error_message: s.error_message,
      ended: s.ended_at !== null,
    })),
    tickets: store.tickets.map((t) => ({ id: t.id, status: t.status, run_id: t.run_id })),
  };
}

/** Registers the `/lab/*` routes. */
export function registerAdminRoutes(router: Router, deps: AdminDeps): void {
  const { store, faults, log } = deps;

  router.add('POST', '/lab/reset', () => {
    store.clock.resetOffset();
    store.reset();
    return { status: 200, body: { status: 'reset', devices: store.devices.size } };
  });

  router.add('GET', '/lab/state', () => ({ status: 200, body: labState(store) }));

  router.add('POST', '/lab/clock', async (ctx) => {
    const parsed = clockBody.safeParse(ctx.body ?? {});
    if (!parsed.success) return badRequest(`${zodMessage(parsed.error)} (send {"advance_sec": N})`);
    store.clock.advance(parsed.data.advance_sec);
    const expired = parsed.data.sweep ? await sweep(store) : [];
    return {
      status: 200,
      body: { now: isoZ(store.clock.now()), offset_sec: store.clock.offsetSeconds, expired_runs: expired },
    };
  });

  router.add('POST', '/lab/grid-sync', async () => ({ status: 200, body: await pollGrid(store) }));

  router.add('POST', '/lab/sweep', async () => ({
    status: 200,
    body: { expired_runs: await sweep(store) },
  }));

  router.add('PATCH', '/lab/devices/{device_id}', (ctx) => {
    const device = store.devices.get((ctx.params.device_id ?? '').toLowerCase());
    if (!device)
      return { status: 404, body: { error: { code: 'LAB_NOT_FOUND', message: 'Device not found' } } };
    const parsed = devicePatch.safeParse(ctx.body ?? {});
    if (!parsed.success) return badRequest(zodMessage(parsed.error));
    const p = parsed.data;
    if (p.operational_state !== undefined) device.operational_state = p.operational_state;
    if (p.hold !== undefined) device.hold = p.hold;
    if (p.readiness_state !== undefined) device.readiness_state = p.readiness_state;
    if (p.healthy !== undefined) {
      device.health = {
        healthy: p.healthy,
        summary: p.healthy === null ? 'Unknown' : p.healthy ? 'Healthy' : 'Unhealthy',
        last_checked_at: p.healthy === null ? null : store.clock.now(),
      };
    }
    device.updated_at = store.clock.now();
    return { status: 200, body: labState(store).devices };
  });

  router.add('GET', '/lab/faults', () => ({ status: 200, body: faults.list() }));
  router.add('POST', '/lab/faults', (ctx) => {
    try {
      return { status: 201, body: faults.add(ctx.body) };
    } catch (err) {
      if (err instanceof FaultSpecError) return badRequest(err.message);
      throw err;
    }
  });
  router.add('DELETE', '/lab/faults', () => {
    faults.remove();
    return { status: 200, body: { status: 'cleared' } };
  });
  router.add('DELETE', '/lab/faults/{fault_id}', (ctx) =>
    faults.remove(ctx.params.fault_id ?? '')
      ? { status: 200, body: { status: 'removed' } }
      : { status: 404, body: { error: { code: 'LAB_NOT_FOUND', message: 'Fault not found' } } },
  );

  router.add('GET', '/lab/requests', (ctx) => {
    const kind = ctx.query.get('kind');
    if (kind !== null && kind !== 'api' && kind !== 'internal') {
      return badRequest(`kind must be "api" or "internal", got "${kind}"`);
    }
    try {
      const entries = log.since(ctx.query.get('since'));
      return { status: 200, body: kind === null ? entries : entries.filter((e) => e.kind === kind) };
    } catch (err) {
      return badRequest((err as Error).message);
    }
  });
  router.add('DELETE', '/lab/requests', () => {
    log.clear();
    return { status: 200, body: { status: 'cleared' } };
  });
}
