/** Session reporting against the lab: register (idempotent), status, finished, and the driver wrapper. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import { GridFleetClient, type GridFleetLogger } from '../../src/client';
import { startTestLab, type TestLab } from './support/lab';

const S21_TARGET = '192.168.1.60:5555';

function recordingLogger(): GridFleetLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line) };
}

/**
 * The part of a webdriverio Browser the client touches (sessionId, capabilities, deleteSession).
 * A stand-in for the third-party driver; the real driver is exercised by the stack tests.
 */
function fakeDriver(sessionId: string, capabilities: Record<string, unknown>, failDelete = false) {
  const driver = {
    sessionId,
    capabilities,
    deletes: 0,
    async deleteSession(): Promise<void> {
      driver.deletes += 1;
      if (failDelete) throw new Error('grid went away');
    },
  };
  return driver;
}

describe('sessions', () => {
  let lab: TestLab;
  let logger: ReturnType<typeof recordingLogger>;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era' });
    logger = recordingLogger();
    client = new GridFleetClient(lab.apiUrl, { logger, env: {} });
  });
  after(() => lab.close());

  test('register by target is idempotent; status and finished update the row', async () => {
    const first = await client.registerSession({
      sessionId: 'sess-1',
      testName: 'login',
      connectionTarget: S21_TARGET,
    });
    assert.equal(first?.status, 'running');
    assert.equal(first?.test_name, 'login');
    const again = await client.registerSession({ sessionId: 'sess-1', testName: 'other name' });
    assert.equal(again?.id, first?.id);
    assert.equal(again?.test_name, 'login');
    const passed = await client.updateSessionStatus('sess-1', 'passed');
    assert.equal(passed?.status, 'passed');
    assert.ok(passed?.ended_at);
    assert.equal(await client.notifySessionFinished('sess-1'), true);
    assert.equal(await client.notifySessionFinished('sess-1'), true);
    await assert.rejects(client.updateSessionStatus('sess-1', 'bogus' as never), TypeError);
  });

  test('an error session without a device is a row with ended_at', async () => {
    const row = await client.registerSession({
      sessionId: 'error-3b8f0f8e',
      status: 'error',
      errorType: 'SessionNotCreatedError',
      errorMessage: 'no slot',
      requestedPackId: 'appium-uiautomator2',
      requestedPlatformId: 'android_mobile',
      requestedCapabilities: { platformName: 'Fake' },
    });
    assert.equal(row?.status, 'error');
    assert.equal(row?.run_id, null);
    assert.ok(row?.ended_at);
  });

  test('failures are returned as null/false and logged: unknown session, unmatched running target', async () => {
    const before = logger.lines.length;
    assert.equal(await client.updateSessionStatus('nope', 'failed'), null);
    assert.equal(await client.notifySessionFinished('nope'), false);
    assert.equal(await client.registerSession({ sessionId: 'x', connectionTarget: 'no-such-target' }), null);
    assert.equal(logger.lines.length - before, 3);
    assert.match(logger.lines.at(-1) ?? '', /No matching device found for running session target/);
    await assert.rejects(client.updateSessionStatus('nope', 'failed', { suppressErrors: false }), {
      status: 404,
      serverMessage: 'Session not found',
    });
  });

  test('registerSessionFromDriver registers from the capabilities and posts /finished exactly once', async () => {
    const device = await client.getDeviceByConnectionTarget(S21_TARGET);
    const driver = fakeDriver('wd-session-1', {
      'appium:udid': S21_TARGET,
      'appium:gridfleet:deviceId': device.id,
    });
    const row = await client.registerSessionFromDriver(driver as unknown as Browser, {
      testName: 'Feature › Scenario',
    });
    assert.equal(row?.session_id, 'wd-session-1');
    assert.equal(row?.test_name, 'Feature › Scenario');
    assert.deepEqual(row?.requested_capabilities, driver.capabilities);
    await lab.clearRequests();
    await (driver as unknown as Browser).deleteSession();
    await (driver as unknown as Browser).deleteSession();
    assert.equal(driver.deletes, 2);
    assert.deepEqual(await lab.requests(), ['POST /api/sessions/wd-session-1/finished']);
  });

  test('a throwing deleteSession still notifies once and rethrows', async () => {
    const driver = fakeDriver('wd-session-2', { 'appium:udid': S21_TARGET }, true);
    await client.registerSessionFromDriver(driver as unknown as Browser);
    await lab.clearRequests();
    await assert.rejects((driver as unknown as Browser).deleteSession(), /grid went away/);
    await assert.rejects((driver as unknown as Browser).deleteSession(), /grid went away/);
    assert.deepEqual(await lab.requests(), ['POST /api/sessions/wd-session-2/finished']);
  });

  test('a driver without a session id is a TypeError', async () => {
    await assert.rejects(
      client.registerSessionFromDriver({ capabilities: {} } as unknown as Browser),
      TypeError,
    );
  });
});
