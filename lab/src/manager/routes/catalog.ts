/** `GET /api/driver-packs/catalog` (docs/manager-api.md §C5): every pack whatever its state, ordered by id. */
import { catalogPack } from '../catalog';
import { ApiError } from '../http/errors';
import type { Router } from '../http/router';
import type { LabStore } from '../state/store';
import { ok, parseRequest } from './common';

/** Registers the catalog route. */
export function registerCatalogRoutes(router: Router, store: LabStore): void {
  router.add('GET', '/api/driver-packs/catalog', () => {
    const packs = [...store.lab.packs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return ok({
      packs: packs.map((pack) => {
        const deviceIds = new Set(
          [...store.devices.values()].filter((d) => d.pack_id === pack.id).map((d) => d.id),
        );
        const runIds = new Set(
          store.reservations
            .filter((r) => r.released_at === null && deviceIds.has(r.device_id))
            .map((r) => r.run_id),
        );
        const usage = {
          active_runs: [...runIds].filter((id) => {
            const run = store.runs.get(id);
            return run !== undefined && !store.isTerminal(run);
          }).length,
          live_sessions: store.sessions.filter(
            (s) => s.status === 'running' && s.device_id && deviceIds.has(s.device_id),
          ).length,
        };
        // A draining pack with nothing left on it is switched off during the call.
        if (pack.state === 'draining' && usage.active_runs === 0 && usage.live_sessions === 0)
          pack.state = 'disabled';
        return catalogPack(pack, usage);
      }),
    });
  });

  // On the manager `/api/driver-packs/catalog` also matches the admin routes `DELETE` / `PATCH
  // /api/driver-packs/{pack_id}` with pack id "catalog" (no such pack): 404, or 422 without a body.
  router.add('DELETE', '/api/driver-packs/catalog', () => {
    throw new ApiError(404, "Pack 'catalog' not found");
  });
  router.add('PATCH', '/api/driver-packs/catalog', (ctx) => {
    parseRequest(ctx, { bodyDict: true });
    throw new ApiError(404, "Pack 'catalog' not found");
  });
}
