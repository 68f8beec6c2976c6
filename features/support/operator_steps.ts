import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import type { AcceptanceWorld } from './acceptance_world';

/** Manager session status for each cucumber result (the mapping the package documents). */
const SESSION_STATUS_FOR: Record<string, string> = { passed: 'passed', failed: 'failed' };

Then('every scenario has a manager session with its name and result', async function (this: AcceptanceWorld) {
  const sessions = await this.sessions();
  for (const [name, attempt] of this.run.report.finalAttempts()) {
    const expected = SESSION_STATUS_FOR[attempt.status];
    assert.ok(expected, `scenario "${name}" ended ${attempt.status}; this step only covers passed/failed`);
    const named = sessions.filter((session) => session.test_name === name);
    assert.equal(named.length, 1, `expected one session named "${name}", got ${JSON.stringify(named)}`);
    assert.equal(named[0]?.status, expected, `session of "${name}"`);
  }
});

Then(
  'the manager has a session named {string} with status {string}',
  async function (this: AcceptanceWorld, name: string, status: string) {
    const sessions = await this.sessions();
    const named = sessions.filter((session) => session.test_name === name);
    assert.equal(
      named.length,
      1,
      `expected one session named "${name}"; sessions: ${sessions.map((s) => `${s.test_name}=${s.status}`).join(', ')}`,
    );
    assert.equal(named[0]?.status, status, `status of the session named "${name}"`);
  },
);

Then(
  'the sessions named {string} have the statuses {string}',
  async function (this: AcceptanceWorld, name: string, statuses: string) {
    const named = (await this.sessions()).filter((session) => session.test_name === name);
    const actual = named.map((session) => session.status).sort();
    assert.deepEqual(actual, statuses.split(/,\s*/).sort(), `statuses of the sessions named "${name}"`);
  },
);

Then('the manager has no session named {string}', async function (this: AcceptanceWorld, name: string) {
  const sessions = await this.sessions();
  assert.deepEqual(
    sessions.filter((session) => session.test_name === name),
    [],
    `the @no-device scenario "${name}" must not open a session`,
  );
});

Then(
  'the session named {string} ran on a {string} device',
  async function (this: AcceptanceWorld, name: string, platformId: string) {
    const session = (await this.sessions()).find((s) => s.test_name === name);
    assert.ok(session, `no session named "${name}"`);
    assert.equal(
      session.device_platform_id,
      platformId,
      `platform of the device the session "${name}" ran on`,
    );
  },
);

Then('no device is left claimed', async function (this: AcceptanceWorld) {
  const runs = await this.runs();
  for (const run of runs) {
    const claimed = run.reserved_devices.filter((entry) => entry.claimed_by !== null);
    assert.deepEqual(claimed, [], `run ${run.id} still has claimed devices`);
  }
  const runIds = new Set(runs.map((run) => run.id));
  const held = (await this.lab.devices()).filter(
    (device) => device.reservation !== null && runIds.has(device.reservation.run_id),
  );
  assert.deepEqual(
    held.map((device) => device.name),
    [],
    "devices still reserved by this scenario's runs",
  );
  const busy = (await this.lab.devices()).filter((device) => device.operational_state === 'busy');
  assert.deepEqual(
    busy.map((device) => device.name),
    [],
    'devices still busy',
  );
});

Then('no device was released with a cooldown', async function (this: AcceptanceWorld) {
  for (const run of await this.runs()) {
    const cooled = run.reserved_devices.filter((entry) => entry.cooldown_count > 0);
    assert.deepEqual(cooled, [], `run ${run.id} put devices on cooldown`);
  }
  const requests = await this.lab.requests();
  const cooldowns = requests.filter((r) => r.method === 'POST' && r.path.endsWith('/release-with-cooldown'));
  assert.deepEqual(cooldowns, [], 'release-with-cooldown calls');
});

Then('every claimed device was released by its worker', async function (this: AcceptanceWorld) {
  const requests = await this.lab.requests();
  const ok = (suffix: string) =>
    requests.filter((r) => r.method === 'POST' && r.path.endsWith(suffix) && r.status === 200).length;
  const claims = ok('/claim');
  assert.ok(claims > 0, 'no device was claimed at all');
  assert.equal(
    ok('/release') + ok('/release-with-cooldown'),
    claims,
    'successful releases vs successful claims',
  );
});

Then(
  '{int} run(s) was/were reserved and each is {string}',
  async function (this: AcceptanceWorld, count: number, state: string) {
    const runs = await this.runs();
    assert.equal(runs.length, count, `runs: ${runs.map((run) => `${run.name} (${run.state})`).join(', ')}`);
    for (const run of runs) assert.equal(run.state, state, `state of run ${run.id} (${run.name})`);
  },
);

Then('the output has a summary line for every run', async function (this: AcceptanceWorld) {
  // The coordinator prints the summary on stderr, next to cucumber's own output on stdout.
  const lines = `${this.run.stdout}\n${this.run.stderr}`.split('\n');
  for (const run of await this.runs()) {
    const line = lines.find((l) => l.includes(run.id));
    assert.ok(line, `no line of the output names run ${run.id}\n${this.describeRun()}`);
    assert.ok(
      line.includes(run.state),
      `the summary line of run ${run.id} does not say "${run.state}": ${line}`,
    );
  }
});
