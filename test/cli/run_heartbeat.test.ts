/** `run heartbeat --every` against an in-process lab: beats until the run ends, then exits 1. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningLab, startLab } from '../../lab/src/manager';
import { explain, makeProject, removeProject, runCliProcess } from './support/cli_process';

let lab: RunningLab;
let project: string;

before(async () => {
  lab = await startLab({ port: 0 });
  project = await makeProject();
});
after(async () => {
  await lab.close();
  await removeProject(project);
});

test('run heartbeat --every keeps beating an open run and stops with exit 1 once an operator cancels it', async () => {
  const env = { GRIDFLEET_API_URL: lab.apiUrl };
  const created = await runCliProcess(['run', 'create', '--platform', 'android_mobile'], {
    cwd: project,
    env,
  });
  assert.equal(created.code, 0, explain(created));
  const runId = /export GRIDFLEET_RUN_ID=(\S+)/.exec(created.stdout)?.[1] ?? '';
  let cancelled: Promise<Response> | undefined;
  const beat = await runCliProcess(['run', 'heartbeat', '--every', '1'], {
    cwd: project,
    env: { ...env, GRIDFLEET_RUN_ID: runId },
    onStdout: (stdout) => {
      // Cancel after the second beat: proves it kept going, then that it notices the end.
      if (!cancelled && (stdout.match(/ active, last heartbeat /g)?.length ?? 0) >= 2) {
        cancelled = fetch(`${lab.apiUrl}/runs/${runId}/cancel`, { method: 'POST' });
      }
    },
    limitMs: 60_000,
  });
  assert.ok(cancelled, explain(beat));
  assert.equal((await cancelled).status, 200);
  assert.equal(beat.code, 1, explain(beat));
  assert.match(beat.stdout, new RegExp(`run ${runId} cancelled, last heartbeat `));
});
