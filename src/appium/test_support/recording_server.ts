/**
 * A tiny real HTTP server answering the device endpoints hydration may call, recording every request so
 * tests can assert exactly which follow-up requests were made.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers per device endpoint. */
export interface RecordingServerAnswers {
  /** `GET /api/devices/{id}` body. */
  device?: Record<string, unknown>;
  /** `GET /api/devices/{id}/config` body. */
  config?: Record<string, unknown>;
  /** `GET /api/devices/{id}/capabilities` body. */
  capabilities?: Record<string, unknown>;
  /** `GET /api/devices/{id}/test_data` body. */
  testData?: Record<string, unknown>;
}

/** A running recording server. */
export interface RecordingServer {
  /** API base URL (`http://127.0.0.1:PORT/api`). */
  apiUrl: string;
  /** `METHOD /path` of every request received, in order. */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startRecordingServer(answers: RecordingServerAnswers): Promise<RecordingServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(`${req.method} ${path}`);
    const match = /^\/api\/devices\/[^/]+(\/(config|capabilities|test_data))?$/.exec(path);
    const body =
      req.method !== 'GET' || !match
        ? undefined
        : match[2] === 'config'
          ? answers.config
          : match[2] === 'capabilities'
            ? answers.capabilities
            : match[2] === 'test_data'
              ? answers.testData
              : answers.device;
    res.setHeader('content-type', 'application/json');
    if (body === undefined) {
      res.statusCode = 404;
      res.end(JSON.stringify({ detail: 'Not Found' }));
      return;
    }
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
