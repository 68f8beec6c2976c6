/**
 * The router simulator in front of the real lab (router generation, its internal grid API over
 * HTTP) and a real Appium 3 fake-driver server, driven by plain webdriverio `remote()`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningLab } from '../../src/lab';
import { call } from '../../src/lab/test_support/http';
import { type RunningRouter, startRouter } from '../../src/router_sim';
import { type FakeAppium, startFakeAppium, startFakeLab } from '../internal_grid/support';
import { waitFor } from '../support';

const CAPS = {
  platformName: 'Fake',
  'appium:automationName': 'Fake',
  'appium:platform': 'fake_device',
} as const;

let appium: FakeAppium;
let lab: RunningLab;
let router: RunningRouter;

before(async () => {
  appium = await startFakeAppium();
  lab = await startFakeLab({ appium_url: appium.url }, 1);
  router = await startRouter({ managerUrl: lab.url, routesRefreshMs: 200 });
});
after(async () => {
  await router?.close();
  await lab?.close();
  await appium?.stop();
});

const api = (method: string, path: string, body?: unknown) => call(lab.apiUrl, method, path, body);

async function reserve(): Promise<{ runId: string; deviceId: string }> {
  const r = await api('POST', '/runs', {
    name: 'router-sim',
    requirements: [{ pack_id: 'gf-fake', platform_id: 'fake_device', count: 1 }],
  });
  assert.equal(r.status, 201, r.text);
  return { runId: r.body.id, deviceId: r.body.devices[0].device_id };
}

async function driver(runId: string, testName: string) {
  const { remote } = await import('webdriverio');
  const url = new URL(router.url);
  return remote({
    protocol: 'http',
    hostname: url.hostname,
    port: Number(url.port),
    path: `/run/${runId}`,
    capabilities: { ...CAPS, 'gridfleet:testName': testName } as WebdriverIO.Capabilities,
    logLevel: 'silent',
    connectionRetryCount: 0,
  });
}

async function deviceState(deviceId: string): Promise<string> {
  return (await api('GET', `/devices/${deviceId}`)).body.operational_state;
}

describe('router simulator + lab + Appium', () => {
  test('a run-bound session gets gridfleet:deviceId, works, and after DELETE + PATCH the lab shows it', async () => {
    const { runId, deviceId } = await reserve();
    const browser = await driver(runId, 'router scenario');
    const sessionId = browser.sessionId;
    assert.equal((browser.capabilities as Record<string, unknown>)['gridfleet:deviceId'], deviceId);
    const png = Buffer.from(await browser.takeScreenshot(), 'base64');
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(await deviceState(deviceId), 'busy');
    await browser.deleteSession();
    const patch = await api('PATCH', `/sessions/${sessionId}/status`, { status: 'failed' });
    assert.equal(patch.status, 200, patch.text);
    await waitFor(async () => (await deviceState(deviceId)) === 'available', {
      what: 'the device to be free',
    });
    const row = (await api('GET', `/sessions/${sessionId}`)).body;
    assert.equal(row.test_name, 'router scenario');
    assert.equal(row.status, 'failed');
    assert.notEqual(row.ended_at, null);
    assert.deepEqual((await call(lab.url, 'GET', '/internal/grid/routes')).body.routes, []);
    // Commands for the deleted session: 404 invalid session id from the router.
    const gone = await call(router.url, 'GET', `/session/${sessionId}/url`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.value.error, 'invalid session id');
    await api('POST', `/runs/${runId}/complete`);
  });

  test('a second session on a one-device run waits until the first is deleted, then gets the device', async () => {
    const { runId, deviceId } = await reserve();
    const first = await driver(runId, 'first');
    let secondSettled = false;
    const second = driver(runId, 'second').finally(() => {
      secondSettled = true;
    });
    await waitFor(async () => (await api('GET', '/grid/queue')).body.queue_size === 1, {
      what: 'the second request to wait in the lab queue',
    });
    assert.equal(secondSettled, false, 'the second session must not start while the device is busy');
    await first.deleteSession();
    const browser = await second;
    assert.equal((browser.capabilities as Record<string, unknown>)['gridfleet:deviceId'], deviceId);
    assert.notEqual(browser.sessionId, first.sessionId);
    await browser.deleteSession();
    await waitFor(async () => (await deviceState(deviceId)) === 'available', {
      what: 'the device to be free',
    });
    await api('POST', `/runs/${runId}/complete`);
  });

  test('router errors: unknown command, unknown session, body too large, unknown run', async () => {
    const unknown = await call(router.url, 'GET', '/wd/hub/status');
    assert.deepEqual(unknown.body, {
      value: { error: 'unknown command', message: 'GET /wd/hub/status', stacktrace: '' },
    });
    const noRoute = await call(router.url, 'POST', '/session/nope/url', { url: 'x' });
    assert.deepEqual(noRoute.body.value.message, 'no route for session nope');
    const big = await call(router.url, 'POST', '/session', {
      capabilities: { alwaysMatch: { pad: 'x'.repeat(1 << 20) } },
    });
    assert.equal(big.status, 413);
    const missing = '00000000-0000-4000-8000-000000000000';
    const run = await call(router.url, 'POST', `/run/${missing}/session`, {
      capabilities: { alwaysMatch: CAPS },
    });
    assert.equal(run.status, 400);
    assert.deepEqual(run.body.value, {
      error: 'session not created',
      message: `run ${missing} is missing; sessions can only be created for a live (non-terminal) run`,
      stacktrace: '',
    });
  });
});

describe('router simulator + lab with auth on', () => {
  test('with the lab credentials sessions are created; without them: router misconfigured', async () => {
    const auth = { username: 'router', password: 's3cret' };
    const authLab = await startFakeLab({ appium_url: appium.url, auth: { enabled: true, ...auth } }, 1);
    const good = await startRouter({ managerUrl: authLab.url, auth });
    const bad = await startRouter({ managerUrl: authLab.url });
    try {
      const body = { capabilities: { alwaysMatch: CAPS } };
      const refused = await call(bad.url, 'POST', '/session', body);
      assert.equal(refused.status, 500);
      assert.equal(refused.body.value.message, 'router misconfigured: backend authentication failed');
      const created = await call(good.url, 'POST', '/session', body);
      assert.equal(created.status, 200, created.text);
      const sessionId = created.body.value.sessionId as string;
      assert.equal((await call(good.url, 'DELETE', `/session/${sessionId}`)).status, 200);
    } finally {
      await good.close();
      await bad.close();
      await authLab.close();
    }
  });
});
