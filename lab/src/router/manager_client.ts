/**
 * The router's side of the manager's internal grid API (docs/manager-api.md §R4.6):
 * plain HTTP calls with optional Basic auth, answers returned raw so the caller maps them.
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';

/** Basic credentials the router sends to the manager (`--backend-auth user:pass`). */
export interface ManagerAuth {
  /** User name. */
  readonly username: string;
  /** Password. */
  readonly password: string;
}

/** A raw manager answer. */
export interface ManagerAnswer {
  /** HTTP status. */
  readonly status: number;
  /** Body text (possibly empty). */
  readonly text: string;
}

/** One `{session_id, target}` entry of `GET /internal/grid/routes`. */
const routesSchema = z.object({
  routes: z.array(z.object({ session_id: z.string(), target: z.string() })),
});

/** A route the manager lists: which Appium serves a session. */
export type ManagerRoute = z.output<typeof routesSchema>['routes'][number];

/** Thrown for a transport failure (refused, reset, timeout, aborted): no HTTP answer at all. */
export class ManagerTransportError extends Error {
  override readonly name = 'ManagerTransportError';
}

/** Options of {@link ManagerClient}. */
export interface ManagerClientOptions {
  /** Manager base URL without `/api`, e.g. `http://127.0.0.1:8000`. */
  readonly managerUrl: string;
  /** Basic credentials, when the manager has auth on. */
  readonly auth?: ManagerAuth;
}

/** Calls the manager's `/internal/grid/*` routes over one keep-alive agent. */
export class ManagerClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly authHeader: string | undefined;

  /** @param options - manager base URL and credentials. */
  constructor(options: ManagerClientOptions) {
    this.base = new URL(options.managerUrl.endsWith('/') ? options.managerUrl : `${options.managerUrl}/`);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new Error(`managerUrl must be an http(s) URL, got "${options.managerUrl}".`);
    }
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true })
        : new http.Agent({ keepAlive: true });
    this.authHeader = options.auth
      ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
      : undefined;
  }

  /**
   * Sends one request and resolves with the raw answer.
   *
   * @throws ManagerTransportError when no HTTP answer arrived within `timeoutMs` or at all.
   */
  request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
  ): Promise<ManagerAnswer> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string | number> = { Accept: 'application/json', ...options.headers };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    if (this.authHeader) headers.Authorization = this.authHeader;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { method, headers, agent: this.agent, signal: options.signal });
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(new ManagerTransportError(`${method} ${url.href}: ${err.message}`));
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(payload);
    });
  }

  /** `GET /internal/grid/routes` (docs/manager-api.md §R4.6.4). @throws on transport failure, non-200 or a malformed body. */
  async routes(timeoutMs: number): Promise<ManagerRoute[]> {
    const answer = await this.request('GET', '/internal/grid/routes', { timeoutMs });
    if (answer.status !== 200) throw new Error(`GET /internal/grid/routes answered ${answer.status}`);
    return routesSchema.parse(JSON.parse(answer.text)).routes;
  }

  /** Fire-and-report call whose answer only matters as success (2xx) or not. */
  async expectOk(method: string, path: string, body: unknown, timeoutMs: number): Promise<void> {
    const answer = await this.request(method, path, { body, timeoutMs });
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
