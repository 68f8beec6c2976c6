/**
 * Client behaviour over real HTTP against a tiny node:http server, for answers a faithful lab never
 * gives (malformed bodies, hangs, dropped connections, legacy bodies, scripted eras).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GridFleetApiError,
  GridFleetClient,
  type GridFleetLogger,
  GridFleetTransportError,
  NoClaimableDevicesError,
  ResponseValidationError,
} from '../../src/client';
import { exchange } from './fixtures/transcript';
import {
  envelope,
  type RawAnswer,
  type RawServer,
  type SeenRequest,
  startRawServer,
} from './support/raw_server';

const RUN_ID = 'd105a5f4-7bf9-4864-9f4c-f9ba47f53f41';
const DEVICE_ID = '11db20ff-e3da-43d5-a1e5-1c54ad4bb0e4';

function recordingLogger(): GridFleetLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line) };
}

/** Starts a raw server whose answers come from a queue (last answer repeats). */
async function scripted(...answers: RawAnswer[]): Promise<RawServer> {
  let index = 0;
  return startRawServer(() => {
    const answer = answers[Math.min(index, answers.length - 1)] as RawAnswer;
    index += 1;
    return answer;
  });
}

async function withServer(server: RawServer, body: (server: RawServer) => Promise<void>): Promise<void> {
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

describe('malformed responses name the endpoint and the field', () => {
  test('a wrong type deep in a run detail', async () => {
    const run = structuredClone(exchange(15).body) as { devices: Array<Record<string, unknown>> };
    (run.devices[1] as Record<string, unknown>).device_id = 42;
    await withServer(await scripted({ status: 200, body: run }), async (server) => {
      const client = new GridFleetClient(server.apiUrl);
      await assert.rejects(client.getRun(RUN_ID), (error: unknown) => {
        assert.ok(error instanceof ResponseValidationError);
        assert.equal(error.endpoint, 'GET /runs/{run_id}');
        assert.equal(error.fieldPath, 'devices[1].device_id');
        assert.match(error.message, /GET \/runs\/\{run_id\}.*devices\[1\]\.device_id/);
        return true;
      });
    });
  });

  test('a missing required field and a non-JSON body', async () => {
    const { state: _state, ...noState } = exchange(35).body as Record<string, unknown>;
    await withServer(
      await scripted({ status: 200, body: noState }, { status: 200, body: 'OK' }),
      async (server) => {
        const client = new GridFleetClient(server.apiUrl);
        await assert.rejects(client.heartbeat(RUN_ID), {
          name: 'ResponseValidationError',
          fieldPath: 'state',
        });
        await assert.rejects(client.heartbeat(RUN_ID), {
          name: 'ResponseValidationError',
          fieldPath: '(root)',
        });
      },
    );
  });
});

describe('transport failures', () => {
  test('an unreachable manager names the URL and GRIDFLEET_API_URL', async () => {
    const server = await scripted({ status: 200, body: {} });
    const apiUrl = server.apiUrl;
    await server.close();
    const client = new GridFleetClient(apiUrl);
    await assert.rejects(client.getRun(RUN_ID), (error: unknown) => {
      assert.ok(error instanceof GridFleetTransportError);
      assert.equal(error.url, `${apiUrl}/runs/${RUN_ID}`);
      assert.equal(error.envVar, 'GRIDFLEET_API_URL');
      assert.match(error.message, /GRIDFLEET_API_URL/);
      assert.match(error.message, new RegExp(apiUrl.replace(/[.]/g, '\\.')));
      return true;
    });
  });

  test('a manager that never answers times out as a transport error', async () => {
    await withServer(await scripted({ status: 200, hang: true }), async (server) => {
      const client = new GridFleetClient(server.apiUrl, { timeoutMs: 150 });
      await assert.rejects(client.heartbeat(RUN_ID), (error: unknown) => {
        assert.ok(error instanceof GridFleetTransportError);
        assert.equal(error.timedOut, true);
        return true;
      });
    });
  });
});

describe('redirects', () => {
  test('are reported with their target, never followed (a POST stays a POST, credentials stay put)', async () => {
    await withServer(
      await scripted({
        status: 307,
        body: '',
        headers: { location: 'https://user:secret@manager.example/api/runs' },
      }),
      async (server) => {
        const client = new GridFleetClient(server.apiUrl, { auth: { username: 'u', password: 'p' } });
        await assert.rejects(
          client.reserveDevices({
            name: 'r',
            requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile' }],
          }),
          (error: unknown) => {
            assert.ok(error instanceof GridFleetApiError);
            assert.equal(error.status, 307);
            assert.match(error.message, /redirects to https:\/\/.*manager\.example\/api\/runs/);
            assert.match(error.message, /GRIDFLEET_API_URL/);
            assert.doesNotMatch(error.message, /secret/);
            return true;
          },
        );
        assert.equal(server.requests.length, 1, 'the redirect was not followed');
      },
    );
  });
});

describe('base URL validation', () => {
  test('a base URL that is not http(s) names where it came from', async () => {
    await assert.rejects(new GridFleetClient('localhost:8000/api', { env: {} }).getRun(RUN_ID), {
      name: 'TypeError',
      message: /"localhost:8000\/api" \(from the client baseUrl option\) is not an http\(s\) URL/,
    });
    await assert.rejects(
      new GridFleetClient(undefined, { env: { GRIDFLEET_API_URL: 'ftp://u:pw@x/api' } }).getRun(RUN_ID),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /"ftp:\/\/x\/api" \(from GRIDFLEET_API_URL\)/);
        return true;
      },
    );
  });
});

describe('auth and request ids', () => {
  test('Basic auth from env when both variables are set; none otherwise; credentials never in errors', async () => {
    await withServer(
      await scripted({ status: 401, body: envelope('UNAUTHORIZED', 'Authentication is required') }),
      async (server) => {
        const env = { GRIDFLEET_TESTKIT_USERNAME: 'machine', GRIDFLEET_TESTKIT_PASSWORD: 'top-secret-pw' };
        const withAuth = new GridFleetClient(server.apiUrl, { env });
        await assert.rejects(withAuth.heartbeat(RUN_ID), (error: unknown) => {
          assert.ok(error instanceof GridFleetApiError);
          assert.equal(error.status, 401);
          for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
            assert.ok(!text.includes('top-secret-pw') && !text.includes('bWFjaGluZ'), text);
          }
          return true;
        });
        const expected = `Basic ${Buffer.from('machine:top-secret-pw').toString('base64')}`;
        assert.equal(server.requests[0]?.headers.authorization, expected);

        await assert.rejects(new GridFleetClient(server.apiUrl, { env: {} }).heartbeat(RUN_ID));
        assert.equal(server.requests[1]?.headers.authorization, undefined);
        await assert.rejects(new GridFleetClient(server.apiUrl, { env, auth: null }).heartbeat(RUN_ID));
        assert.equal(server.requests[2]?.headers.authorization, undefined);
        await assert.rejects(
          new GridFleetClient(server.apiUrl, { env: {}, auth: { username: 'u', password: 'p' } }).heartbeat(
            RUN_ID,
          ),
        );
        assert.equal(
          server.requests[3]?.headers.authorization,
          `Basic ${Buffer.from('u:p').toString('base64')}`,
        );
      },
    );
  });

  test('X-Request-ID is passed through and comes back in the error', async () => {
    await withServer(
      await startRawServer((request) => ({
        status: 404,
        body: {
          error: { code: 'NOT_FOUND', message: 'Run not found', request_id: request.headers['x-request-id'] },
        },
      })),
      async (server) => {
        const client = new GridFleetClient(server.apiUrl, { requestId: () => 'trace-123' });
        await assert.rejects(client.getRun(RUN_ID), { name: 'GridFleetApiError', requestId: 'trace-123' });
        assert.equal(server.requests[0]?.headers['x-request-id'], 'trace-123');
      },
    );
  });

  test('the base URL is read from GRIDFLEET_API_URL at call time', async () => {
    await withServer(await scripted({ status: 200, body: exchange(35).body }), async (server) => {
      const client = new GridFleetClient(undefined, { env: process.env });
      const before = process.env.GRIDFLEET_API_URL;
      process.env.GRIDFLEET_API_URL = server.apiUrl;
      try {
        assert.equal((await client.heartbeat(RUN_ID)).state, 'active');
        assert.equal(client.baseUrl, server.apiUrl);
      } finally {
        if (before === undefined) delete process.env.GRIDFLEET_API_URL;
        else process.env.GRIDFLEET_API_URL = before;
      }
    });
  });
});

describe('reportPreparationFailure retries at most once, only on transport errors and 503/504', () => {
  const ok = { status: 200, body: exchange(46).body };
  test('503 then 200 → the run, two attempts', async () => {
    await withServer(
      await scripted({ status: 503, body: envelope('SHUTTING_DOWN', 'down') }, ok),
      async (server) => {
        const run = await new GridFleetClient(server.apiUrl, {
          logger: recordingLogger(),
        }).reportPreparationFailure(RUN_ID, DEVICE_ID, 'APK install failed');
        assert.equal(run?.id, RUN_ID);
        assert.equal(server.requests.length, 2);
        assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), {
          message: 'APK install failed',
          source: 'ci_preparation',
        });
      },
    );
  });
  test('a dropped connection then 200 → retried', async () => {
    await withServer(await scripted({ status: 0, destroy: true }, ok), async (server) => {
      const client = new GridFleetClient(server.apiUrl, { logger: recordingLogger() });
      assert.ok(await client.reportPreparationFailure(RUN_ID, DEVICE_ID, 'x', { source: 'ci' }));
      assert.equal(server.requests.length, 2);
    });
  });
  test('504 twice → throws after exactly two attempts', async () => {
    await withServer(
      await scripted({ status: 504, body: envelope('REQUEST_TIMEOUT', 'slow') }),
      async (server) => {
        const client = new GridFleetClient(server.apiUrl, { logger: recordingLogger() });
        await assert.rejects(client.reportPreparationFailure(RUN_ID, DEVICE_ID, 'x'), { status: 504 });
        assert.equal(server.requests.length, 2);
      },
    );
  });
  test('409 is not retried; suppressErrors returns null and logs', async () => {
    await withServer(await scripted({ status: 409, body: exchange(48).body }), async (server) => {
      const logger = recordingLogger();
      const client = new GridFleetClient(server.apiUrl, { logger });
      await assert.rejects(client.reportPreparationFailure(RUN_ID, DEVICE_ID, 'x'), { status: 409 });
      assert.equal(server.requests.length, 1);
      assert.equal(
        await client.reportPreparationFailure(RUN_ID, DEVICE_ID, 'x', { suppressErrors: true }),
        null,
      );
      assert.match(logger.lines.join('\n'), /not actively reserved/);
    });
  });
});

describe('releaseDeviceSafe', () => {
  const cases: ReadonlyArray<[string, RawAnswer, boolean | RegExp]> = [
    ['200', { status: 200, body: { status: 'released' } }, true],
    ['envelope 409 is not claimed', { status: 409, body: exchange(28).body }, false],
    [
      'legacy detail 409 is not claimed',
      { status: 409, body: { detail: `Device ${DEVICE_ID} is not claimed` } },
      false,
    ],
    ['404 run gone (envelope)', { status: 404, body: envelope('NOT_FOUND', 'Run not found') }, false],
    ['404 route gone (framework)', { status: 404, body: { detail: 'Not Found' } }, false],
    ['409 wrong worker', { status: 409, body: exchange(26).body }, /claimed by another worker/],
    [
      '409 not in run',
      { status: 409, body: envelope('CONFLICT', `Device ${DEVICE_ID} is not reserved by this run`) },
      /not reserved/,
    ],
    [
      '500',
      { status: 500, body: envelope('INTERNAL_ERROR', 'An unexpected error occurred') },
      /INTERNAL_ERROR/,
    ],
  ];
  for (const [name, answer, expected] of cases) {
    test(name, async () => {
      await withServer(await scripted(answer), async (server) => {
        const call = new GridFleetClient(server.apiUrl).releaseDeviceSafe(RUN_ID, {
          deviceId: DEVICE_ID,
          workerId: 'gw0',
        });
        if (typeof expected === 'boolean') assert.equal(await call, expected);
        else await assert.rejects(call, expected);
      });
    });
  }
});

describe('getDeviceByConnectionTarget', () => {
  const devices = exchange(4).body as Array<{ id: string; connection_target: string }>;
  const first = devices[0] as { id: string; connection_target: string };

  test('falls back to the list filter on a claim-era manager and remembers the route is missing', async () => {
    const handler = (request: SeenRequest): RawAnswer =>
      request.url.startsWith('/api/devices/by-connection-target/')
        ? { status: 404, body: { detail: 'Not Found' } }
        : {
            status: 200,
            body: devices.filter((d) => request.url.includes(encodeURIComponent(d.connection_target))),
          };
    await withServer(await startRawServer(handler), async (server) => {
      const client = new GridFleetClient(server.apiUrl);
      assert.equal(await client.resolveDeviceIdByConnectionTarget(first.connection_target), first.id);
      assert.equal((await client.getDeviceByConnectionTarget(first.connection_target)).id, first.id);
      assert.deepEqual(
        server.requests.map((r) => r.url.split('?')[0]),
        [
          `/api/devices/by-connection-target/${encodeURIComponent(first.connection_target)}`,
          '/api/devices',
          '/api/devices',
        ],
      );
      await assert.rejects(client.getDeviceByConnectionTarget('nope'), {
        name: 'GridFleetApiError',
        status: 404,
        code: 'NOT_FOUND',
        message: /No device found with connection target: nope/,
      });
    });
  });

  test('an enveloped 404 from the real route is final (no fallback)', async () => {
    await withServer(
      await scripted({ status: 404, body: envelope('NOT_FOUND', 'Device not found for connection_target') }),
      async (server) => {
        await assert.rejects(new GridFleetClient(server.apiUrl).getDeviceByConnectionTarget('x:1'), {
          status: 404,
        });
        assert.equal(server.requests.length, 1);
        assert.equal(server.requests[0]?.url, '/api/devices/by-connection-target/x%3A1');
      },
    );
  });
});

describe('session calls suppress errors by default, but never silently', () => {
  test('register, status and finished return null/false and log; suppressErrors:false throws', async () => {
    await withServer(
      await scripted({ status: 500, body: envelope('INTERNAL_ERROR', 'boom') }),
      async (server) => {
        const logger = recordingLogger();
        const client = new GridFleetClient(server.apiUrl, { logger });
        assert.equal(await client.registerSession({ sessionId: 's1', testName: 't' }), null);
        assert.equal(await client.updateSessionStatus('s1', 'passed'), null);
        assert.equal(await client.notifySessionFinished('s1'), false);
        assert.equal(logger.lines.length, 3);
        assert.match(logger.lines[0] ?? '', /could not register session s1: .*500 INTERNAL_ERROR: boom/);
        await assert.rejects(client.registerSession({ sessionId: 's1' }, { suppressErrors: false }), {
          status: 500,
        });
      },
    );
  });
});

describe('claimDeviceWithRetry over HTTP with a controllable clock', () => {
  test('waits the Retry-After header when it is the earliest hint, then claims', async () => {
    const noClaimable = exchange(23);
    await withServer(
      await scripted(
        { status: 409, body: noClaimable.body, headers: { 'retry-after': '2' } },
        { status: 200, body: exchange(20).body },
      ),
      async (server) => {
        let now = Date.parse('2026-11-26T20:23:09Z');
        const slept: number[] = [];
        const clock = {
          now: () => now,
          sleep: async (ms: number) => {
            slept.push(ms);
            now += ms;
          },
        };
        const client = new GridFleetClient(server.apiUrl, { clock });
        const claim = await client.claimDeviceWithRetry(RUN_ID, { workerId: 'gw0', include: ['config'] });
        assert.equal(claim.claimed_by, 'gw0');
        assert.deepEqual(slept, [2000]);
        assert.equal(server.requests[0]?.url, `/api/runs/${RUN_ID}/claim?include=config`);
        assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), { worker_id: 'gw0' });
      },
    );
  });

  test('gives up at maxWaitSec with NoClaimableDevicesError', async () => {
    await withServer(
      await scripted({ status: 409, body: exchange(23).body, headers: { 'retry-after': '5' } }),
      async (server) => {
        let now = 0;
        const clock = {
          now: () => now,
          sleep: async (ms: number) => {
            now += ms;
          },
        };
        const client = new GridFleetClient(server.apiUrl, { clock });
        await assert.rejects(
          client.claimDeviceWithRetry(RUN_ID, { workerId: 'gw3', maxWaitSec: 7 }),
          (error: unknown) => {
            assert.ok(error instanceof NoClaimableDevicesError);
            assert.equal(error.runId, RUN_ID);
            assert.equal(error.waitedSec, 7);
            return true;
          },
        );
        assert.equal(server.requests.length, 3);
      },
    );
  });
});

describe('activateRun works on both manager eras', () => {
  const runIn = (state: string): unknown => ({ ...(exchange(17).body as object), state });
  let claimEra: RawServer;
  let laterEra: RawServer;
  before(async () => {
    claimEra = await startRawServer((request) =>
      request.url.endsWith('/ready')
        ? { status: 200, body: runIn('ready') }
        : { status: 200, body: runIn('active') },
    );
    laterEra = await startRawServer(() => ({ status: 200, body: runIn('active') }));
  });
  after(async () => {
    await claimEra.close();
    await laterEra.close();
  });

  test('claim era: /ready then /active', async () => {
    const run = await new GridFleetClient(claimEra.apiUrl).activateRun(RUN_ID);
    assert.equal(run.state, 'active');
    assert.deepEqual(
      claimEra.requests.map((r) => r.url),
      [`/api/runs/${RUN_ID}/ready`, `/api/runs/${RUN_ID}/active`],
    );
  });

  test('later era: /ready alone reaches active', async () => {
    const run = await new GridFleetClient(laterEra.apiUrl).activateRun(RUN_ID);
    assert.equal(run.state, 'active');
    assert.deepEqual(
      laterEra.requests.map((r) => r.url),
      [`/api/runs/${RUN_ID}/ready`],
    );
  });
});

describe('listDevices accepts both response shapes', () => {
  test('paged shape is unwrapped', async () => {
    const items = exchange(4).body as unknown[];
    await withServer(
      await scripted({ status: 200, body: { items, total: 3, limit: 2, offset: 0 } }),
      async (server) => {
        const devices = await new GridFleetClient(server.apiUrl).listDevices({ limit: 2 });
        assert.equal(devices.length, items.length);
        assert.equal(server.requests[0]?.url, '/api/devices?limit=2');
      },
    );
  });
});
