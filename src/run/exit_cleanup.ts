import { spawnSync } from 'node:child_process';

/** What must still be cleaned up when the process exits before the coordinator could finish. */
export interface ExitCleanupPlan {
  /** Manager API base URL. */
  apiUrl: string;
  /** Selenium Grid URL (to end WebDriver sessions). */
  gridUrl: string;
  /** Leases no worker released. */
  leases: Array<{ runId: string; deviceId: string; workerId: string; sessionId: string | undefined }>;
  /** Runs this process created and that are still open. */
  cancelRuns: string[];
}

// Runs in a short-lived child process: `process.on('exit')` handlers cannot wait for I/O, but they can
// wait for a synchronous child. Credentials come from the inherited environment, never from the plan.
const SCRIPT = `
const plan = JSON.parse(process.env.GRIDFLEET_EXIT_PLAN);
const user = process.env.GRIDFLEET_TESTKIT_USERNAME;
const pass = process.env.GRIDFLEET_TESTKIT_PASSWORD;
const auth = user && pass ? { authorization: 'Basic ' + Buffer.from(user + ':' + pass).toString('base64') } : {};
// No content-type without a body: Selenium Grid answers a bodiless JSON DELETE with 500.
const call = (method, url, body) =>
  fetch(url, {
    method,
    headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(8000),
  }).then((r) => r.status, () => 0);
(async () => {
  await Promise.all(plan.leases.map(async (l) => {
    if (l.sessionId) {
      await fetch(plan.gridUrl + '/session/' + encodeURIComponent(l.sessionId), { method: 'DELETE', signal: AbortSignal.timeout(8000) }).catch(() => undefined);
      await call('POST', plan.apiUrl + '/sessions/' + encodeURIComponent(l.sessionId) + '/finished');
      await call('PATCH', plan.apiUrl + '/sessions/' + encodeURIComponent(l.sessionId) + '/status', { status: 'error' });
    }
    await call('POST', plan.apiUrl + '/runs/' + l.runId + '/release', { device_id: l.deviceId, worker_id: l.workerId });
  }));
  // Sessions of our own runs that no lease knew about (see grid_sweep.ts).
  const status = await fetch(plan.gridUrl + '/status', { signal: AbortSignal.timeout(8000) }).then((r) => r.json(), () => ({}));
  const strays = ((status.value && status.value.nodes) || [])
    .flatMap((n) => n.slots || [])
    .map((slot) => slot.session)
    .filter((s) => s && s.capabilities && plan.cancelRuns.includes(s.capabilities['gridfleet:runId']));
  await Promise.all(strays.map(async (s) => {
    await fetch(plan.gridUrl + '/session/' + encodeURIComponent(s.sessionId), { method: 'DELETE', signal: AbortSignal.timeout(8000) }).catch(() => undefined);
    await call('PATCH', plan.apiUrl + '/sessions/' + encodeURIComponent(s.sessionId) + '/status', { status: 'error' });
  }));
  await Promise.all(plan.cancelRuns.map((id) => call('POST', plan.apiUrl + '/runs/' + id + '/cancel')));
  process.stderr.write('gridfleet: process exited early; ended ' + plan.leases.length + ' session(s)/claim(s) and cancelled ' + plan.cancelRuns.length + ' run(s)\\n');
})();
`;

/**
 * Cleans up synchronously from a `process.on('exit')` handler (e.g. `process.exit()` in a step of a serial
 * run, or cucumber's `--exit`): ends left-over sessions, releases claims and cancels the runs this process
 * created, in a child process this one waits for (at most 20 s).
 */
export function runExitCleanupSync(plan: ExitCleanupPlan): void {
  if (plan.leases.length === 0 && plan.cancelRuns.length === 0) return;
  spawnSync(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, GRIDFLEET_EXIT_PLAN: JSON.stringify(plan) },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 20_000,
  });
}
