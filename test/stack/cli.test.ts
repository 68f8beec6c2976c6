/**
 * `npm run lab` / `npm run lab:down` (src/stack/cli.ts) as real processes on free ports.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isPortFree } from '../../src/stack';
import { readPidFiles } from '../../src/stack/pid_files';
import { isAlive } from '../../src/stack/processes';
import { waitFor } from '../support';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = [
  process.execPath,
  '--require',
  'ts-node/register',
  path.join(ROOT, 'src', 'stack', 'cli.ts'),
] as const;
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Starts `cli.ts up` on free ports (plus `extra` flags) and resolves once it printed the export lines. */
async function up(
  extra: string[] = [],
): Promise<{ child: ChildProcess; stateDir: string; output: () => string }> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-cli-'));
  const [node, ...args] = CLI;
  const child = spawn(
    node,
    [
      ...args,
      'up',
      ...['--lab-port', '0', '--grid-port', 'auto', '--appium-port', '0', '--state-dir', stateDir],
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await down(stateDir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  await waitFor(() => output.includes('export GRID_URL=') || child.exitCode !== null, {
    timeoutMs: 120_000,
    what: 'npm run lab to print its export lines',
  });
  assert.equal(child.exitCode, null, `lab exited early:\n${output}`);
  return { child, stateDir, output: () => output };
}

async function down(stateDir: string): Promise<string> {
  const [node, ...args] = CLI;
  const { stdout } = await promisify(execFile)(node, [...args, 'down', '--state-dir', stateDir], {
    cwd: ROOT,
  });
  return stdout;
}

function exported(output: string, name: string): string {
  const match = new RegExp(`export ${name}=(\\S+)`).exec(output);
  assert.ok(match?.[1], `no export ${name} line in:\n${output}`);
  return match[1];
}

describe('stack CLI', () => {
  test('lab:down stops the servers of a `lab` that was killed hard', async () => {
    const { child, stateDir, output } = await up();
    const gridUrl = exported(output(), 'GRID_URL');
    const status = (await (await fetch(`${gridUrl}/status`)).json()) as { value: { ready: boolean } };
    assert.equal(status.value.ready, true);
    // The lab reports the Grid this stack started (not its default 4444) in a reserved run.
    const run = await fetch(`${exported(output(), 'GRIDFLEET_API_URL')}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cli-test', requirements: [] }),
    });
    assert.equal(run.status, 201);
    assert.equal(((await run.json()) as { grid_url: string }).grid_url, gridUrl);
    const servers = readPidFiles(stateDir).filter((r) => r.name !== 'cli');
    assert.deepEqual(servers.map((r) => r.name).sort(), ['appium', 'grid', 'lab']);

    child.kill('SIGKILL');
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, { what: 'the lab CLI to die' });
    assert.ok(
      servers.every((r) => isAlive(r.pid)),
      'servers outlive a hard-killed CLI (own process groups)',
    );

    const report = await down(stateDir);
    for (const name of ['appium', 'grid', 'lab'])
      assert.match(report, new RegExp(`^${name} +pid \\d+ +stopped$`, 'm'));
    assert.match(report, /^cli +pid \d+ +was not running/m);
    assert.deepEqual(
      servers.filter((r) => isAlive(r.pid)),
      [],
    );
    assert.deepEqual(readPidFiles(stateDir), []);
    assert.ok(await isPortFree(Number(new URL(gridUrl).port)));
    assert.match(await down(stateDir), /Nothing to stop/);
  });

  test('SIGINT (Ctrl-C) stops everything and exits 0', async () => {
    const { child, stateDir, output } = await up();
    const servers = readPidFiles(stateDir);
    child.kill('SIGINT');
    const code = await waitFor(() => child.exitCode ?? undefined, {
      timeoutMs: 30_000,
      what: 'the lab CLI to exit',
    });
    assert.equal(code, 0, output());
    assert.deepEqual(
      servers.filter((r) => isAlive(r.pid)),
      [],
    );
    assert.deepEqual(readPidFiles(stateDir), []);
    for (const name of ['GRID_URL', 'APPIUM_URL', 'GRIDFLEET_LAB_URL']) {
      assert.ok(await isPortFree(Number(new URL(exported(output(), name)).port)), `${name} port is free`);
    }
  });

  test('--generation router: router simulator on GRID_URL, a run-bound session through it, down stops all', async () => {
    const { child, stateDir, output } = await up(['--generation', 'router']);
    const gridUrl = exported(output(), 'GRID_URL');
    const apiUrl = exported(output(), 'GRIDFLEET_API_URL');
    assert.match(output(), /router generation/);
    const status = await (await fetch(`${gridUrl}/status`)).json();
    assert.deepEqual(status, { value: { message: 'GridFleet router', ready: true } });
    const servers = readPidFiles(stateDir).filter((r) => r.name !== 'cli');
    assert.deepEqual(servers.map((r) => r.name).sort(), ['appium', 'lab', 'router'], 'no Selenium Grid');

    const run = await fetch(`${apiUrl}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'cli-router',
        requirements: [{ pack_id: 'appium-uiautomator2', platform_id: 'android_mobile', count: 1 }],
      }),
    });
    assert.equal(run.status, 201);
    const reserved = (await run.json()) as { id: string; devices: { device_id: string }[] };
    const { remote } = await import('webdriverio');
    const url = new URL(gridUrl);
    const browser = await remote({
      hostname: url.hostname,
      port: Number(url.port),
      path: `/run/${reserved.id}`,
      capabilities: {
        platformName: 'Fake',
        'appium:automationName': 'Fake',
        'appium:platform': 'android_mobile',
      } as WebdriverIO.Capabilities,
      logLevel: 'silent',
      connectionRetryCount: 0,
    });
    try {
      assert.equal(
        (browser.capabilities as Record<string, unknown>)['gridfleet:deviceId'],
        reserved.devices[0]?.device_id,
      );
      assert.ok((await browser.takeScreenshot()).length > 0);
    } finally {
      await browser.deleteSession();
    }

    const report = await down(stateDir);
    for (const name of ['appium', 'lab', 'router'])
      assert.match(report, new RegExp(`^${name} +pid \\d+ +stopped$`, 'm'));
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, {
      what: 'the lab CLI to exit',
    });
    assert.deepEqual(
      servers.filter((r) => isAlive(r.pid)),
      [],
    );
    assert.deepEqual(readPidFiles(stateDir), []);
    for (const name of ['GRID_URL', 'APPIUM_URL', 'GRIDFLEET_LAB_URL']) {
      assert.ok(await isPortFree(Number(new URL(exported(output(), name)).port)), `${name} port is free`);
    }
  });
});
