/**
 * The "no leaks, ever" cases of `interruptions.test.ts` on the router-era stack: a worker thread that
 * crashes, a process that exits in a step, SIGINT in --parallel 2, and a joined run. A leaked WebDriver
 * session would hold its device until the manager's 30-min idle reaper, so afterwards no session may be
 * running or pending, no device busy, no route left to the router, every owned run terminal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CRASH_PARALLEL_SUITE, CRASH_SERIAL_SUITE } from './support/lifecycle_features';
import { assertNoLeaks, sessionTable } from './support/no_leaks';
import { assertSignalLeavesNothing } from './support/signal_case';
import { explain, suiteOnStack } from './support/suite_on_stack';

const onStack = suiteOnStack({ generation: 'router' });
const { fixture, runSuite } = onStack;

describe('interrupted cucumber runs on a router-era lab leave nothing behind', { timeout: 600_000 }, () => {
  test('process.exit in a step (worker thread crash) in --parallel 2', async () => {
    const result = await runSuite(CRASH_PARALLEL_SUITE, ['--parallel', '2']);
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout + result.stderr, /exited unexpectedly with code 3/);
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.state, 'cancelled', 'a crashed run is never completed');
    const crashed = sessions.find((s) => s.test_name === 'Crashes its worker');
    assert.equal(crashed?.status, 'error', explain(result));
  });

  test('process.exit in a step of a serial run: the exit child deletes the session through the router', async () => {
    const result = await runSuite(CRASH_SERIAL_SUITE, []);
    assert.equal(result.exitCode, 3, explain(result));
    assert.match(
      result.stderr,
      /gridfleet: process exited early; ended 1 session\(s\) and cancelled 1 run\(s\)/,
      explain(result),
    );
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.deepEqual(sessionTable(sessions), [['Takes the process down', 'error']]);
  });

  for (const [signal, code, parallel] of [
    ['SIGINT', 130, ['--parallel', '2']],
    ['SIGTERM', 143, []],
  ] as const) {
    test(`${signal} while a scenario is running (${parallel.length ? '--parallel 2' : 'serial'})`, () =>
      assertSignalLeavesNothing(onStack, signal, code, [...parallel]));
  }

  test('joining GRIDFLEET_RUN_ID: the session ended, the run left open for its owner', async () => {
    const created = await fetch(`${fixture.stack.apiUrl}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'shared by CI shards',
        requirements: [{ pack_id: 'appium-uiautomator2', platform_id: 'android_mobile', count: 2 }],
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const result = await runSuite(
      `Feature: Shard
  Scenario: Shard scenario
    When I look at the screen
    Then it fails
`,
      [],
      { env: { GRIDFLEET_RUN_ID: created.id } },
    );
    assert.equal(result.exitCode, 1, explain(result));
    const run = await onStack.view.run(created.id);
    assert.ok(!['cancelled', 'completed'].includes(run.state), 'a joined run is left for its owner');
    assert.match(result.stderr, /joined; left for its owner/);
    assert.deepEqual(sessionTable(await onStack.view.sessions()), [['Shard scenario', 'failed']]);
    await fetch(`${fixture.stack.apiUrl}/runs/${created.id}/cancel`, { method: 'POST' });
    await assertNoLeaks(onStack.view);
  });
});
