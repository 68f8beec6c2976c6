import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the raw server saw. */
export interface SeenRequest {
  /** Method. */
  readonly method: string;
  /** Path with query. */
  readonly url: string;
  /** Headers (lower-case). */
  readonly headers: IncomingMessage['headers'];
  /** Raw body text. */
  readonly body: string;
}

/** What a handler answers. */
export interface RawAnswer {
  /** Status code. */
  readonly status: number;
  /** Body: objects are sent as compact JSON, strings verbatim, undefined → empty. */
  readonly body?: unknown;
  /** Extra headers. */
  readonly headers?: Record<string, string>;
  /** Never answer (to provoke client timeouts); the socket is destroyed on close. */
  readonly hang?: boolean;
  /** Drop the connection without answering (a transport error for the client). */
  readonly destroy?: boolean;
}

/** A tiny node:http server for cases the lab does not produce (malformed bodies, hangs, odd headers). */
export interface RawServer {
  /** `http://127.0.0.1:<port>/api`. */
  readonly apiUrl: string;
  /** Every request seen so far. */
  readonly requests: SeenRequest[];
  /** Stops the server and drops open sockets. */
  close(): Promise<void>;
}

/** Starts a raw server on a free port; `handler` decides every answer. */
export async function startRawServer(handler: (request: SeenRequest) => RawAnswer): Promise<RawServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(seen);
      const answer = handler(seen);
      if (answer.hang) return;
      if (answer.destroy) {
        req.socket.destroy();
        return;
      }
      const text =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A manager error envelope body. */
export function envelope(code: string, message: string, details?: unknown): unknown {
  return { error: { code, message, request_id: 'req-raw', ...(details === undefined ? {} : { details }) } };
}
