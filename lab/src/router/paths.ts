/** Classifies a request the way the router does (docs/manager-api.md §R4.1). */

/** What a request is, after the optional `/run/{uuid}` prefix was peeled. */
export type RouterRequest =
  | { readonly kind: 'new-session'; readonly runId: string | null }
  | {
      readonly kind: 'command';
      readonly sessionId: string;
      /** `DELETE /session/{id}` (one trailing `/` allowed): the route ends after it. */
      readonly isDelete: boolean;
      /** Path + query to send upstream (prefix stripped, query kept). */
      readonly upstreamPath: string;
    }
  | { readonly kind: 'status' }
  | { readonly kind: 'healthz' }
  | { readonly kind: 'metrics' }
  | {
      readonly kind: 'unknown';
      /** `"<METHOD> <path>"` with the path as received, query left out. */
      readonly message: string;
    };

const RUN_PREFIX =
  /^\/run\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(\/.*)$/;
const SESSION_PATH = /^\/session\/([^/]+)(\/.*)?$/;

/** Classifies `method` + `url` (the raw request target, query included). */
export function classifyRequest(method: string, url: string): RouterRequest {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  const unknown: RouterRequest = { kind: 'unknown', message: `${method} ${path}` };
  const prefixed = RUN_PREFIX.exec(path);
  const runId = prefixed ? (prefixed[1] as string).toLowerCase() : null;
  const rest = prefixed ? (prefixed[2] as string) : path;

  if (rest === '/session') return method === 'POST' ? { kind: 'new-session', runId } : unknown;
  const session = SESSION_PATH.exec(rest);
  if (session) {
    const sessionId = session[1] as string;
    const tail = session[2];
    const upstreamPath = `${rest}${query}`;
    if (tail === undefined || tail === '/') {
      if (method === 'DELETE') return { kind: 'command', sessionId, isDelete: true, upstreamPath };
      if (tail === undefined) {
        return method === 'GET' ? { kind: 'command', sessionId, isDelete: false, upstreamPath } : unknown;
      }
    }
    return { kind: 'command', sessionId, isDelete: false, upstreamPath };
  }
  if (method === 'GET' && rest === '/status') return { kind: 'status' };
  if (method === 'GET' && rest === '/healthz') return { kind: 'healthz' };
  if (method === 'GET' && rest === '/metrics') return { kind: 'metrics' };
  return unknown;
}
