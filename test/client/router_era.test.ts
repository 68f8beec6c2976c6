/**
 * Generation detection and the router-era client over real HTTP: raw managers answering the recorded
 * router-era bodies (no router-generation lab yet), and the claim-era lab for the claim era.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningLab, startLab } from '../../lab/src/manager';
import {
  detectGeneration,
  GenerationDetectionError,
  GenerationMismatchError,
  GridFleetClient,
} from '../../src/client';
import { freePort } from '../support';
import { routerExchange } from './fixtures/transcript';
import {
  type ManagerFlavour,
  routerDevice,
  startManager,
  startWebDriverFront,
} from './support/generation_servers';
import { type RawServer, startRawServer } from './support/raw_server';

const RUN_ID = '94a704fe-06eb-4814-a231-8572f160c0de';
const DEVICE_ID = '9c81b990-35a8-4801-9436-e185de079e93';
const quiet = { warn: () => undefined };

describe('detectGeneration', () => {
  let router: RawServer & { url: string };
  let hub: RawServer & { url: string };
  const managers = new Map<ManagerFlavour, RawServer>();

  before(async () => {
    router = await startWebDriverFront('router');
    hub = await startWebDriverFront('selenium-grid');
    for (const flavour of ['claim', 'transition', 'router', 'router-tags'] as const) {
      managers.set(flavour, await startManager(flavour));
    }
  });
  after(async () => {
    await router.close();
    await hub.close();
    for (const server of managers.values()) await server.close();
  });
  const manager = (flavour: ManagerFlavour) => managers.get(flavour) as RawServer;

  test('router era: probe A decides, probe E finds groups, the router on GRID_URL matches', async () => {
    const server = manager('router');
    server.requests.length = 0;
    const client = new GridFleetClient(server.apiUrl, { env: {} });
    const report = await detectGeneration({ client, gridUrl: router.url });
    assert.equal(report.generation, 'router');
    assert.equal(report.groups, true);
    assert.deepEqual(report.gridCheck, {
      url: router.url,
      answeredAs: 'router',
      ready: true,
      healthz: true,
      matches: true,
      problem: null,
    });
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url}`),
      ['GET /api/grid/status', 'GET /api/devices?group=zz-detect-probe&limit=1'],
      'read-only: no claim probe in the router era',
    );
    assert.match(
      report.evidence.join('\n'),
      /gridfleet control plane.*\n.*unknown device groups: zz-detect-probe/,
    );
    assert.equal(client.knownGeneration, 'router', 'the client caches the answer');
  });

  test('router era before groups (0.3–0.5): the group filter is ignored', async () => {
    const client = new GridFleetClient(manager('router-tags').apiUrl, { env: {} });
    const report = await detectGeneration({ client, gridUrl: router.url });
    assert.equal(report.generation, 'router');
    assert.equal(report.groups, false);
  });

  test('router-era manager with a Selenium Grid on GRID_URL: a clear mismatch', async () => {
    const client = new GridFleetClient(manager('router').apiUrl, { env: {} });
    const { gridCheck } = await detectGeneration({ client, gridUrl: hub.url });
    assert.equal(gridCheck.answeredAs, 'selenium-grid');
    assert.equal(gridCheck.matches, false);
    assert.equal(
      gridCheck.problem,
      'GRIDFLEET_API_URL is a router era (GridFleet ≥ 0.3) manager but GRID_URL answers as a Selenium Grid: ' +
        'point GRID_URL at the GridFleet router.',
    );
  });

  test('claim era: probe A shows `grid`, probe B finds the claim route; the hub matches, the router does not', async () => {
    const server = manager('claim');
    server.requests.length = 0;
    const client = new GridFleetClient(server.apiUrl, { env: {} });
    const report = await detectGeneration({ client, gridUrl: hub.url });
    assert.equal(report.generation, 'claim');
    assert.equal(report.groups, undefined);
    assert.equal(report.gridCheck.matches, true);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
      ['GET /api/grid/status ', 'POST /api/runs/00000000-0000-0000-0000-000000000000/claim {}'],
    );
    const mismatch = await detectGeneration({ client, gridUrl: router.url });
    assert.match(
      mismatch.gridCheck.problem ?? '',
      /claim era .* but GRID_URL answers as the GridFleet router/,
    );
  });

  test('transition era: `grid` plus the framework 404 on the claim route', async () => {
    const client = new GridFleetClient(manager('transition').apiUrl, { env: {} });
    assert.equal((await detectGeneration({ client, gridUrl: hub.url })).generation, 'transition');
  });

  test('GRID_URL down: reported, not thrown', async () => {
    const client = new GridFleetClient(manager('router').apiUrl, { env: {} });
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { gridCheck } = await detectGeneration({ client, gridUrl: closed });
    assert.equal(gridCheck.answeredAs, 'unreachable');
    assert.match(
      gridCheck.problem ?? '',
      /GRID_URL must be the GridFleet router, but no answer from .*\/status/,
    );
  });

  test('manager unreachable, or not a GridFleet manager: GenerationDetectionError saying what to fix', async () => {
    const down = new GridFleetClient(`http://127.0.0.1:${await freePort()}/api`, { env: {} });
    await assert.rejects(down.detectManagerGeneration(), (error: unknown) => {
      assert.ok(error instanceof GenerationDetectionError);
      assert.equal(error.reason, 'unreachable');
      assert.match(error.message, /Could not reach the GridFleet manager.*GRIDFLEET_API_URL/);
      return true;
    });
    const other = await startRawServer(() => ({ status: 200, body: { hello: 'world' } }));
    try {
      await assert.rejects(new GridFleetClient(other.apiUrl, { env: {} }).detectManagerGeneration(), {
        name: 'GenerationDetectionError',
        reason: 'not_gridfleet',
        message: /is GRIDFLEET_API_URL the GridFleet manager's API base/,
      });
    } finally {
      await other.close();
    }
  });
});

describe('detection and the claim-era lab', () => {
  let lab: RunningLab;
  let authLab: RunningLab;
  before(async () => {
    lab = await startLab({ port: 0 });
    authLab = await startLab({
      port: 0,
      settings: { auth: { enabled: true, username: 'ci-machine', password: 'pw-never-printed' } },
    });
  });
  after(async () => {
    await lab.close();
    await authLab.close();
  });

  test('a manager without /grid/status (the lab) is told by the claim route: claim era', async () => {
    const detected = await new GridFleetClient(lab.apiUrl, { env: {} }).detectManagerGeneration();
    assert.equal(detected.generation, 'claim');
    assert.match(detected.evidence.join('\n'), /grid\/status answered 404.*\n.*Run not found/);
  });

  test("generation: 'auto' detects before the first claim-era call and lets it through on a claim-era manager", async () => {
    const client = new GridFleetClient(lab.apiUrl, { env: {}, generation: 'auto', logger: quiet });
    const run = await client.reserveDevices({
      name: 'auto-generation',
      requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
    });
    try {
      const claim = await client.claimDevice(run.id, { workerId: 'gw0' });
      assert.equal(client.knownGeneration, 'claim');
      assert.equal(
        await client.releaseDeviceSafe(run.id, { deviceId: claim.device_id, workerId: 'gw0' }),
        true,
      );
    } finally {
      await client.cancelRun(run.id);
    }
  });

  test('401: names the credential variables', async () => {
    const client = new GridFleetClient(authLab.apiUrl, { env: {} });
    await assert.rejects(client.detectManagerGeneration(), (error: unknown) => {
      assert.ok(error instanceof GenerationDetectionError);
      assert.equal(error.reason, 'unauthorized');
      assert.match(
        error.message,
        /requires authentication \(401.*GRIDFLEET_TESTKIT_USERNAME and GRIDFLEET_TESTKIT_PASSWORD/,
      );
      return true;
    });
    const authed = new GridFleetClient(authLab.apiUrl, {
      env: {},
      auth: { username: 'ci-machine', password: 'pw-never-printed' },
    });
    assert.equal((await authed.detectManagerGeneration()).generation, 'claim');
  });
});

describe('claim-era calls on a router-era manager', () => {
  let server: RawServer;
  before(async () => {
    server = await startManager('router');
  });
  after(() => server.close());

  test('known generation: refused before any request, saying what to do instead', async () => {
    server.requests.length = 0;
    const client = new GridFleetClient(server.apiUrl, { env: {}, generation: 'router' });
    await assert.rejects(client.claimDevice(RUN_ID, { workerId: 'gw0' }), (error: unknown) => {
      assert.ok(error instanceof GenerationMismatchError);
      assert.equal(error.generation, 'router');
      assert.equal(
        error.message,
        'claimDevice is a claim-era call; this manager is router era (GridFleet ≥ 0.3): create the session at ' +
          `GRID_URL/run/${RUN_ID} instead (the router allocates one of the run's devices; \`gridfleet:deviceId\` ` +
          'in the returned capabilities names it).',
      );
      return true;
    });
    await assert.rejects(client.claimDeviceWithRetry(RUN_ID, { workerId: 'gw0' }), GenerationMismatchError);
    await assert.rejects(client.releaseDeviceSafe(RUN_ID, { deviceId: DEVICE_ID, workerId: 'gw0' }), {
      name: 'GenerationMismatchError',
      message: /releaseDeviceSafe is a claim-era call.*delete the WebDriver session instead/,
    });
    await assert.rejects(
      client.releaseDeviceWithCooldown(RUN_ID, {
        deviceId: DEVICE_ID,
        workerId: 'gw0',
        reason: 'x',
        ttlSeconds: 5,
      }),
      { name: 'GenerationMismatchError', message: /then call cooldownDevice\(runId, deviceId/ },
    );
    const deleteSession = async () => undefined;
    const driver = { sessionId: 'wd-1', capabilities: {}, deleteSession };
    const logged: string[] = [];
    const reporting = new GridFleetClient(server.apiUrl, {
      env: {},
      generation: 'router',
      logger: { warn: (line) => logged.push(line) },
    });
    assert.equal(await reporting.registerSessionFromDriver(driver as never), null);
    assert.equal(driver.deleteSession, deleteSession, 'deleteSession is not wrapped: no /finished to post');
    assert.match(logged.join('\n'), /registerSession is a claim-era call; this manager is router era/);
    assert.deepEqual(server.requests, []);
  });

  test('unknown generation: the framework 404/405 of the retired route becomes the same error', async () => {
    const client = new GridFleetClient(server.apiUrl, { env: {}, logger: quiet });
    await assert.rejects(client.claimDevice(RUN_ID), (error: unknown) => {
      assert.ok(error instanceof GenerationMismatchError);
      assert.equal(error.generation, null);
      assert.match(
        error.message,
        /claimDevice is a claim-era call; this manager does not have that route \(it answered 404 \{"detail":"Not Found"\} to POST .*\/claim\), so it is transition or router era/,
      );
      return true;
    });
    await assert.rejects(client.registerSession({ sessionId: 's-1' }, { suppressErrors: false }), {
      name: 'GenerationMismatchError',
      message: /registerSession .*405 .*the manager records sessions itself/,
    });
    const logger = {
      lines: [] as string[],
      warn(line: string) {
        this.lines.push(line);
      },
    };
    const suppressing = new GridFleetClient(server.apiUrl, { env: {}, logger });
    assert.equal(await suppressing.notifySessionFinished('s-1'), false);
    assert.match(
      logger.lines.join('\n'),
      /notifySessionFinished is a claim-era call.*deleting the WebDriver session ends it/,
    );
  });
});

describe('router-era client calls (recorded bodies)', () => {
  test('cooldownDevice sends exactly reason and ttl_seconds; both reply shapes parse', async () => {
    const escalated = { status: 'maintenance_escalated', cooldown_count: 3, threshold: 3 };
    let answer = 0;
    const server = await startRawServer(() =>
      answer++ === 0 ? { status: 200, body: routerExchange(19).body } : { status: 200, body: escalated },
    );
    try {
      const client = new GridFleetClient(server.apiUrl, { env: {} });
      const set = await client.cooldownDevice(RUN_ID, DEVICE_ID, { reason: 'flaky adb', ttlSeconds: 60 });
      assert.deepEqual(set, routerExchange(19).body);
      assert.equal(server.requests[0]?.url, `/api/runs/${RUN_ID}/devices/${DEVICE_ID}/cooldown`);
      assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), routerExchange(19).request_body);
      const again = await client.cooldownDevice(RUN_ID, DEVICE_ID, { reason: 'flaky adb', ttlSeconds: 60 });
      assert.equal(again.status, 'maintenance_escalated');
      assert.ok('threshold' in again && again.threshold === 3);
      await assert.rejects(
        client.cooldownDevice(RUN_ID, DEVICE_ID, { reason: ' ', ttlSeconds: 60 }),
        TypeError,
      );
      await assert.rejects(
        client.cooldownDevice(RUN_ID, DEVICE_ID, { reason: 'x', ttlSeconds: 0 }),
        TypeError,
      );
      assert.equal(server.requests.length, 2, 'client-side refusals send nothing');
    } finally {
      await server.close();
    }
  });

  test('listDevices with groups and reserved; getDevice; the router-era DeviceRead parses', async () => {
    const server = await startManager('router');
    try {
      const client = new GridFleetClient(server.apiUrl, { env: {} });
      const [device] = await client.listDevices({ groups: ['gf-lab'], reserved: false, status: 'available' });
      assert.equal(server.requests[0]?.url, '/api/devices?group=gf-lab&reserved=false&status=available');
      assert.equal(device?.is_reserved, false);
      assert.equal(device?.allocatable, true);
      assert.equal(device?.hold, null, 'claim-era fields read as null');
      await assert.rejects(client.listDevices({ groups: ['gf-lab', 'nope'] }), {
        status: 422,
        message: /unknown device groups: nope/,
      });
      assert.equal((await client.getDevice(String(routerDevice().id))).name, 'Fire TV Stick 4K (seed)');
    } finally {
      await server.close();
    }
  });

  test('reserveDevices takes the router-era 201 (no grid_url, no claim fields, released_at)', async () => {
    const recorded = routerExchange(48);
    const server = await startRawServer(() => ({ status: 201, body: recorded.body }));
    try {
      const client = new GridFleetClient(server.apiUrl, { env: {} });
      const run = await client.reserveDevices({
        name: 'gf-head-run-2',
        requirements: [
          {
            packId: 'appium-uiautomator2',
            platformId: 'android_mobile',
            allocation: 'all_available',
            minCount: 1,
          },
        ],
      });
      assert.equal(run.state, 'preparing');
      assert.equal(run.grid_url, undefined);
      assert.equal(run.devices[0]?.released_at, null);
      assert.equal(run.devices[0]?.claimed_by, null);
    } finally {
      await server.close();
    }
  });

  test('getRun, heartbeat and a pending status update take router-era bodies', async () => {
    const list = routerExchange(56).body as { items: Array<Record<string, unknown>> };
    const runRead = list.items[0] as Record<string, unknown>;
    const detail = { ...runRead, devices: runRead.reserved_devices };
    const server = await startRawServer((request) => {
      if (request.url.endsWith('/heartbeat')) return { status: 200, body: routerExchange(18).body };
      if (request.method === 'PATCH') return { status: 200, body: routerExchange(77).body };
      return { status: 200, body: detail };
    });
    try {
      const client = new GridFleetClient(server.apiUrl, { env: {} });
      const run = await client.getRun(String(runRead.id));
      assert.equal(run.state, 'cancelled');
      assert.equal(run.devices[0]?.released_at, '2026-12-02T19:53:24.798721+00:00');
      assert.equal(run.devices[0]?.claimed_by, null);
      assert.deepEqual(run.requirements[0]?.groups, []);
      assert.equal((await client.heartbeat(RUN_ID)).state, 'active');
      const session = await client.updateSessionStatus('0667203b-1fcb-4bbe-8e73-3ada95943fc2', 'pending', {
        suppressErrors: false,
      });
      assert.equal(session?.status, 'failed');
      assert.deepEqual(JSON.parse(server.requests.at(-1)?.body ?? ''), { status: 'pending' });
    } finally {
      await server.close();
    }
  });

  test('device groups: list and detail (null fields dropped by the manager)', async () => {
    const group = routerExchange(5).body as Record<string, unknown>;
    const { description: _d, ...bare } = group;
    const server = await startRawServer((request) =>
      request.url === '/api/device-groups'
        ? { status: 200, body: [group, { ...bare, key: 'bare' }] }
        : {
            status: 200,
            body: { ...group, device_count: 1, devices: [{ id: DEVICE_ID, name: 'Galaxy S21 (seed)' }] },
          },
    );
    try {
      const client = new GridFleetClient(server.apiUrl, { env: {} });
      const groups = await client.listDeviceGroups();
      assert.deepEqual(
        groups.map((g) => [g.key, g.description]),
        [
          ['gf-lab', 'seed group'],
          ['bare', undefined],
        ],
      );
      assert.equal((await client.getDeviceGroup('gf-lab')).devices[0]?.id, DEVICE_ID);
      assert.equal(server.requests.at(-1)?.url, '/api/device-groups/gf-lab');
    } finally {
      await server.close();
    }
  });
});
