/**
 * Raw node:http stand-ins for each GridFleet generation, answering the probes and the router-era client
 * calls with recorded bodies (router era: the router-era transcript; claim/transition: the contract's
 * documented shapes where no recording exists). Used until the lab speaks the router generation.
 */
import { exchange, routerExchange } from '../fixtures/transcript';
import { envelope, type RawAnswer, type RawServer, type SeenRequest, startRawServer } from './raw_server';

/** Which manager to imitate: `router-tags` is a router-era backend before device groups (0.3–0.5). */
export type ManagerFlavour = 'claim' | 'transition' | 'router' | 'router-tags';

/** The recorded router-era Fire TV device row (`GET /api/devices`, transcript #8). */
export function routerDevice(): Record<string, unknown> {
  return (routerExchange(8).body as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
}

/** The recorded catalog without the claim-era `grid_slots` (gone in the router era). */
export function routerCatalog(): unknown {
  const catalog = structuredClone(exchange(3).body) as {
    packs: Array<{ platforms: Array<Record<string, unknown>> }>;
  };
  for (const pack of catalog.packs) for (const platform of pack.platforms) delete platform.grid_slots;
  return catalog;
}

/** A claim/transition-era `GET /api/grid/status`: the hub's status under `grid` (contract docs/manager-api.md §R1.2 probe A). */
const HUB_GRID_STATUS = {
  grid: { value: { ready: true, message: 'Selenium Grid ready.', nodes: [] } },
  registry: { device_count: 0, devices: [] },
  active_sessions: 0,
  queue_size: 0,
};

/** The answer a manager of `flavour` gives to `request`; undefined for routes it does not imitate. */
export function managerAnswer(flavour: ManagerFlavour, request: SeenRequest): RawAnswer | undefined {
  const [path = '', query = ''] = request.url.split('?');
  const router = flavour === 'router' || flavour === 'router-tags';
  const key = `${request.method} ${path}`;
  if (key === 'GET /api/health') return { status: 200, body: { status: 'ok', checks: {} } };
  if (key === 'GET /api/grid/status') {
    return { status: 200, body: router ? routerExchange(24).body : HUB_GRID_STATUS };
  }
  if (request.method === 'POST' && /^\/api\/runs\/[^/]+\/claim$/.test(path)) {
    return flavour === 'claim'
      ? { status: 404, body: envelope('NOT_FOUND', 'Run not found') }
      : { status: 404, body: routerExchange(26).body };
  }
  if (key === 'POST /api/sessions') {
    return router
      ? { status: 405, body: routerExchange(28).body, headers: { allow: 'GET' } }
      : { status: 422, body: envelope('VALIDATION_ERROR', 'Request validation failed', []) };
  }
  if (key === 'GET /api/driver-packs/catalog') return { status: 200, body: routerCatalog() };
  if (key === 'GET /api/devices') {
    const groups = new URLSearchParams(query).getAll('group');
    if (flavour === 'router' && groups.some((group) => group !== 'gf-lab')) {
      return {
        status: 422,
        body: envelope(
          'VALIDATION_ERROR',
          `unknown device groups: ${groups.filter((g) => g !== 'gf-lab').join(', ')}`,
        ),
      };
    }
    const platformId = new URLSearchParams(query).get('platform_id');
    return { status: 200, body: [routerDevice()].filter((d) => !platformId || d.platform_id === platformId) };
  }
  if (request.method === 'GET' && /^\/api\/devices\/[^/]+$/.test(path)) {
    return { status: 200, body: { ...routerDevice(), appium_node: null } };
  }
  return undefined;
}

/** Starts a raw manager of `flavour`; routes it does not imitate answer the framework 404. */
export function startManager(flavour: ManagerFlavour): Promise<RawServer> {
  return startRawServer(
    (request) => managerAnswer(flavour, request) ?? { status: 404, body: { detail: 'Not Found' } },
  );
}

/**
 * Starts a raw WebDriver front end: the GridFleet router (`/status` with keys sorted as it writes them,
 * `/healthz` → `ok`) or a Selenium Grid hub (`value.nodes`, no `/healthz`). Its base URL is
 * `apiUrl` without `/api`.
 */
export async function startWebDriverFront(
  kind: 'router' | 'selenium-grid',
): Promise<RawServer & { url: string }> {
  const server = await startRawServer((request): RawAnswer => {
    if (request.method === 'GET' && request.url === '/status') {
      return kind === 'router'
        ? { status: 200, body: { value: { message: 'GridFleet router', ready: true } } }
        : {
            status: 200,
            body: {
              value: {
                ready: true,
                message: 'Selenium Grid ready.',
                nodes: [
                  { availability: 'UP', slots: [{ stereotype: { 'appium:platform': 'android_mobile' } }] },
                ],
              },
            },
          };
    }
    if (kind === 'router' && request.method === 'GET' && request.url === '/healthz')
      return { status: 200, body: 'ok' };
    return kind === 'router'
      ? {
          status: 404,
          body: {
            value: { error: 'unknown command', message: `${request.method} ${request.url}`, stacktrace: '' },
          },
        }
      : { status: 404, body: 'not found' };
  });
  return Object.assign(server, { url: server.apiUrl.replace(/\/api$/, '') });
}
