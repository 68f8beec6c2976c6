import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { CANCELLED_SUITE, FAILING_SUITE, MIXED_SUITE } from './lifecycle_features';
import { assertNoLeaks, sessionTable } from './no_leaks';
import { explain, type SuiteOnStack } from './suite_on_stack';

/** What differs between the generations in the shared cases. */
export interface SharedCaseWords {
  /** What cucumber prints for a scenario that comes after the manager ended its run. */
  readonly runEnded: RegExp;
}

/**
 * The lifecycle cases that mean the same in every generation, registered inside the calling `describe`
 * (`lifecycle.test.ts` on the claim-era stack, `lifecycle_router.test.ts` on the router-era one): same
 * fixture suites, same assertions, read through the manager API only.
 */
export function sharedLifecycleCases(onStack: SuiteOnStack, words: SharedCaseWords): void {
  const { suites, runSuite } = onStack;

  test('a failing scenario: session failed, run cancelled by default, a failure screenshot in the report', async () => {
    const result = await runSuite(MIXED_SUITE, ['--parallel', '2', '--format', 'html:report.html']);
    assert.equal(result.exitCode, 1, explain(result));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.deepEqual(sessionTable(sessions), [
      ['Breaks', 'failed'],
      ['Works', 'passed'],
    ]);
    const html = await readFile(`${suites.at(-1)?.dir}/report.html`, 'utf8');
    // The built-in HTML report embeds attachments as base64 inside its JSON; a PNG starts with iVBORw0KGgo.
    assert.match(html, /image\/png/);
    assert.match(html, /iVBORw0KGgo/);
  });

  test('onFailure "complete" completes the run even when a scenario failed', async () => {
    const result = await runSuite(FAILING_SUITE, [], { env: { GRIDFLEET_ON_FAILURE: 'complete' } });
    assert.equal(result.exitCode, 1, explain(result));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'completed');
    assert.deepEqual(sessionTable(sessions), [['Breaks', 'failed']]);
  });

  test('a run cancelled on the manager mid-way: the remaining scenarios fail fast saying so', async () => {
    const result = await runSuite(CANCELLED_SUITE, [], {
      env: { GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '10', GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '1' },
    });
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, words.runEnded);
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.equal(
      sessions.filter((s) => s.test_name === 'Comes too late').length,
      0,
      'no device for a scenario after the run ended',
    );
  });
}
