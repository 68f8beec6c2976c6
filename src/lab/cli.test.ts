import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { test } from 'node:test';

const NODE = process.execPath;
const CLI = resolve(__dirname, 'cli.ts');

function spawnCli(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(NODE, ['--require', 'ts-node/register', CLI, ...args], {
    cwd: resolve(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  child.stderr?.on('data', (c) => {
    err += c;
  });
  return { child, out: () => out, err: () => err };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('CLI serves the demo lab on a free port and stops cleanly on SIGTERM', async () => {
  const cli = spawnCli(['--port', '0']);
  try {
    await waitFor(() => cli.out().includes('export GRIDFLEET_API_URL='), 'the listening line');
    const m =
      /GridFleet lab listening on (http:\/\/127\.0\.0\.1:\d+) \(API: (http:\/\/127\.0\.0\.1:\d+\/api)\)/.exec(
        cli.out(),
      );
    assert.ok(m, cli.out());
    assert.match(cli.out(), new RegExp(`export GRIDFLEET_API_URL=${m[2]}`));
    const catalog = (await (await fetch(`${m[2]}/driver-packs/catalog`)).json()) as {
      packs: { state: string }[];
    };
    assert.ok(catalog.packs.some((p: { state: string }) => p.state === 'disabled'));
    const exited = once(cli.child, 'exit');
    cli.child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    await assert.rejects(fetch(`${m[1]}/health/live`));
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

test('CLI fails fast with exit code 1 when the port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const cli = spawnCli(['--port', String(port)]);
    const [code] = await once(cli.child, 'exit');
    assert.equal(code, 1);
    assert.match(cli.err(), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
  } finally {
    blocker.close();
  }
});

test('CLI --help, bad options and bad lab files', async () => {
  const help = spawnCli(['--help']);
  assert.equal((await once(help.child, 'exit'))[0], 0);
  assert.match(help.out(), /Usage: gridfleet-lab/);
  const bad = spawnCli(['--port', 'abc']);
  assert.equal((await once(bad.child, 'exit'))[0], 2);
  assert.match(bad.err(), /--port must be an integer/);
  const missing = spawnCli(['--lab', '/nonexistent/lab.yaml', '--port', '0']);
  assert.equal((await once(missing.child, 'exit'))[0], 1);
  assert.match(missing.err(), /lab file \/nonexistent\/lab\.yaml: cannot read it/);
});

test('CLI --generation router answers as the router-era manager; a bad value exits 2', async () => {
  const bad = spawnCli(['--generation', 'selenium']);
  assert.equal((await once(bad.child, 'exit'))[0], 2);
  assert.match(bad.err(), /--generation must be "claim" or "router" \(got "selenium"\)/);
  const cli = spawnCli(['--port', '0', '--generation', 'router']);
  try {
    await waitFor(() => cli.out().includes('export GRIDFLEET_API_URL='), 'the listening line');
    const api = /export GRIDFLEET_API_URL=(\S+)/.exec(cli.out())?.[1];
    assert.ok(api, cli.out());
    const status = (await (await fetch(`${api}/grid/status`)).json()) as Record<string, unknown>;
    assert.equal(status.message, 'gridfleet control plane');
    assert.equal('grid' in status, false);
    const exited = once(cli.child, 'exit');
    cli.child.kill('SIGTERM');
    assert.equal((await exited)[0], 0);
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});
