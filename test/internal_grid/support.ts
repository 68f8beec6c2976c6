/**
 * Fixtures for the internal grid API tests: a router-generation lab of fake-driver devices, a real
 * Appium 3 server with `@appium/fake-driver` on a free port, a holding gate in front of it, and a
 * caller that speaks the router's side of `/internal/grid`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { parseLabFile, type ResolvedLab } from '../../src/lab/lab_file';
import { type RunningLab, startLab } from '../../src/lab/server';
import { type CallResult, call } from '../../src/lab/test_support/http';
import { resolveStackBinaries } from '../../src/stack/dependencies';
import { spawnServer, terminateAll } from '../../src/stack/processes';
import { appiumProbe, waitUntilReady } from '../../src/stack/readiness';
import { freePort } from '../support';

/** A running Appium (fake driver) server. */
export interface FakeAppium {
  url: string;
  pid: number;
  /** Whether Appium still knows the session (`GET /session/{id}/timeouts` answers 200). */
  alive(sessionId: string): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts Appium 3 with the fake driver on a free port and waits until `/status` is ready. */
export async function startFakeAppium(): Promise<FakeAppium> {
  const binaries = resolveStackBinaries();
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `gridfleet-internal-grid-appium-${port}.log`);
  const child = spawnServer({
    name: 'appium',
    command: process.execPath,
    args: [
      binaries.appiumEntry,
      'server',
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--use-drivers',
      'fake',
    ],
    cwd: binaries.appiumHome,
    env: { ...process.env, APPIUM_HOME: binaries.appiumHome },
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid as number;
  try {
    await waitUntilReady(`Appium (${url})`, appiumProbe(url), [{ name: 'appium', child, logFile }], 60_000);
  } catch (err) {
    await terminateAll([pid]);
    throw err;
  }
  return {
    url,
    pid,
    alive: async (sessionId) => (await fetch(`${url}/session/${sessionId}/timeouts`)).status === 200,
    stop: async () => {
      await terminateAll([pid]);
    },
  };
}

/** An HTTP server in front of a target that holds each `POST /session` until released. */
export interface Gate {
  url: string;
  /** Resolves when a `POST /session` is being held. */
  held(): Promise<void>;
  /** Lets the held request through. */
  release(): void;
  close(): Promise<void>;
}

/** Forwards everything to `target`, holding `POST /session` until {@link Gate.release}. */
export async function startGate(target: string): Promise<Gate> {
  let onHeld: (() => void) | undefined;
  let heldOnce = new Promise<void>((r) => {
    onHeld = r;
  });
  let releaseHeld: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method === 'POST' && req.url === '/session') {
        await new Promise<void>((r) => {
          releaseHeld = r;
          onHeld?.();
        });
      }
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': 'application/json' },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => heldOnce,
    release: () => {
      heldOnce = new Promise<void>((r) => {
        onHeld = r;
      });
      releaseHeld?.();
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Pack, platform and group of the test lab (a custom pack like the recording's `gf-fake`). */
export const FAKE = { pack: 'gf-fake', platform: 'fake_device', group: 'gf-lab' } as const;

/**
 * A router-generation lab with `count` fake-driver devices (`fake-1`…; the first two in group
 * `gf-lab`) and fast grid settings; `appiumUrls[i]` overrides device i's Appium URL.
 */
export function fakeLab(
  settings: Record<string, unknown>,
  count = 2,
  appiumUrls: string[] = [],
): ResolvedLab {
  return parseLabFile(
    {
      packs: [
        {
          id: FAKE.pack,
          platforms: [{ id: FAKE.platform, automation_name: 'Fake', appium_platform_name: 'Fake' }],
        },
      ],
      groups: [{ key: FAKE.group, name: 'GF lab' }, { key: 'other' }],
      devices: Array.from({ length: count }, (_, i) => ({
        name: `Fake device ${i + 1}`,
        pack_id: FAKE.pack,
        platform_id: FAKE.platform,
        identity_value: `fake-${i + 1}`,
        groups: i < 2 ? [FAKE.group] : [],
        ...(appiumUrls[i] ? { appium_url: appiumUrls[i] } : {}),
      })),
      settings: {
        generation: 'router',
        create_session_slice_sec: 1,
        allocation_retry_sec: 0.05,
        sweep_interval_sec: 3600,
        ...settings,
      },
    },
    'internal-grid-test.yaml',
  );
}

/** Starts a lab from {@link fakeLab}. */
export function startFakeLab(
  settings: Record<string, unknown>,
  count = 2,
  appiumUrls: string[] = [],
): Promise<RunningLab> {
  return startLab({ lab: fakeLab(settings, count, appiumUrls) });
}

/** A W3C body for the fake platform (`appium:app` left to the lab unless given). */
export function fakeBody(extra: Record<string, unknown> = {}, firstMatch?: unknown): Record<string, unknown> {
  const alwaysMatch = {
    platformName: 'Fake',
    'appium:automationName': 'Fake',
    'appium:platform': FAKE.platform,
    ...extra,
  };
  return { capabilities: firstMatch === undefined ? { alwaysMatch } : { alwaysMatch, firstMatch } };
}

/** The router's side of the internal grid API, plus the admin and public calls the tests need. */
export function routerSide(getLab: () => RunningLab) {
  const url = () => getLab().url;
  return {
    create: (
      body: unknown,
      opts: { ticket?: string | null; run_id?: string | null; budgetMs?: number } = {},
    ): Promise<CallResult> =>
      call(
        url(),
        'POST',
        '/internal/grid/create-session',
        { body, ticket: opts.ticket ?? null, run_id: opts.run_id ?? null },
        opts.budgetMs === undefined ? {} : { 'x-gridfleet-create-budget-ms': String(opts.budgetMs) },
      ),
    ended: (sessionId: string) =>
      call(url(), 'POST', '/internal/grid/sessions/ended', { session_id: sessionId }),
    cancelTicket: (ticket: string) => call(url(), 'DELETE', `/internal/grid/tickets/${ticket}`),
    routes: async () => (await call(url(), 'GET', '/internal/grid/routes')).body.routes as unknown[],
    activity: (sessions: unknown) => call(url(), 'POST', '/internal/grid/activity', { sessions }),
    api: (method: string, p: string, body?: unknown) => call(getLab().apiUrl, method, p, body),
    admin: (method: string, p: string, body?: unknown) => call(url(), method, `/lab${p}`, body),
    /** Reserves `count` fake devices; the run id and the reserved device ids. */
    reserve: async (count = 1): Promise<{ runId: string; deviceIds: string[] }> => {
      const r = await call(getLab().apiUrl, 'POST', '/runs', {
        name: 'internal-grid',
        requirements: [{ pack_id: FAKE.pack, platform_id: FAKE.platform, count }],
      });
      if (r.status !== 201) throw new Error(`reserve failed: ${r.status} ${r.text}`);
      return { runId: r.body.id, deviceIds: r.body.devices.map((d: { device_id: string }) => d.device_id) };
    },
    /** The lab's session rows (admin summary). */
    sessions: async (): Promise<Record<string, unknown>[]> =>
      (await call(url(), 'GET', '/lab/state')).body.sessions,
  };
}

/** What {@link gridFixture} hands a test file. */
export interface GridFixture {
  /** The router's side against the current lab. */
  grid: ReturnType<typeof routerSide>;
  /** The current lab (throws before {@link GridFixture.start}). */
  readonly lab: RunningLab;
  /** The file's Appium server (only with `appium: true`). */
  readonly appium: FakeAppium;
  /** Starts this test's lab ({@link startFakeLab}); it is closed after the test. */
  start(settings: Record<string, unknown>, count?: number, appiumUrls?: string[]): Promise<RunningLab>;
}

/**
 * node:test fixture of a test file: one lab per test (closed in `afterEach`) and, with
 * `appium: true`, one Appium fake-driver server for the whole file (stopped by PID in `after`).
 */
export function gridFixture(options: { appium?: boolean } = {}): GridFixture {
  let lab: RunningLab | undefined;
  let appium: FakeAppium | undefined;
  if (options.appium) {
    before(async () => {
      appium = await startFakeAppium();
    });
    after(async () => {
      await appium?.stop();
    });
  }
  afterEach(async () => {
    await lab?.close();
    lab = undefined;
  });
  const current = (): RunningLab => {
    if (!lab) throw new Error('gridFixture: call start() in the test first');
    return lab;
  };
  return {
    grid: routerSide(current),
    get lab() {
      return current();
    },
    get appium() {
      if (!appium) throw new Error('gridFixture: Appium runs only with { appium: true }, after before()');
      return appium;
    },
    start: async (settings, count, appiumUrls) => {
      lab = await startFakeLab(settings, count, appiumUrls);
      return lab;
    },
  };
}
