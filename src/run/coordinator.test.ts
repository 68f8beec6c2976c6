import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningLab, startLab } from '../../lab/src/manager';
import { startTestLab } from '../../test/client/support/lab';
import { RunCoordinator } from './coordinator';

async function getRun(lab: RunningLab, runId: string): Promise<{ state: string; name: string }> {
  const response = await fetch(`${lab.apiUrl}/runs/${runId}`);
  return (await response.json()) as { state: string; name: string };
}

describe('RunCoordinator against the lab over HTTP', () => {
  let lab: RunningLab;
  before(async () => {
    lab = await startLab({ port: 0 });
  });
  after(async () => {
    await lab.close();
  });

  it('reserves one run per lane (pack resolved from the catalog), activates them and cancels them after a failure', async () => {
    const coordinator = new RunCoordinator();
    assert.match((await coordinator.handle({ kind: 'state' })).error ?? '', /BeforeAll hook has not run/);
    await coordinator.setup({
      gridfleet: {
        apiUrl: lab.apiUrl,
        runName: 'unit lanes',
        requirements: [
          { platform_id: 'android_tv', count: 1 },
          { pack_id: 'appium-xcuitest', platform_id: 'tvos' },
        ],
      },
    });
    const state = (await coordinator.handle({ kind: 'state' })).state;
    assert.deepEqual(
      state?.lanes.map((l) => [l.packId, l.platformId, l.owned]),
      [
        ['appium-uiautomator2', 'android_tv', true],
        ['appium-xcuitest', 'tvos', true],
      ],
    );
    for (const lane of state?.lanes ?? []) {
      const run = await getRun(lab, lane.runId);
      assert.equal(run.state, 'active');
      assert.match(run.name, /^unit lanes \[(android_tv|tvos)\]$/);
    }
    await coordinator.handle({
      kind: 'outcome',
      outcome: { pickleId: 'p1', failed: true, willBeRetried: true },
    });
    assert.equal(coordinator.hasFailures, false, 'a failure that will be retried does not count yet');
    await coordinator.handle({
      kind: 'outcome',
      outcome: { pickleId: 'p1', failed: true, willBeRetried: false },
    });
    assert.equal(coordinator.hasFailures, true);
    const lines: string[] = [];
    await coordinator.finish('normal', (line) => lines.push(line));
    await coordinator.finish('crash', (line) => lines.push(`again: ${line}`));
    assert.equal(lines.length, 2, `one summary line per run, once: ${lines.join('\n')}`);
    for (const lane of state?.lanes ?? []) assert.equal((await getRun(lab, lane.runId)).state, 'cancelled');
    assert.ok(lines.every((l) => / cancelled \| devices 1 \| sessions passed 0, failed 0, error 0$/.test(l)));
  });

  it('joins an existing run: lanes from its requirements, never completed or cancelled', async () => {
    const created = (await fetch(`${lab.apiUrl}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'owned elsewhere',
        requirements: [{ pack_id: 'appium-uiautomator2', platform_id: 'firetv_real', count: 1 }],
      }),
    }).then((r) => r.json())) as { id: string };
    const coordinator = new RunCoordinator();
    await coordinator.setup({ gridfleet: { apiUrl: lab.apiUrl, runId: created.id } });
    const lanes = (await coordinator.handle({ kind: 'state' })).state?.lanes;
    assert.deepEqual(
      lanes?.map((l) => [l.runId, l.platformId, l.owned]),
      [[created.id, 'firetv_real', false]],
    );
    const lines: string[] = [];
    await coordinator.finish('normal', (line) => lines.push(line));
    assert.equal((await getRun(lab, created.id)).state, 'preparing');
    assert.match(lines[0] ?? '', /joined; left for its owner/);
    await fetch(`${lab.apiUrl}/runs/${created.id}/cancel`, { method: 'POST' });
  });

  it('refuses to join a run that already ended, saying how to fix it', async () => {
    const created = (await fetch(`${lab.apiUrl}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gone', requirements: [] }),
    }).then((r) => r.json())) as { id: string };
    await fetch(`${lab.apiUrl}/runs/${created.id}/cancel`, { method: 'POST' });
    const coordinator = new RunCoordinator();
    await assert.rejects(
      coordinator.setup({ gridfleet: { apiUrl: lab.apiUrl, runId: created.id } }),
      /is already cancelled; join a run that is still open, or unset GRIDFLEET_RUN_ID/,
    );
    assert.match((await coordinator.handle({ kind: 'state' })).state?.setupError ?? '', /already cancelled/);
  });

  it('when the manager is unreachable at the end: no throw, a summary that says so, heartbeat stopped', async () => {
    const ownLab = await startLab({ port: 0 });
    const coordinator = new RunCoordinator();
    await coordinator.setup({
      gridfleet: { apiUrl: ownLab.apiUrl, requirements: [{ platform_id: 'roku_network', count: 1 }] },
    });
    assert.equal(coordinator.runningHeartbeats, 1);
    await ownLab.close();
    const lines: string[] = [];
    await coordinator.finish('normal', (line) => lines.push(line));
    assert.ok(lines.some((l) => /could not complete run/.test(l)));
    assert.ok(lines.some((l) => /state unknown \(manager unreachable: .*\); heartbeat stopped/.test(l)));
    assert.equal(coordinator.runningHeartbeats, 0, 'the manager expires the run once heartbeats stop');
  });

  it('a signal while the run is being reserved: finish waits for the reservation and cancels it (no run left preparing)', async () => {
    const ownLab = await startTestLab();
    try {
      await ownLab.fault({
        method: 'POST',
        path: '/api/runs',
        latency_ms: 800,
        times: 1,
      });
      const coordinator = new RunCoordinator();
      const setup = coordinator.setup({
        gridfleet: {
          apiUrl: ownLab.apiUrl,
          runName: 'signalled while reserving',
          requirements: [
            { platform_id: 'roku_network', count: 1 },
            { platform_id: 'android_tv', count: 1 },
          ],
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 200)); // POST /runs is in flight now
      const lines: string[] = [];
      await coordinator.finish('signal', (line) => lines.push(line));
      await assert.rejects(setup, /shutting down; no further GridFleet runs are reserved/);
      const listed = (await fetch(`${ownLab.apiUrl}/runs`).then((r) => r.json())) as {
        items: Array<{ name: string; state: string }>;
      };
      const runs = listed.items;
      assert.deepEqual(
        runs.map((r) => [r.name, r.state]),
        [['signalled while reserving [roku_network]', 'cancelled']],
        'the run created during the signal is cancelled; the second lane is never reserved',
      );
      assert.equal(coordinator.runningHeartbeats, 0);
    } finally {
      await ownLab.close();
    }
  });
});
