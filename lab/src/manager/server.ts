/** The lab HTTP server: the manager's API under `/api`, health probes, and the `/lab/` admin surface. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type Fault, FaultInjector, faultBody } from './faults';
import { basicUser, isProtected } from './http/auth';
import { ApiError, FrameworkError } from './http/errors';
import type { LabResponse, RequestContext } from './http/router';
import { Router } from './http/router';
import type { LabSettings, ResolvedLab } from './lab_file';
import { DEMO_LAB_PATH, loadLabFile, resolveLabSettings } from './lab_file';
import { RequestLog, requestKind } from './request_log';
import { registerAdminRoutes } from './routes/admin';
import { registerCatalogRoutes } from './routes/catalog';
import { registerClaimRoutes } from './routes/claims';
import { registerDeviceRoutes } from './routes/devices';
import { registerInternalGridRoutes } from './routes/internal_grid';
import { registerRouterDeviceRoutes } from './routes/router_era/devices';
import { registerRouterRunDeviceRoutes } from './routes/router_era/run_devices';
import { registerRouterSessionRoutes } from './routes/router_era/sessions';
import { registerRunRoutes } from './routes/runs';
import { registerSessionRoutes } from './routes/sessions';
import { LabClock } from './state/clock';
import { InternalServerError } from './state/devices';
import { sweep } from './state/grid_sweep';
import { pollGrid } from './state/grid_sync';
import { LabStore } from './state/store';
import { stopWaiters } from './state/tickets';

/** Options of {@link startLab}. */
export interface StartLabOptions {
  /** A resolved lab or the path of a lab file; the demo lab when omitted. */
  lab?: ResolvedLab | string;
  /** Port to listen on; 0 (default) picks a free port. */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Overrides of the lab file's settings (validated like the file). */
  settings?: Partial<LabSettings>;
  /** Wall clock in epoch ms (default `Date.now`); `/lab/clock` adds a virtual offset on top. */
  clock?: () => number;
}

/** A running lab. */
export interface RunningLab {
  /** `http://HOST:PORT`. */
  url: string;
  /** `url + '/api'` (what clients use as `GRIDFLEET_API_URL`). */
  apiUrl: string;
  port: number;
  /** The lab definition being served (settings with overrides applied). */
  lab: ResolvedLab;
  /** Stops the sweeper and the server, dropping open connections. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;
/** Paths the manager's 30 s request watchdog leaves alone (the create-session long-poll). */
const NO_WATCHDOG_PATHS = new Set(['/internal/grid/create-session']);
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): Pick<RequestContext, 'body' | 'bodyError'> {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    return {
      body: undefined,
      bodyError: { position: pos?.[1] ? Number(pos[1]) : 0, message: 'Expecting value' },
    };
  }
}

/** Writes a response with uvicorn's header set and order. */
function send(res: ServerResponse, r: LabResponse, requestId: string | null, raw?: string): void {
  const headers: [string, string][] = [
    ['date', new Date().toUTCString()],
    ['server', 'uvicorn'],
  ];
  for (const [k, v] of Object.entries(r.headers ?? {})) headers.push([k.toLowerCase(), v]);
  const payload = raw ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
  if (payload !== undefined) {
    headers.push(['content-length', String(Buffer.byteLength(payload))]);
    headers.push(['content-type', 'application/json']);
  }
  if (requestId !== null) headers.push(['x-request-id', requestId]);
  res.sendDate = false;
  // uvicorn sends no Connection/Keep-Alive headers (HTTP/1.1 keeps the connection open anyway).
  res.removeHeader('connection');
  res.writeHead(r.status, headers.flat());
  res.end(payload);
}

function resolveLab(lab: StartLabOptions['lab']): ResolvedLab {
  if (lab === undefined) return loadLabFile(DEMO_LAB_PATH);
  return typeof lab === 'string' ? loadLabFile(lab) : lab;
}

/** Starts a GridFleet lab (manager simulator) and resolves once it listens. */
export async function startLab(options: StartLabOptions = {}): Promise<RunningLab> {
  const base = resolveLab(options.lab);
  const settings = options.settings
    ? resolveLabSettings(base.settings, options.settings, base.source)
    : base.settings;
  const lab: ResolvedLab = { ...base, packs: structuredClone(base.packs), settings };
  const store = new LabStore(lab, settings, new LabClock(options.clock));
  const faults = new FaultInjector();
  const log = new RequestLog();

  const api = new Router();
  api.add('GET', '/health/live', () => ({ status: 200, body: { status: 'ok' } }));
  api.add('GET', '/health/ready', () => ({ status: 200, body: { status: 'ok' } }));
  api.add('GET', '/api/health', () => ({
    status: 200,
    body: { status: 'healthy', checks: { database: 'ok' } },
  }));
  const router = settings.generation === 'router';
  registerCatalogRoutes(api, store);
  if (router) {
    // docs/manager-api.md §R3, §R8: retired routes are simply not registered (framework 404/405).
    registerRouterDeviceRoutes(api, store);
    registerRunRoutes(api, store);
    registerRouterRunDeviceRoutes(api, store);
    registerRouterSessionRoutes(api, store);
    registerInternalGridRoutes(api, store);
  } else {
    registerDeviceRoutes(api, store);
    registerRunRoutes(api, store);
    registerClaimRoutes(api, store);
    registerSessionRoutes(api, store);
  }
  const admin = new Router();
  registerAdminRoutes(admin, { store, faults, log });

  let shuttingDown = false;
  let urlHostPort = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://lab.invalid');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const header = req.headers['x-request-id'];
    const requestId = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const raw = await readBody(req);
    const ctx: RequestContext = {
      method,
      path,
      query: url.searchParams,
      params: {},
      ...parseJson(raw),
      headers: req.headers,
      requestId,
      user: null,
    };

    if (path === '/lab' || path.startsWith('/lab/')) {
      let r: LabResponse;
      try {
        const m = admin.match(method, path);
        r = await m.handler({ ...ctx, params: m.params });
      } catch (err) {
        r =
          err instanceof FrameworkError
            ? frameworkResponse(err)
            : { status: 500, body: { error: String(err) } };
      }
      send(res, r, requestId);
      return;
    }

    const logEntry = (status: number, faultId: string | null) =>
      log.add({
        method,
        path,
        query: url.search.replace(/^\?/, ''),
        status,
        duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
        time: new Date().toISOString(),
        request_id: requestId,
        fault_id: faultId,
        kind: requestKind(path),
      });

    /** Answers with the fault's drop / malformed body / status; false when it has none of them. */
    const answerWithFault = (fault: Fault): boolean => {
      if (fault.drop) {
        logEntry(0, fault.id);
        req.socket.destroy();
        return true;
      }
      if (fault.malformed) {
        send(
          res,
          { status: fault.status ?? 200, headers: fault.headers },
          requestId,
          '{"error": {"code": "INTE',
        );
        logEntry(fault.status ?? 200, fault.id);
        return true;
      }
      if (fault.status !== undefined) {
        // The manager's unhandled-error 500 carries no x-request-id header.
        send(
          res,
          { status: fault.status, body: faultBody(fault, requestId), headers: fault.headers },
          fault.status === 500 ? null : requestId,
        );
        logEntry(fault.status, fault.id);
        return true;
      }
      return false;
    };

    const fault = faults.match(method, path);
    if (fault) {
      if (fault.latency_ms) {
        const watched = !NO_WATCHDOG_PATHS.has(path);
        const latency = fault.latency_ms ?? 0;
        await new Promise((r) => setTimeout(r, watched ? Math.min(latency, REQUEST_TIMEOUT_MS) : latency));
        // The manager cuts requests off after 30 s with 504 REQUEST_TIMEOUT.
        if (watched && latency >= REQUEST_TIMEOUT_MS) {
          const message = 'The request exceeded the maximum execution time';
          const timeout = new ApiError(504, message, {}, 'REQUEST_TIMEOUT');
          send(res, { status: 504, body: timeout.body(requestId) }, requestId);
          logEntry(504, fault.id);
          return;
        }
      }
      // `applied`: the request is served first, then its answer is replaced (a reply lost after commit).
      if (!fault.applied && answerWithFault(fault)) return;
    }

    let r: LabResponse;
    let headerId: string | null = requestId;
    try {
      // The claim era checks auth before routing; the router era per matched route (docs/manager-api.md §R2).
      const checkAuth = (message: string) => {
        if (!settings.auth.enabled || !isProtected(path)) return;
        ctx.user = basicUser(req.headers.authorization, settings);
        if (ctx.user === null) throw new ApiError(401, message);
      };
      if (!router) checkAuth('Authentication is required');
      if (shuttingDown && !path.startsWith('/health/') && path !== '/api/health') {
        throw new ApiError(
          503,
          'The backend is shutting down and not accepting new requests',
          {},
          'SHUTTING_DOWN',
        );
      }
      let m: ReturnType<Router['match']>;
      let redirected = false;
      try {
        m = api.match(method, path);
      } catch (err) {
        const redirect =
          err instanceof FrameworkError && err.status === 404 ? api.slashRedirect(method, path) : null;
        if (redirect === null) throw err;
        redirected = true;
        m = {
          handler: () => ({
            status: 307,
            headers: { location: `http://${req.headers.host ?? urlHostPort}${redirect}${url.search}` },
          }),
          params: {},
        };
      }
      if (router && !redirected) checkAuth('Authentication required');
      r = await m.handler({ ...ctx, params: m.params });
    } catch (err) {
      if (err instanceof ApiError)
        r = { status: err.status, body: err.body(requestId), headers: err.headers };
      else if (err instanceof FrameworkError) r = frameworkResponse(err);
      else {
        if (!(err instanceof InternalServerError)) console.error('gridfleet-lab: unhandled error', err);
        headerId = null;
        r = {
          status: 500,
          body: {
            error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred', request_id: requestId },
          },
        };
      }
    }
    if (fault?.applied && answerWithFault(fault)) return;
    send(res, r, headerId);
    logEntry(r.status, fault?.id ?? null);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent)
        send(res, { status: 400, body: { detail: String((err as Error).message) } }, null);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  urlHostPort = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void sweep(store).finally(() => {
      sweeping = false;
    });
  }, settings.sweep_interval_sec * 1000);
  sweeper.unref();
  let polling = false;
  const gridPoller =
    settings.grid_session_poll_sec > 0
      ? setInterval(() => {
          if (polling) return;
          polling = true;
          void pollGrid(store).finally(() => {
            polling = false;
          });
        }, settings.grid_session_poll_sec * 1000)
      : undefined;
  gridPoller?.unref();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  return {
    url,
    apiUrl: `${url}/api`,
    port,
    lab,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(sweeper);
        if (gridPoller) clearInterval(gridPoller);
        shuttingDown = true;
        stopWaiters(store);
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function frameworkResponse(err: FrameworkError): LabResponse {
  return {
    status: err.status,
    body: { detail: err.message },
    headers: err.status === 405 ? { allow: err.allow.join(', ') } : {},
  };
}
