/**
 * A process that started a stack and then dies without stop() (fatal signal, process.exit) takes its
 * detached servers with it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { stopRecordedStack } from '../../lab/src/stack';
import { readPidFiles } from '../../lab/src/stack/pid_files';
import { isAlive } from '../../lab/src/stack/processes';
import { waitFor } from '../support';

const ROOT = path.resolve(__dirname, '..', '..');
const stateDirs: string[] = [];

after(async () => {
  for (const dir of stateDirs) {
    await stopRecordedStack(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs a child that starts a stack, prints its PIDs, then runs `then` (JS source). */
async function stackOwner(then: string) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-guard-'));
  stateDirs.push(stateDir);
  const script = `
    const { startStack } = require('./lab/src/stack');
    startStack({ ports: { lab: 0, grid: 0, appium: 0 }, stateDir: ${JSON.stringify(stateDir)}, labInProcess: true })
      .then((stack) => { console.log('PIDS ' + JSON.stringify(stack.pids)); ${then} })
      .catch((err) => { console.error(err); process.exit(3); });
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--require', 'ts-node/register', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const pids = await waitFor(
    () => {
      const match = /PIDS (\{.*\})/.exec(out);
      if (match?.[1]) return Object.values(JSON.parse(match[1]) as Record<string, number>);
      if (child.exitCode !== null) throw new Error(`stack owner exited with ${child.exitCode}`);
      return undefined;
    },
    { timeoutMs: 120_000, what: 'the child to start its stack' },
  );
  return { child, pids, stateDir };
}

test('a fatal SIGTERM to the owning process kills its servers and removes their PID files', async () => {
  const { child, pids, stateDir } = await stackOwner('');
  assert.ok(pids.length >= 2 && pids.every(isAlive));
  child.kill('SIGTERM');
  await waitFor(() => child.signalCode ?? undefined, { what: 'the owner to die' });
  assert.equal(child.signalCode, 'SIGTERM', 'the signal is re-raised, so the process still dies of it');
  await waitFor(() => pids.every((pid) => !isAlive(pid)), { what: 'the servers to be gone' });
  assert.deepEqual(readPidFiles(stateDir), []);
});

test('process.exit() without stop() kills the servers too', async () => {
  const { child, pids, stateDir } = await stackOwner('setTimeout(() => process.exit(0), 100);');
  await waitFor(() => child.exitCode !== null, { what: 'the owner to exit' });
  assert.equal(child.exitCode, 0);
  await waitFor(() => pids.every((pid) => !isAlive(pid)), { what: 'the servers to be gone' });
  assert.deepEqual(readPidFiles(stateDir), []);
});
