/**
 * What the router writes itself: compact JSON with sorted object keys, W3C error bodies, and only
 * `Content-Type` / `Content-Length` headers (docs/manager-api.md §R4.1).
 */
import type http from 'node:http';

/** JSON text with object keys sorted at every level and no whitespace, like the Rust router's encoder. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as Record<string, unknown>).sort()) {
    out[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return out;
}

/** The W3C error codes the router itself answers with. */
export type W3cErrorCode =
  | 'session not created'
  | 'invalid session id'
  | 'unknown command'
  | 'unknown error'
  | 'timeout';

/** A W3C error body: `{"value":{"error","message","stacktrace":""}}`. */
export function w3cError(error: W3cErrorCode, message: string): unknown {
  return { value: { error, message, stacktrace: '' } };
}

/**
 * Writes a whole answer with exactly `Content-Type` and `Content-Length` (Node adds only the
 * hop-by-hop `Connection`/`Keep-Alive` it needs for the socket). Resolves `false` when the client was
 * already gone or the socket failed before the answer was handed over.
 */
export function writeRaw(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string,
): Promise<boolean> {
  if (res.destroyed || res.writableEnded || res.socket?.destroyed !== false) return Promise.resolve(false);
  const buffer = Buffer.from(body, 'utf8');
  res.sendDate = false;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buffer.length });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    res.once('finish', () => settle(true));
    res.once('close', () => settle(res.writableFinished));
    res.once('error', () => settle(false));
    res.end(buffer);
  });
}

/** Writes `value` as router JSON (sorted keys, compact) with `application/json`. */
export function writeJson(res: http.ServerResponse, status: number, value: unknown): Promise<boolean> {
  return writeRaw(res, status, 'application/json', sortedJson(value));
}

/** Writes a router-made W3C error. */
export function writeW3cError(
  res: http.ServerResponse,
  status: number,
  error: W3cErrorCode,
  message: string,
): Promise<boolean> {
  return writeJson(res, status, w3cError(error, message));
}
