import { after, before, describe, test } from 'node:test';
import type { LabSettings } from '../../../lab/src/manager/lab_file';
import { type RunningRouter, startRouter } from '../../../lab/src/router';
import { freePort, type RunningStack } from '../../../lab/src/stack';
import { withStack } from '../../support';
import { stopRestartedAppiums } from './appium_restart';
import { ChaosLab } from './chaos_lab';
import { type ChaosRow, runChaosRow } from './chaos_row';
import { TcpProxy } from './tcp_proxy';

/** A router-era row: a matrix row, optionally with lab settings of its own (e.g. a short queue timeout). */
export interface RouterChaosRow extends ChaosRow {
  /** Settings of a lab (and router) of the row's own, on top of the router-era ones. */
  labSettings?: Partial<LabSettings>;
}

/** A router-era lab behind a TCP proxy (the API clients use), with the router simulator in front of it. */
interface RouterRig {
  lab: ChaosLab;
  proxy: TcpProxy;
  router: RunningRouter;
  /** The stack as the row sees it: `GRID_URL` is this rig's router. */
  stack: RunningStack;
}

async function startRig(stack: RunningStack, settings: Partial<LabSettings> = {}): Promise<RouterRig> {
  const port = await freePort();
  const gridUrl = `http://127.0.0.1:${port}`;
  const lab = await ChaosLab.start(gridUrl, {
    generation: 'router',
    appium_url: stack.appiumUrl,
    ...settings,
  });
  const proxy = await TcpProxy.start(lab.port);
  // The router calls the lab directly: the proxy's outages are the client's view of the manager.
  const router = await startRouter({ port, managerUrl: lab.url, retryPauseMs: 500 });
  return {
    lab,
    proxy,
    router,
    stack: { ...stack, gridUrl: router.url, env: { ...stack.env, GRID_URL: router.url } },
  };
}

async function stopRig(rig: RouterRig | undefined): Promise<void> {
  await rig?.router.close();
  await rig?.proxy.down();
  await rig?.lab.stop();
}

/**
 * Declares a node:test suite running router-era `rows`: the stack's Appium (fake driver), a router-era
 * chaos lab behind a TCP proxy and the router simulator on `GRID_URL`. Each row is one real
 * `cucumber-js --parallel 2` run checked through what an operator sees (see {@link runChaosRow}).
 */
export function routerMatrixSuite(title: string, rows: readonly RouterChaosRow[]): void {
  const fixture = withStack({ generation: 'router' });
  let shared: RouterRig | undefined;
  describe(title, { timeout: 1_800_000 }, () => {
    before(async () => {
      shared = await startRig(fixture.stack);
    });
    after(async () => {
      await stopRestartedAppiums();
      await stopRig(shared);
    });
    const only = process.env.CHAOS_ROWS?.split(',').map((s) => s.trim());
    for (const row of rows.filter((r) => !only || only.includes(r.id))) {
      test(`${row.group}: ${row.fault}`, {
        timeout: (row.limitMs ?? 180_000) + 120_000,
        ...(row.todo ? { todo: row.todo } : {}),
      }, async () => {
        if (!shared) throw new Error('router rig not started');
        if (!row.labSettings) {
          await runChaosRow(row, shared);
          return;
        }
        const own = await startRig(fixture.stack, row.labSettings);
        try {
          await runChaosRow(row, own);
        } finally {
          await stopRig(own);
        }
      });
    }
  });
}
