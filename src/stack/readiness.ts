import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors';
import { tailFile } from './processes';

/** A started server to watch while waiting: its death fails the wait at once. */
export interface WatchedServer {
  /** Name used in messages. */
  readonly name: string;
  /** The child process. */
  readonly child: ChildProcess;
  /** Its log file, whose tail goes into the failure message. */
  readonly logFile: string;
}

/** Throws when a watched server has exited, with the tail of its log. */
export function assertStillRunning(servers: readonly WatchedServer[]): void {
  for (const server of servers) {
    const { exitCode, signalCode, pid } = server.child;
    if (exitCode !== null || signalCode !== null) {
      const how = exitCode !== null ? `exit code ${exitCode}` : `signal ${signalCode}`;
      const tail = tailFile(server.logFile);
      throw new StackError(
        `${server.name} (pid ${pid}) exited with ${how} before it was ready; see ${server.logFile}` +
          (tail ? `. Last lines:\n${tail}` : ' (empty log).'),
      );
    }
  }
}

/** GET with a fresh connection each time (no keep-alive socket left behind to a server we stop later). */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 2_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within 2 s`)));
    request.on('error', reject);
  });
}

async function getJson(url: string): Promise<unknown> {
  return JSON.parse((await get(url)).body);
}

/** One readiness probe: resolves `undefined` when ready, else a short reason. */
export type Probe = () => Promise<string | undefined>;

/** Appium is ready when `GET /status` says `ready: true`. */
export function appiumProbe(appiumUrl: string): Probe {
  return async () => {
    const body = (await getJson(`${appiumUrl}/status`)) as { value?: { ready?: unknown } };
    return body.value?.ready === true ? undefined : 'Appium /status is not ready yet';
  };
}

/** Udids listed among the slot stereotypes of a Grid `/status` body. */
export function gridUdids(status: unknown): Set<string> {
  const udids = new Set<string>();
  const nodes = (status as { value?: { nodes?: unknown } }).value?.nodes;
  if (!Array.isArray(nodes)) return udids;
  for (const node of nodes as { slots?: { stereotype?: Record<string, unknown> }[] }[]) {
    for (const slot of node.slots ?? []) {
      const udid = slot.stereotype?.['appium:udid'];
      if (typeof udid === 'string') udids.add(udid);
    }
  }
  return udids;
}

/**
 * The Grid is ready when `/status` says `ready: true` AND every expected udid is among the slot
 * stereotypes (`ready` turns true as soon as the first slot registers).
 */
export function gridProbe(gridUrl: string, udids: readonly string[]): Probe {
  return async () => {
    const body = await getJson(`${gridUrl}/status`);
    if ((body as { value?: { ready?: unknown } }).value?.ready !== true)
      return 'Grid /status is not ready yet';
    const present = gridUdids(body);
    const missing = udids.filter((u) => !present.has(u));
    return missing.length === 0 ? undefined : `Grid does not list udid(s) ${missing.join(', ')} yet`;
  };
}

/** The lab is up once it answers HTTP at all (`/health/live`). */
export function labProbe(labUrl: string): Probe {
  return async () => {
    const { status } = await get(`${labUrl}/health/live`);
    return status < 500 ? undefined : `lab answered ${status}`;
  };
}

/**
 * The router generation is routable when the router simulator answers `/healthz` and the lab's
 * internal grid API (which the router asks for every session) answers `GET /internal/grid/routes`.
 * No per-device check is needed: the router keeps no device state and every device's sessions are
 * created by the lab on the one stack Appium, whose own readiness was awaited before.
 */
export function routerProbe(routerUrl: string, labUrl: string): Probe {
  return async () => {
    const health = await get(`${routerUrl}/healthz`);
    if (health.status !== 200 || health.body !== 'ok') return `router /healthz answered ${health.status}`;
    const routes = await get(`${labUrl}/internal/grid/routes`);
    return routes.status === 200
      ? undefined
      : `lab /internal/grid/routes answered ${routes.status} (is the lab in the router generation?)`;
  };
}

/**
 * Polls `probe` every `intervalMs` until it reports ready, failing fast when a watched server dies
 * and with the last reason after `timeoutMs`.
 */
export async function waitUntilReady(
  what: string,
  probe: Probe,
  watched: readonly WatchedServer[],
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = 'no answer yet';
  for (;;) {
    assertStillRunning(watched);
    try {
      const notReady = await probe();
      if (notReady === undefined) return;
      reason = notReady;
    } catch (err) {
      reason = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      const logs = watched.map((w) => w.logFile).join(', ');
      throw new StackError(
        `${what} was not ready after ${Math.round(timeoutMs / 1000)} s (${reason}); check the logs (${logs}) ` +
          'or raise readyTimeoutMs.',
      );
    }
    await sleep(intervalMs);
  }
}
