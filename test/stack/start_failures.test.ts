/**
 * Failed starts of the local stack: they fail fast with a clear message and leave nothing running.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isPortFree, readStackInfo, StackError, startStack, stopRecordedStack } from '../../src/stack';
import { readPidFiles } from '../../src/stack/pid_files';
import { isAlive } from '../../src/stack/processes';
import { freePort, liveChildPids } from '../support';

const stateDirs: string[] = [];
function tempStateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-stack-fail-'));
  stateDirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('startStack failures', () => {
  test('a taken port fails fast, names the port and what uses it, and starts nothing', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const stateDir = tempStateDir();
    try {
      await assert.rejects(
        startStack({ ports: { lab: 0, grid: taken, appium: 0 }, stateDir, labInProcess: true }),
        (err: unknown) => {
          assert.ok(err instanceof StackError);
          assert.match(
            err.message,
            new RegExp(`port ${taken} .*Selenium Grid; default 4444\\) is already in use`),
          );
          assert.match(err.message, /--grid-port/);
          return true;
        },
      );
      assert.deepEqual(liveChildPids(), []);
      assert.deepEqual(readPidFiles(stateDir), []);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('the same port for two servers is refused before anything starts', async () => {
    const port = await freePort();
    await assert.rejects(
      startStack({
        ports: { lab: port, grid: port, appium: 0 },
        stateDir: tempStateDir(),
        labInProcess: true,
      }),
      /Port \d+ was given to both GridFleet lab and Selenium Grid/,
    );
    assert.deepEqual(liveChildPids(), []);
  });

  test('a bad port option names the option', async () => {
    await assert.rejects(
      startStack({ ports: { appium: 70000 }, stateDir: tempStateDir() }),
      /ports\.appium must be an integer from 1 to 65535, or 0 \/ "auto" for a free port; got 70000/,
    );
  });

  test('a server that is not ready in time fails the start and everything started is stopped', async () => {
    const stateDir = tempStateDir();
    await assert.rejects(
      startStack({ ports: { lab: 0, grid: 0, appium: 0 }, stateDir, labInProcess: true, readyTimeoutMs: 1 }),
      /Appium \(http:\/\/127\.0\.0\.1:\d+\) was not ready after 0 s/,
    );
    assert.deepEqual(liveChildPids(), []);
    assert.deepEqual(readPidFiles(stateDir), []);
  });
});

describe('a server that dies while starting', () => {
  test('fails the start at once with the tail of its log, and stops the others', async () => {
    const stateDir = tempStateDir();
    // The JVM reads JAVA_TOOL_OPTIONS and refuses an unknown option: a Grid that dies on start.
    const saved = process.env.JAVA_TOOL_OPTIONS;
    process.env.JAVA_TOOL_OPTIONS = '-XX:+NoSuchOptionForGridfleetTest';
    try {
      await assert.rejects(
        startStack({ ports: { lab: 0, grid: 0, appium: 0 }, stateDir, labInProcess: true }),
        (err: unknown) => {
          assert.ok(err instanceof StackError);
          assert.match(
            err.message,
            /^grid \(pid \d+\) exited with exit code 1 before it was ready; see .*grid\.log/,
          );
          assert.match(err.message, /Unrecognized VM option 'NoSuchOptionForGridfleetTest'/);
          return true;
        },
      );
    } finally {
      if (saved === undefined) delete process.env.JAVA_TOOL_OPTIONS;
      else process.env.JAVA_TOOL_OPTIONS = saved;
    }
    assert.deepEqual(liveChildPids(), []);
    assert.deepEqual(readPidFiles(stateDir), []);
  });
});

describe('stopRecordedStack (npm run lab:down)', () => {
  test('stops a stack from its PID files alone, and the ports come free', async () => {
    const stateDir = tempStateDir();
    const stack = await startStack({ ports: { lab: 0, grid: 0, appium: 0 }, stateDir, labInProcess: true });
    try {
      const recorded = readPidFiles(stateDir)
        .map((r) => r.name)
        .sort();
      assert.deepEqual(recorded, ['appium', 'grid']);
      assert.equal(readStackInfo(stateDir)?.gridUrl, stack.gridUrl);
      await assert.rejects(
        startStack({ ports: { lab: 0, grid: 0, appium: 0 }, stateDir, labInProcess: true }),
        /A stack started from .* is still running \(appium pid \d+, grid pid \d+\)/,
      );
      const results = await stopRecordedStack(stateDir);
      assert.deepEqual(results.map((r) => [r.name, r.result]).sort(), [
        ['appium', 'terminated'],
        ['grid', 'terminated'],
      ]);
      assert.equal(isAlive(stack.pids.appium), false);
      assert.equal(isAlive(stack.pids.grid as number), false);
      assert.deepEqual(readPidFiles(stateDir), []);
      assert.equal(readStackInfo(stateDir), undefined);
      assert.ok(await isPortFree(stack.ports.grid));
      assert.ok(await isPortFree(stack.ports.appium));
      assert.deepEqual(await stopRecordedStack(stateDir), []);
    } finally {
      await stack.stop();
    }
  });
});
