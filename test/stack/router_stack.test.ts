/**
 * startStack({ generation: 'router' }): lab (router generation) + Appium 3 (fake driver) + the
 * router simulator on the Grid port, on free ports. No Java, no Selenium Grid.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readPidFiles } from '../../src/stack/pid_files';
import { isAlive } from '../../src/stack/processes';
import { waitFor, withStack } from '../support';

describe('local stack, router generation', () => {
  const fixture = withStack({ generation: 'router' });

  test('GRID_URL is the router simulator, backed by the lab internal grid API; no Grid process', async () => {
    const { stack } = fixture;
    assert.equal(stack.generation, 'router');
    assert.equal(stack.env.GRID_URL, stack.gridUrl);
    assert.equal(stack.pids.grid, undefined);
    assert.ok(stack.pids.router !== undefined && isAlive(stack.pids.router));
    assert.deepEqual(
      readPidFiles(stack.stateDir)
        .map((r) => r.name)
        .sort(),
      ['appium', 'router'],
    );
    const health = await fetch(`${stack.gridUrl}/healthz`);
    assert.equal(await health.text(), 'ok');
    const routes = await fetch(`${stack.labUrl}/internal/grid/routes`);
    assert.deepEqual(await routes.json(), { routes: [] });
  });

  test('a free session (bare GRID_URL) lands on an unreserved device and gives it back on delete', async () => {
    const { stack } = fixture;
    const { remote } = await import('webdriverio');
    const url = new URL(stack.gridUrl);
    const browser = await remote({
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      capabilities: {
        platformName: 'Fake',
        'appium:automationName': 'Fake',
        'appium:platform': 'android_tv',
      } as WebdriverIO.Capabilities,
      logLevel: 'silent',
      connectionRetryCount: 0,
    });
    const deviceId = (browser.capabilities as Record<string, unknown>)['gridfleet:deviceId'];
    const device = stack.devices.find((d) => d.id === deviceId);
    assert.equal(device?.platformId, 'android_tv');
    await browser.deleteSession();
    const row = await (await fetch(`${stack.apiUrl}/sessions/${browser.sessionId}`)).json();
    assert.equal((row as { run_id: unknown }).run_id, null);
    await waitFor(
      async () =>
        ((await (await fetch(`${stack.apiUrl}/devices/${deviceId}`)).json()) as { operational_state: string })
          .operational_state === 'available',
      { what: 'the device to be free again' },
    );
  });
});
