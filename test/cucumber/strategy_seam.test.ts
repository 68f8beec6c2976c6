/**
 * The allocation seam: a second strategy (test-only, `support/shared_session_strategy.ts`) installed in the
 * support code runs a fixture suite through the real cucumber-js CLI with the World, hooks and steps
 * unchanged. The coordinator still reserves and completes the run; the strategy alone decides how the
 * scenarios get their device: here one shared session, and not a single claim.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from './support/cucumber_fixture';
import { explain, suiteOnStack } from './support/suite_on_stack';

const onStack = suiteOnStack();

const INSTALL = `
require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'allocation', 'select_strategy.ts'))}).installAllocationStrategy(
  require(${JSON.stringify(path.join(REPO_ROOT, 'test', 'cucumber', 'support', 'shared_session_strategy.ts'))}).sharedSessionStrategy,
);
`;

describe('a second allocation strategy behind the same World, hooks and steps', { timeout: 300_000 }, () => {
  test('every scenario runs on the one shared session; outcomes reach the strategy; nothing is claimed', async () => {
    const result = await onStack.runSuite(
      `Feature: Shared
  Scenario: First on the shared session
    When I look at the screen

  Scenario: Second on the shared session
    When I look at the screen
    Then the device platform is android_mobile

  Scenario: Fails on the shared session
    When I look at the screen
    Then it fails
`,
      [],
      { files: { 'support/01_strategy.js': INSTALL } },
    );
    assert.equal(result.exitCode, 1, explain(result));
    const starts = [...result.stdout.matchAll(/SHARED-START (.+) (\S+) #(\d+)\n/g)];
    assert.deepEqual(
      starts.map((m) => [m[1], m[3]]),
      [
        ['First on the shared session', '1'],
        ['Second on the shared session', '2'],
        ['Fails on the shared session', '3'],
      ],
      explain(result),
    );
    assert.equal(new Set(starts.map((m) => m[2])).size, 1, 'one session for every scenario');
    const ends = [...result.stdout.matchAll(/SHARED-END (.+) (passed|failed|error)\n/g)].map((m) => [
      m[1],
      m[2],
    ]);
    assert.deepEqual(ends, [
      ['First on the shared session', 'passed'],
      ['Second on the shared session', 'passed'],
      ['Fails on the shared session', 'failed'],
    ]);
    const requests = await onStack.view.requests();
    assert.deepEqual(
      requests.filter((r) => /\/(claim|release)/.test(r)),
      [],
      'the claim strategy was not used',
    );
    const runs = await onStack.view.runs();
    assert.deepEqual(
      runs.map((r) => r.state),
      ['cancelled'],
      'the run level is unchanged: the failed suite cancels its run',
    );
    assert.deepEqual(await onStack.view.gridSessions(), [], 'the shared session was ended with the thread');
  });
});
