/**
 * registerSessionFromDriver with a real webdriverio session through Selenium Grid (local stack: lab +
 * Appium fake driver + Grid): the registration lands in the lab and deleteSession posts /finished once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GridFleetClient, type GridFleetLogger } from '../../src/client';
import { withStack } from '../support';

async function labRequests(labUrl: string): Promise<string[]> {
  const entries = (await (await fetch(`${labUrl}/lab/requests`)).json()) as Array<{
    method: string;
    path: string;
  }>;
  return entries.map((e) => `${e.method} ${e.path}`);
}

describe('registerSessionFromDriver on a real driver', () => {
  const fixture = withStack();

  test('registers the Grid session and notifies /finished exactly once', { timeout: 120_000 }, async () => {
    const { stack } = fixture;
    const device = stack.devices[0];
    assert.ok(device, 'the stack has devices');
    const lines: string[] = [];
    const logger: GridFleetLogger = { warn: (line) => lines.push(line) };
    const client = new GridFleetClient(stack.apiUrl, { logger, env: {} });
    const { remote } = await import('webdriverio');
    const grid = new URL(stack.gridUrl);
    const driver = await remote({
      hostname: grid.hostname,
      port: Number(grid.port),
      path: '/',
      capabilities: { 'appium:udid': device.udid } as WebdriverIO.Capabilities,
      logLevel: 'silent',
      connectionRetryCount: 0,
    });
    const sessionId = driver.sessionId;
    let deleted = false;
    try {
      const row = await client.registerSessionFromDriver(driver, { testName: 'client › real driver' });
      assert.equal(row?.session_id, sessionId, lines.join('\n'));
      assert.equal(row?.test_name, 'client › real driver');
      assert.equal(row?.status, 'running');
      await fetch(`${stack.labUrl}/lab/requests`, { method: 'DELETE' });
      await driver.deleteSession();
      deleted = true;
      await driver.deleteSession().catch(() => undefined);
      const finished = (await labRequests(stack.labUrl)).filter((r) => r.endsWith('/finished'));
      assert.deepEqual(finished, [`POST /api/sessions/${sessionId}/finished`]);
      const detail = (await (await fetch(`${stack.apiUrl}/sessions/${sessionId}`)).json()) as {
        ended_at: string | null;
      };
      assert.ok(detail.ended_at, 'the lab stamped ended_at');
    } finally {
      if (!deleted) await driver.deleteSession().catch(() => undefined);
    }
  });
});
