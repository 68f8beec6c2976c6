import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestLab, type TestLab } from '../../test/client/support/lab';
import { GridFleetClient } from '../client/client';
import { GridFleetApiError } from '../client/errors';
import { reserveRunWithRecovery } from './reserve_run';

const REQUEST = {
  name: 'nightly android',
  createdBy: 'ci',
  requirements: [{ packId: 'appium-uiautomator2', platformId: 'android_mobile', count: 1 }],
};

describe('reserveRunWithRecovery against the lab', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  const lines: string[] = [];
  const options = { sleep: async () => undefined, log: (line: string) => lines.push(line) };

  before(async () => {
    lab = await startTestLab();
    client = new GridFleetClient(lab.apiUrl, { auth: null });
  });
  after(async () => {
    await lab.close();
  });
  beforeEach(async () => {
    lines.length = 0;
    await lab.admin('DELETE', '/lab/faults');
    await lab.reset();
  });

  const runStates = async (): Promise<Array<[string, string]>> =>
    (await client.listRuns()).map((r) => [r.name, r.state] as [string, string]).sort();

  test('a 500 that created nothing: retried, one run', async () => {
    await lab.fault({ method: 'POST', path: '/api/runs', status: 500, times: 1 });
    const run = await reserveRunWithRecovery(client, REQUEST, options);
    assert.equal(run.name, REQUEST.name);
    assert.deepEqual(await runStates(), [[REQUEST.name, 'preparing']]);
    assert.match(
      lines.join('\n'),
      /reserving run "nightly android" failed \(.*500.*\); retrying \(attempt 2 of 3\)/,
    );
  });

  test('a run created but its answer lost (500 after commit): the orphan is cancelled, then one run is reserved', async () => {
    await lab.fault({ method: 'POST', path: '/api/runs', status: 500, applied: true, times: 1 });
    const run = await reserveRunWithRecovery(client, REQUEST, options);
    const runs = await client.listRuns();
    assert.equal(runs.length, 2);
    const orphan = runs.find((r) => r.id !== run.id);
    assert.equal(orphan?.state, 'cancelled', 'the run of the lost answer does not hold devices');
    assert.equal(runs.find((r) => r.id === run.id)?.state, 'preparing');
    assert.match(lines.join('\n'), new RegExp(`cancelled the run it had created \\(${orphan?.id}\\)`));
  });

  test('runs of the same name that are already active, or made by someone else, are never touched', async () => {
    const other = await client.reserveDevices({ ...REQUEST, createdBy: 'someone else', requirements: [] });
    const active = await client.reserveDevices({ ...REQUEST, requirements: [] });
    await client.activateRun(active.id);
    await lab.fault({ method: 'POST', path: '/api/runs', status: 503, times: 1 });
    await reserveRunWithRecovery(client, REQUEST, options);
    assert.equal((await client.getRun(other.id)).state, 'preparing');
    assert.equal((await client.getRun(active.id)).state, 'active');
  });

  test('not transient (409 TTL too long) or failing every attempt: the manager error, after at most 3 attempts', async () => {
    await assert.rejects(
      reserveRunWithRecovery(client, { ...REQUEST, ttlMinutes: 500 }, options),
      (error: unknown) => error instanceof GridFleetApiError && error.status === 409,
    );
    assert.equal(lines.length, 0, 'a 409 is not retried');
    await lab.fault({ method: 'POST', path: '/api/runs', status: 502 });
    await assert.rejects(reserveRunWithRecovery(client, REQUEST, options), /502/);
    assert.equal(lines.length, 2, 'two retries, then the error');
    assert.deepEqual(await runStates(), []);
  });
});
