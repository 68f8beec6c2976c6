import { after, before, describe, test } from 'node:test';
import { withStack } from '../../support';
import { stopRestartedAppiums } from './appium_restart';
import { ChaosLab } from './chaos_lab';
import { type ChaosRow, runChaosRow } from './chaos_row';
import { GRID_QUEUE_TIMEOUT_SEC } from './grid_slots';
import { TcpProxy } from './tcp_proxy';

/**
 * Declares a node:test suite running `rows` against one local stack (Grid + Appium) and a chaos lab behind
 * a TCP proxy. Each row is one test; its figures land in `.results/chaos/results.json`.
 */
export function matrixSuite(title: string, rows: readonly ChaosRow[]): void {
  // A short Grid queue timeout keeps the session-request-timeout row quick (no other row queues).
  const fixture = withStack({ sessionRequestTimeoutSec: GRID_QUEUE_TIMEOUT_SEC });
  let lab: ChaosLab | undefined;
  let proxy: TcpProxy | undefined;
  describe(title, { timeout: 1_800_000 }, () => {
    before(async () => {
      lab = await ChaosLab.start(fixture.stack.gridUrl);
      proxy = await TcpProxy.start(lab.port);
    });
    after(async () => {
      await stopRestartedAppiums();
      await proxy?.down();
      await lab?.stop();
    });
    // CHAOS_ROWS=id1,id2 runs only those rows (for reproducing one).
    const only = process.env.CHAOS_ROWS?.split(',').map((s) => s.trim());
    for (const row of rows.filter((r) => !only || only.includes(r.id))) {
      test(`${row.group}: ${row.fault}`, {
        timeout: (row.limitMs ?? 180_000) + 120_000,
        ...(row.todo ? { todo: row.todo } : {}),
      }, async () => {
        if (!lab || !proxy) throw new Error('chaos lab not started');
        if (!row.lab) {
          await runChaosRow(row, { lab, proxy, stack: fixture.stack });
          return;
        }
        // A lab of the row's own, behind its own proxy; stopped whatever happens.
        const ownLab = await ChaosLab.start(fixture.stack.gridUrl, {}, row.lab());
        const ownProxy = await TcpProxy.start(ownLab.port);
        try {
          await runChaosRow(row, { lab: ownLab, proxy: ownProxy, stack: fixture.stack });
        } finally {
          await ownProxy.down();
          await ownLab.stop();
        }
      });
    }
  });
}
