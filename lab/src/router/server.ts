/**
 * The router simulator: a WebDriver endpoint that asks the manager's internal grid API for devices
 * and proxies commands to their Appium (docs/manager-api.md §R4 and §R9.2).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSession } from './create_session';
import { ManagerClient } from './manager_client';
import { RouterMetrics } from './metrics';
import { type ResolvedRouterOptions, type RouterOptions, resolveRouterOptions } from './options';
import { classifyRequest } from './paths';
import { deleteAtAppium, proxyCommand, tunnelUpgrade } from './proxy';
import { RouteTable } from './route_table';
import { writeJson, writeRaw, writeW3cError } from './wire';

/** New-session bodies above this answer 413. */
export const MAX_NEW_SESSION_BODY = 1024 * 1024;

/** A running router. */
export interface RunningRouter {
  /** Base URL, what `GRID_URL` expects (e.g. `http://127.0.0.1:4444`). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening, ends open connections and the timers, waits for background calls. Idempotent. */
  close(): Promise<void>;
}

/** Reads a request body up to `limit` bytes; `undefined` when it was larger (the rest is drained). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('client left while sending its new-session body'));
    });
  });
}

class Router {
  private readonly manager: ManagerClient;
  private readonly routes = new RouteTable();
  private readonly metrics = new RouterMetrics();
  private readonly upstreamAgent = new http.Agent({ keepAlive: true });
  private readonly background = new Set<Promise<unknown>>();
  private readonly tunnels = new Set<() => void>();
  private refreshing: Promise<void> | undefined;
  private refreshFailing = false;

  constructor(private readonly options: ResolvedRouterOptions) {
    this.manager = new ManagerClient({ managerUrl: options.managerUrl, auth: options.auth });
  }

  private log(line: string): void {
    this.options.log?.(`[router] ${line}`);
  }

  /** Runs `work` in the background; `close()` waits for it. */
  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch((err: unknown) =>
      this.log(`background call failed: ${(err as Error).message}`),
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  /** Rebuilds the route map from the manager (one fetch at a time). */
  refreshRoutes(): Promise<void> {
    this.refreshing ??= (async () => {
      const mark = this.routes.mark();
      try {
        this.routes.replace(await this.manager.routes(10_000), mark);
        if (this.refreshFailing) this.log('route refresh works again');
        this.refreshFailing = false;
      } catch (err) {
        if (!this.refreshFailing) this.log(`route refresh failed (map kept): ${(err as Error).message}`);
        this.refreshFailing = true;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Sends the ids that saw commands; keeps them when the call fails. */
  async flushActivity(): Promise<void> {
    const ids = this.routes.takeActivity();
    if (ids.length === 0) return;
    try {
      await this.manager.expectOk('POST', '/internal/grid/activity', { sessions: ids }, 10_000);
    } catch (err) {
      this.routes.restoreActivity(ids);
      this.log(`activity flush failed (ids kept): ${(err as Error).message}`);
    }
  }

  /** Tells the manager a session ended (a few tries: a lost call leaves the device busy until a sweep). */
  private sessionEnded(sessionId: string): void {
    this.inBackground(
      (async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.manager.expectOk(
              'POST',
              '/internal/grid/sessions/ended',
              { session_id: sessionId },
              10_000,
            );
            return;
          } catch (err) {
            if (attempt >= 3) throw err;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      })(),
    );
  }

  /** The route of `sessionId`, refreshing once from the manager on a miss. */
  private async lookup(sessionId: string): Promise<string | undefined> {
    const known = this.routes.get(sessionId);
    if (known !== undefined) return known;
    await this.refreshRoutes();
    return this.routes.get(sessionId);
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const request = classifyRequest(req.method ?? 'GET', req.url ?? '/');
    this.metrics.count('gridfleet_router_requests_total', { key: 'kind', value: request.kind });
    switch (request.kind) {
      case 'status':
        req.resume();
        await writeJson(res, 200, { value: { message: 'GridFleet router', ready: true } });
        return;
      case 'healthz':
        req.resume();
        await writeRaw(res, 200, 'text/plain', 'ok');
        return;
      case 'metrics':
        req.resume();
        await writeRaw(res, 200, 'text/plain; version=0.0.4', this.metrics.render(this.routes.size));
        return;
      case 'unknown':
        req.resume();
        await writeW3cError(res, 404, 'unknown command', request.message);
        return;
      case 'new-session':
        await this.newSession(req, res, request.runId);
        return;
      case 'command': {
        const target = await this.lookup(request.sessionId);
        if (target === undefined) {
          req.resume();
          await writeW3cError(res, 404, 'invalid session id', `no route for session ${request.sessionId}`);
          return;
        }
        this.routes.touch(request.sessionId);
        const result = await proxyCommand(
          req,
          res,
          target,
          request.upstreamPath,
          {
            connectTimeoutMs: this.options.connectTimeoutMs,
            commandTimeoutMs: this.options.proxyTimeoutSec * 1000,
          },
          this.upstreamAgent,
        );
        if (result.kind === 'failed') this.log(`command for ${request.sessionId}: ${result.reason}`);
        if (request.isDelete) {
          // Whatever Appium answered, or a transport failure: the session is over for the router.
          this.routes.drop(request.sessionId);
          this.sessionEnded(request.sessionId);
        }
        return;
      }
    }
  }

  private async newSession(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    runId: string | null,
  ): Promise<void> {
    const deadline = Date.now() + this.options.newSessionTimeoutSec * 1000;
    const raw = await readBody(req, MAX_NEW_SESSION_BODY);
    if (raw === undefined) {
      await writeW3cError(res, 413, 'session not created', 'request body too large');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      await writeW3cError(res, 400, 'session not created', `invalid JSON: ${(err as Error).message}`);
      return;
    }
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const outcome = await createSession({
      manager: this.manager,
      body,
      runId,
      deadline,
      clientGone: gone.signal,
      callTimeoutMs: this.options.createCallTimeoutMs,
      retryPauseMs: this.options.retryPauseMs,
      log: (line) => this.log(line),
    });
    if (outcome.kind === 'abandoned') {
      this.metrics.count('gridfleet_router_new_sessions_total', { key: 'outcome', value: 'abandoned' });
      this.log(`client left while its new-session request waited (run ${runId ?? 'free'})`);
      return;
    }
    if (outcome.kind === 'answer') {
      this.metrics.count('gridfleet_router_new_sessions_total', { key: 'outcome', value: outcome.label });
      await writeJson(res, outcome.status, outcome.body ?? null);
      return;
    }
    this.metrics.count('gridfleet_router_new_sessions_total', { key: 'outcome', value: 'created' });
    const caps = (outcome.body as { value?: { capabilities?: unknown } } | null)?.value?.capabilities;
    if (caps !== null && typeof caps === 'object' && !Array.isArray(caps) && outcome.deviceId !== null) {
      (caps as Record<string, unknown>)['gridfleet:deviceId'] = outcome.deviceId;
    }
    this.routes.insert(outcome.sessionId, outcome.target);
    if (!(await writeJson(res, outcome.status, outcome.body ?? null))) {
      // The client never got its session: give the device back.
      this.log(`client gone before it received session ${outcome.sessionId}; deleting it`);
      this.routes.drop(outcome.sessionId);
      this.inBackground(deleteAtAppium(outcome.target, outcome.sessionId, 30_000));
      this.sessionEnded(outcome.sessionId);
    }
  }

  async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const request = classifyRequest(req.method ?? 'GET', req.url ?? '/');
    const target = request.kind === 'command' ? await this.lookup(request.sessionId) : undefined;
    if (request.kind !== 'command' || target === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.routes.touch(request.sessionId);
    const end = tunnelUpgrade(req, socket, head, target, request.upstreamPath, this.options.connectTimeoutMs);
    this.tunnels.add(end);
    socket.once('close', () => this.tunnels.delete(end));
  }

  async close(): Promise<void> {
    // Upgraded sockets are no longer the HTTP server's: end them here or server.close() waits forever.
    for (const end of this.tunnels) end();
    this.upstreamAgent.destroy();
    await Promise.allSettled([...this.background]);
    this.manager.close();
  }
}

/**
 * Starts the router simulator.
 *
 * @throws Error for invalid options or a port that cannot be bound.
 */
export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const resolved = resolveRouterOptions(options);
  const router = new Router(resolved);
  const server = http.createServer((req, res) => {
    router.handle(req, res).catch((err: unknown) => {
      resolved.log?.(`[router] ${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) void writeW3cError(res, 500, 'unknown error', (err as Error).message);
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    router.upgrade(req, socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const refreshTimer = setInterval(() => void router.refreshRoutes(), resolved.routesRefreshMs);
  const flushTimer = setInterval(() => void router.flushActivity(), resolved.activityFlushMs);
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        clearInterval(refreshTimer);
        clearInterval(flushTimer);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        const routerClosed = router.close();
        await closed;
        await routerClosed;
      })();
      return closing;
    },
  };
}
