import assert from 'node:assert/strict';
import { WAITING_SUITE } from './lifecycle_features';
import { assertNoLeaks, sessionTable } from './no_leaks';
import { explain, type SuiteOnStack } from './suite_on_stack';

/**
 * Runs the waiting suite, sends `signal` once a scenario runs, and checks what both generations must show:
 * the signal's exit code and line, nothing leaked, the run cancelled, the interrupted session `error`.
 */
export async function assertSignalLeavesNothing(
  onStack: SuiteOnStack,
  signal: 'SIGINT' | 'SIGTERM',
  code: number,
  args: string[],
): Promise<void> {
  const result = await onStack.runSuite(WAITING_SUITE, args, {
    interruptWhen: (stdout) => (stdout.includes('FIXTURE-READY-FOR-SIGNAL') ? signal : undefined),
  });
  assert.equal(result.exitCode, code, explain(result));
  assert.match(result.stderr, new RegExp(`gridfleet: ${signal} received`));
  const { runs, sessions } = await assertNoLeaks(onStack.view);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.state, 'cancelled');
  const interrupted = sessionTable(sessions).filter(([name]) => name === 'Waits for a signal');
  assert.deepEqual(interrupted, [['Waits for a signal', 'error']]);
}
