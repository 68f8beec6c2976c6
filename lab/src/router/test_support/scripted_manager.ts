/**
 * A scripted stand-in for the manager's internal grid API (docs/manager-api.md §R4.6),
 * to drive the router into answers a real manager rarely gives: 410, 401, 5xx, create_error,
 * unreadable bodies, dropped connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouterOptions } from '../options';
import { type RunningRouter, startRouter } from '../server';

/** One request the scripted manager received. */
export interface ManagerCall {
  /** HTTP method. */
  readonly method: string;
  /** Path (with query). */
  readonly path: string;
  /** Request headers (lower-case names). */
  readonly headers: http.IncomingHttpHeaders;
  /** JSON body, or the raw text when it is not JSON (`undefined` when empty). */
  readonly body: unknown;
}

/** How to answer one `create-session` call. */
export type ScriptedAnswer =
  | { readonly status: number; readonly body?: unknown; readonly text?: string; readonly delayMs?: number }
  /** Close the socket without an answer (a transport error for the router). */
  | { readonly drop: true }
  /** Never answer (until the router gives up or the manager closes). */
  | { readonly hang: true };

/** A running scripted manager. */
export interface ScriptedManager {
  /** Base URL (what the router's `managerUrl` takes). */
  readonly url: string;
  /** Every call received, in order. */
  readonly calls: ManagerCall[];
  /** Calls to one path prefix (e.g. `/internal/grid/create-session`). */
  callsTo(path: string, method?: string): ManagerCall[];
  /** Appends answers for coming create-session calls (used in order; the last one repeats). */
  script(...answers: ScriptedAnswer[]): void;
  /** What `GET /internal/grid/routes` lists from now on. */
  setRoutes(routes: { session_id: string; target: string }[]): void;
  /** Overrides the status of the fire-and-forget routes (tickets, sessions/ended, activity, routes). */
  setStatus(path: string, status: number): void;
  /** Stops the server (hanging calls are cut). */
  close(): Promise<void>;
}

/** A `queued` answer with `ticket`. */
export function queued(ticket: string): ScriptedAnswer {
  return {
    status: 200,
    body: {
      status: 'queued',
      ticket,
      session_id: null,
      target: null,
      device_id: null,
      appium_status: null,
      appium_body: null,
      message: null,
    },
  };
}

/** A `created` answer for `sessionId` on `target`. */
export function created(
  sessionId: string,
  target: string,
  deviceId: string,
  capabilities: object = {},
): ScriptedAnswer {
  return {
    status: 200,
    body: {
      status: 'created',
      session_id: sessionId,
      target,
      device_id: deviceId,
      appium_status: 200,
      appium_body: { value: { sessionId, capabilities: { platformName: 'Fake', ...capabilities } } },
      ticket: null,
      message: null,
    },
  };
}

/** Starts a scripted manager on a free port. `expectAuth` makes every call without it a 401. */
export async function startScriptedManager(
  options: { expectAuth?: { username: string; password: string } } = {},
): Promise<ScriptedManager> {
  const calls: ManagerCall[] = [];
  const answers: ScriptedAnswer[] = [];
  let routes: { session_id: string; target: string }[] = [];
  const statuses = new Map<string, number>();
  const expected = options.expectAuth
    ? `Basic ${Buffer.from(`${options.expectAuth.username}:${options.expectAuth.password}`).toString('base64')}`
    : undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const path = req.url ?? '/';
      calls.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const send = (status: number, payload?: unknown, raw?: string): void => {
        const out = raw ?? (payload === undefined ? '' : JSON.stringify(payload));
        res.writeHead(status, out === '' ? {} : { 'content-type': 'application/json' });
        res.end(out);
      };
      if (expected !== undefined && req.headers.authorization !== expected) {
        send(401, { error: { code: 'UNAUTHORIZED', message: 'Authentication required', request_id: 'r' } });
        return;
      }
      if (req.method === 'POST' && path === '/internal/grid/create-session') {
        const answer = answers.length > 1 ? answers.shift() : answers[0];
        if (answer === undefined) return send(500, { detail: 'no scripted answer' });
        if ('drop' in answer) return req.socket.destroy();
        if ('hang' in answer) return;
        setTimeout(() => send(answer.status, answer.body, answer.text), answer.delayMs ?? 0);
        return;
      }
      const fixed = [...statuses].find(([prefix]) => path.startsWith(prefix))?.[1];
      if (req.method === 'GET' && path === '/internal/grid/routes') {
        return fixed && fixed !== 200 ? send(fixed, { detail: 'scripted' }) : send(200, { routes });
      }
      if (
        (req.method === 'DELETE' && path.startsWith('/internal/grid/tickets/')) ||
        (req.method === 'POST' &&
          (path === '/internal/grid/sessions/ended' || path === '/internal/grid/activity'))
      ) {
        return send(fixed ?? 204);
      }
      send(404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsTo: (path, method) =>
      calls.filter((c) => c.path.startsWith(path) && (!method || c.method === method)),
    script: (...more) => answers.push(...more),
    setRoutes: (next) => {
      routes = next;
    },
    setStatus: (path, status) => statuses.set(path, status),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A stand-in Appium that echoes each request as JSON `{value: {method, path, body, headers}}`. */
export async function startEchoUpstream(): Promise<{
  url: string;
  requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(entry);
      const out = JSON.stringify({ value: { ...entry, headers: req.headers } });
      res.writeHead(entry.path.includes('fail') ? 500 : 200, {
        'content-type': 'application/json; charset=utf-8',
        'x-upstream': 'echo',
      });
      res.end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * A router in front of a fresh scripted manager, with test timings (20 ms retry pause, no periodic
 * route refresh unless `options` asks for one); `close()` stops both.
 */
export async function startScriptedRouter(
  options: Partial<RouterOptions> = {},
  managerOptions: { expectAuth?: { username: string; password: string } } = {},
): Promise<{ manager: ScriptedManager; router: RunningRouter; close(): Promise<void> }> {
  const manager = await startScriptedManager(managerOptions);
  const router = await startRouter({
    managerUrl: manager.url,
    retryPauseMs: 20,
    routesRefreshMs: 60_000,
    ...options,
  });
  return {
    manager,
    router,
    close: async () => {
      await router.close();
      await manager.close();
    },
  };
}
