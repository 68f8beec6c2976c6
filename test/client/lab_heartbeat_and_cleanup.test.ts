/** Heartbeat timer and run cleanup against the lab, including real child processes for exit and signals. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GridFleetClient,
  type GridFleetLogger,
  type HeartbeatStopReason,
  RunHeartbeat,
  registerRunCleanup,
  silentLogger,
} from '../../src/client';
import { startTestLab, type TestLab } from './support/lab';

const ANDROID = { packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 } as const;
const NODE = join(__dirname, '../../node_modules/.bin/node');
const CHILD = join(__dirname, 'support/cleanup_child.ts');

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function recordingLogger(): GridFleetLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line) };
}

describe('RunHeartbeat', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era' });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  after(() => lab.close());

  test('beats, keeps going on completed, and stop() tells the owner once', async () => {
    const run = await client.reserveDevices({ name: 'hb', requirements: [ANDROID] });
    const reasons: HeartbeatStopReason[] = [];
    const states: string[] = [];
    const heartbeat = client.startHeartbeat(run.id, 0.02, {
      onStop: (reason) => reasons.push(reason),
      onBeat: (answer) => states.push(answer.state),
    });
    await until(() => heartbeat.beats >= 2, 'two heartbeats');
    assert.equal(heartbeat.lastState, 'preparing');
    assert.deepEqual(states.slice(0, 2), ['preparing', 'preparing']);
    await client.completeRun(run.id);
    const beatsAtCompletion = heartbeat.beats;
    await until(
      () => heartbeat.beats >= beatsAtCompletion + 2 && heartbeat.lastState === 'completed',
      'beats after completion',
    );
    assert.equal(heartbeat.running, true);
    heartbeat.stop();
    heartbeat.stop();
    assert.equal(await heartbeat.stopped, 'stopped');
    assert.deepEqual(reasons, ['stopped']);
    assert.equal(heartbeat.running, false);
  });

  test('stops itself when the run is cancelled', async () => {
    const run = await client.reserveDevices({ name: 'hb-cancel', requirements: [ANDROID] });
    const seen: Array<[HeartbeatStopReason, string | null]> = [];
    const heartbeat = client.startHeartbeat(run.id, 0.02, {
      onStop: (reason, state) => seen.push([reason, state]),
    });
    await client.cancelRun(run.id);
    assert.equal(await heartbeat.stopped, 'cancelled');
    assert.deepEqual(seen, [['cancelled', 'cancelled']]);
  });

  test('stops itself when the run expired (lab clock past the heartbeat timeout)', async () => {
    const run = await client.reserveDevices({
      name: 'hb-expire',
      requirements: [ANDROID],
      heartbeatTimeoutSec: 30,
    });
    const heartbeat = new RunHeartbeat(client, run.id, { intervalSec: 0.02, logger: silentLogger });
    await lab.advance(31);
    heartbeat.start();
    assert.equal(await heartbeat.stopped, 'expired');
    assert.equal(heartbeat.lastState, 'expired');
  });

  test('swallows transient errors (logged) and stops when the run does not exist', async () => {
    const run = await client.reserveDevices({ name: 'hb-faults', requirements: [ANDROID] });
    await lab.fault({ method: 'POST', path: '/api/runs/*/heartbeat', status: 503, times: 2 });
    const logger = recordingLogger();
    const heartbeat = new RunHeartbeat(client, run.id, { intervalSec: 0.02, logger }).start();
    await until(() => heartbeat.beats >= 1, 'a heartbeat after the faults');
    assert.equal(logger.lines.length, 2);
    assert.match(logger.lines[0] ?? '', /heartbeat for run .* failed \(will retry\).*503/);
    heartbeat.stop();
    const ghost = new RunHeartbeat(client, '00000000-0000-4000-8000-000000000000', {
      intervalSec: 0.02,
      logger,
    });
    assert.equal(await ghost.start().stopped, 'run_not_found');
    await client.cancelRun(run.id);
  });

  test('a bad interval is rejected with a clear message', () => {
    assert.throws(
      () => new RunHeartbeat(client, 'r', { intervalSec: 0 }),
      /intervalSec must be a positive number/,
    );
  });
});

describe('registerRunCleanup', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  const children: ChildProcess[] = [];
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era' });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  after(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid);
    await lab.close();
  });

  function runChild(env: Record<string, string>): {
    child: ChildProcess;
    ready: Promise<void>;
    exited: Promise<[number | null, string | null]>;
  } {
    const child = spawn(NODE, ['--require', 'ts-node/register', CHILD], {
      env: { ...process.env, GRIDFLEET_API_URL: lab.apiUrl, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const ready = new Promise<void>((resolve) =>
      child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
    );
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (code, signal) => resolve([code, signal])),
    );
    return { child, ready, exited };
  }

  for (const [onExit, expected] of [
    ['noop', 'preparing'],
    ['complete', 'completed'],
    ['cancel', 'cancelled'],
  ] as const) {
    test(`onExit '${onExit}' at a natural process exit leaves the run ${expected} (heartbeat never keeps it alive)`, {
      timeout: 30_000,
    }, async () => {
      const run = await client.reserveDevices({ name: `exit-${onExit}`, requirements: [ANDROID] });
      const { exited } = runChild({ RUN_ID: run.id, ON_EXIT: onExit, HEARTBEAT_SEC: '30' });
      assert.deepEqual(await exited, [0, null]);
      assert.equal((await client.getRun(run.id)).state, expected);
      if (expected === 'preparing') await client.cancelRun(run.id);
    });
  }

  test('SIGTERM with signal handlers cancels the run, then the process ends by that signal', {
    timeout: 30_000,
  }, async () => {
    const run = await client.reserveDevices({ name: 'signal', requirements: [ANDROID] });
    const { child, ready, exited } = runChild({ RUN_ID: run.id, WAIT_FOR_SIGNAL: '1' });
    await ready;
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [null, 'SIGTERM']);
    assert.equal((await client.getRun(run.id)).state, 'cancelled');
  });

  test('runs once; an already ended run is fine; dispose removes the listeners', async () => {
    const run = await client.reserveDevices({ name: 'once', requirements: [ANDROID] });
    const listenersBefore = process.listenerCount('beforeExit');
    const cleanup = registerRunCleanup(client, run.id, null, { onExit: 'complete', logger: silentLogger });
    assert.equal(process.listenerCount('beforeExit'), listenersBefore + 1);
    await lab.clearRequests();
    await Promise.all([cleanup(), cleanup('cancel')]);
    await cleanup();
    assert.equal(cleanup.started, true);
    assert.deepEqual(await lab.requests(), [`POST /api/runs/${run.id}/complete`]);
    cleanup.dispose();
    assert.equal(process.listenerCount('beforeExit'), listenersBefore);
    const logger = recordingLogger();
    const again = registerRunCleanup(client, run.id, null, { onExit: 'cancel', logger });
    await again();
    again.dispose();
    assert.deepEqual(logger.lines, [], 'cancelling an already completed run is not a failure');
    assert.equal((await client.getRun(run.id)).state, 'completed');
    assert.throws(
      () => registerRunCleanup(client, run.id, null, { onExit: 'finish' as never }),
      /onExit must be/,
    );
  });
});
