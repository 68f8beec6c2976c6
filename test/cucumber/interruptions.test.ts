/**
 * The "no leaks, ever" cases cucumber runs no AfterAll for: a worker thread that crashes, SIGINT and
 * SIGTERM. The real cucumber-js CLI runs a fixture suite against the local stack; afterwards the manager
 * must show every run terminal, no device claimed and no session running.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CRASH_PARALLEL_SUITE, CRASH_SERIAL_SUITE } from './support/lifecycle_features';
import { assertNoLeaks, sessionTable } from './support/no_leaks';
import { assertSignalLeavesNothing } from './support/signal_case';
import { explain, suiteOnStack } from './support/suite_on_stack';

const onStack = suiteOnStack();
const { fixture, runSuite } = onStack;

describe('interrupted cucumber runs leave nothing behind', { timeout: 600_000 }, () => {
  test('process.exit in a step (worker thread crash) in --parallel 2', async () => {
    const result = await runSuite(CRASH_PARALLEL_SUITE, ['--parallel', '2']);
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout + result.stderr, /exited unexpectedly with code 3/);
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.state, 'cancelled', 'a crashed run is never completed');
    const crashed = sessions.find((s) => s.test_name === 'Crashes its worker');
    assert.equal(crashed?.status, 'error', explain(result));
    assert.match(result.stderr, /gridfleet: run .* cancelled/);
  });

  test('process.exit in a step of a serial run (the whole process exits at once)', async () => {
    const result = await runSuite(CRASH_SERIAL_SUITE, []);
    assert.equal(result.exitCode, 3, explain(result));
    assert.match(
      result.stderr,
      /gridfleet: process exited early; ended 1 session\(s\)\/claim\(s\) and cancelled 1 run\(s\)/,
    );
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.deepEqual(sessionTable(sessions), [['Takes the process down', 'error']]);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    for (const parallel of [['--parallel', '2'], []]) {
      test(`${signal} while a scenario is running (${parallel.length ? '--parallel 2' : 'serial'})`, () =>
        assertSignalLeavesNothing(onStack, signal, code, parallel));
    }
  }

  test('joining GRIDFLEET_RUN_ID: claims released, the run left open for its owner', async () => {
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
    And I wait 2500 ms
    Then it fails
`,
      [],
      { env: { GRIDFLEET_RUN_ID: created.id, GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '1' } },
    );
    assert.equal(result.exitCode, 1, explain(result));
    const run = await onStack.view.run(created.id);
    assert.notEqual(run.state, 'cancelled', 'a joined run is never cancelled by the joiner');
    assert.notEqual(run.state, 'completed', 'a joined run is never completed by the joiner');
    assert.deepEqual(
      run.devices.filter((d) => d.claimed_by !== null),
      [],
    );
    assert.match(result.stderr, /joined; left for its owner/);
    const log = (await fetch(`${fixture.stack.labUrl}/lab/requests`).then((r) => r.json())) as Array<{
      method: string;
      path: string;
    }>;
    assert.ok(
      log.some((r) => r.method === 'POST' && r.path === `/api/runs/${created.id}/heartbeat`),
      'a joined run is heartbeated while the shard runs, so a shared run does not expire under it',
    );
    const sessions = await onStack.view.sessions();
    assert.deepEqual(sessionTable(sessions), [['Shard scenario', 'failed']]);
    await fetch(`${fixture.stack.apiUrl}/runs/${created.id}/cancel`, { method: 'POST' });
    await assertNoLeaks(onStack.view);
  });
});
