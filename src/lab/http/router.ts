/** Path-template router with Starlette's matching rules (decoded path, `{param}` = one segment). */
import { FrameworkError } from './errors';

/** A JSON (or empty) response from a handler. */
export interface LabResponse {
  status: number;
  /** JSON body; `undefined` sends no body (204). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a handler sees of the request. */
export interface RequestContext {
  method: string;
  /** Decoded path. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Parsed JSON body, `undefined` when empty. */
  body: unknown;
  /** Set when the body was not valid JSON: the parser's error position and text. */
  bodyError?: { position: number; message: string };
  headers: Record<string, string | string[] | undefined>;
  requestId: string;
  /** Authenticated machine user (auth on) or null. */
  user: string | null;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => LabResponse | Promise<LabResponse>;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

/**
 * Ordered route table; the first full match wins, else the first path-only match yields a 405 whose
 * `Allow` lists that route's method only (Starlette: one route per method, the first partial match).
 */
export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; `template` like `/api/runs/{run_id}/claim`. */
  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = template
      .split('/')
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (!m?.[1]) return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1]);
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${pattern}$`), names, handler });
    return this;
  }

  /** Finds the handler and path params, or throws the framework 404/405. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = m[i + 1] ?? '';
      });
      return { handler: route.handler, params };
    }
    if (allowed[0] !== undefined) throw new FrameworkError(405, [allowed[0]]);
    throw new FrameworkError(404);
  }

  /** Starlette's redirect_slashes: the other spelling of a path (with/without a trailing `/`) if it routes. */
  slashRedirect(method: string, path: string): string | null {
    if (path === '/') return null;
    const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    try {
      this.match(method, other);
      return other;
    } catch (err) {
      // A method mismatch still counts as a match for the redirect.
      return err instanceof FrameworkError && err.status === 405 ? other : null;
    }
  }
}
