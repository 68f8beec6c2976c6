import assert from 'node:assert/strict';
import { isTerminalRunState } from '../../../src/client/schemas/common';
import type { ManagerView, RunView, SessionView } from './manager_view';

/** What the manager shows after a cucumber run, checked for leaks. */
export interface AfterRun {
  runs: RunView[];
  sessions: SessionView[];
}

/**
 * Asserts what an operator must see after any cucumber run: every run terminal, no device claimed or
 * held, no session still running (on the manager or on the Grid). Router era: no claims exist, and no
 * session may be `pending` either, nor a route left to the router. Returns the runs and sessions for
 * further checks.
 */
export async function assertNoLeaks(view: ManagerView): Promise<AfterRun> {
  const runs = await view.runs();
  const sessions = await view.sessions();
  const devices = await view.devices();
  for (const run of runs) {
    assert.ok(isTerminalRunState(run.state), `run ${run.id} "${run.name}" is still ${run.state}`);
    if (view.generation === 'claim') {
      const claimed = run.devices.filter((d) => d.claimed_by !== null);
      assert.deepEqual(claimed, [], `run ${run.id} still has claimed devices`);
    }
  }
  const held = devices.filter((d) => d.hold === 'reserved' || d.operational_state === 'busy');
  assert.deepEqual(held, [], 'no device is still reserved or busy');
  const running = sessions.filter((s) => s.status === 'running' || s.status === 'pending');
  assert.deepEqual(running, [], 'no session is still running');
  assert.deepEqual(await view.gridSessions(), [], 'no WebDriver session is left on the Grid');
  return { runs, sessions };
}

/** `[test_name, status]` pairs of the sessions, sorted, for readable equality checks. */
export function sessionTable(sessions: readonly SessionView[]): Array<[string | null, string]> {
  return sessions
    .map((s): [string | null, string] => [s.test_name, s.status])
    .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
}
