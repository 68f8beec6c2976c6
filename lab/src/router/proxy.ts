/**
 * Forwards WebDriver commands to a session's Appium (docs/manager-api.md §R4.1): body
 * streamed both ways, prefix already stripped, connect timeout and per-command timeout; WebSocket
 * upgrades are tunnelled as raw TCP without a timeout.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { writeW3cError } from './wire';

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const listed = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Timeouts of one proxied command. */
export interface ProxyTimeouts {
  /** TCP connect to Appium (5 s in the real router). */
  readonly connectTimeoutMs: number;
  /** Whole command, until Appium's answer has ended (`--proxy-timeout`, 300 s). */
  readonly commandTimeoutMs: number;
}

/** What became of a proxied command. */
export type ProxyResult =
  | { readonly kind: 'answered'; readonly status: number }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Proxies `req` to `target` + `upstreamPath` and streams the answer back untouched. Resolves once
 * Appium's answer status is known (or the transport failed); streaming may still be going on.
 */
export function proxyCommand(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: string,
  upstreamPath: string,
  timeouts: ProxyTimeouts,
  agent: http.Agent,
): Promise<ProxyResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(upstreamPath, target);
    } catch {
      void writeW3cError(res, 502, 'unknown error', `route target "${target}" is not a URL`);
      resolve({ kind: 'failed', reason: 'unroutable target' });
      return;
    }
    res.sendDate = false;
    const headers = endToEnd(req.headers);
    headers.host = url.host;
    const upstream = http.request(url, { method: req.method, headers, agent });
    let settled = false;
    const settle = (result: ProxyResult): void => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const commandTimer = setTimeout(
      () => upstream.destroy(new Error(`no complete answer within ${timeouts.commandTimeoutMs} ms`)),
      timeouts.commandTimeoutMs,
    );
    upstream.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(
        () => upstream.destroy(new Error(`connect timed out after ${timeouts.connectTimeoutMs} ms`)),
        timeouts.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    upstream.on('error', (err) => {
      clearTimeout(commandTimer);
      const reason = `upstream ${target} failed: ${err.message}`;
      if (!res.headersSent) {
        const timedOut = /timed out|within/.test(err.message);
        void writeW3cError(res, timedOut ? 504 : 502, timedOut ? 'timeout' : 'unknown error', reason);
      } else {
        res.destroy(err);
      }
      settle({ kind: 'failed', reason });
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
      answer.on('end', () => clearTimeout(commandTimer));
      settle({ kind: 'answered', status: answer.statusCode ?? 502 });
    });
    // The client went away: stop the upstream command too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
}

/**
 * Tunnels a WebSocket upgrade (BiDi/CDP) to `target` as raw TCP, with the request line rewritten
 * to `upstreamPath`; no timeout applies. Returns a function that ends the tunnel.
 */
export function tunnelUpgrade(
  req: http.IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: string,
  upstreamPath: string,
  connectTimeoutMs: number,
): () => void {
  const url = new URL(target);
  const upstream = net.connect({ host: url.hostname, port: Number(url.port || 80) });
  const connectTimer = setTimeout(() => upstream.destroy(new Error('connect timed out')), connectTimeoutMs);
  const lines = [`${req.method} ${upstreamPath} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    lines.push(`${name}: ${name.toLowerCase() === 'host' ? url.host : req.rawHeaders[i + 1]}`);
  }
  upstream.once('connect', () => {
    clearTimeout(connectTimer);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  // Either side ending or failing ends both (server sockets are half-open capable and would linger).
  const end = (): void => {
    clearTimeout(connectTimer);
    upstream.destroy();
    client.destroy();
  };
  for (const side of [upstream, client]) {
    side.on('error', end);
    side.on('end', end);
    side.on('close', end);
  }
  return end;
}

/** `DELETE {target}/session/{id}` straight at Appium, for a session the client never received. */
export function deleteAtAppium(
  target: string,
  sessionId: string,
  timeoutMs: number,
): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(new URL(`/session/${encodeURIComponent(sessionId)}`, target), {
      method: 'DELETE',
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error('timed out')), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
      });
    });
    req.end();
  });
}
