import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Leftovers } from '../allocation/strategy';

/** What must still be cleaned up when the process exits before the coordinator could finish. */
export interface ExitCleanupPlan {
  /** Manager API base URL. */
  apiUrl: string;
  /** Selenium Grid URL (to end WebDriver sessions). */
  gridUrl: string;
  /** Name of the allocation strategy whose leftovers these are. */
  strategy: string | undefined;
  /** What the strategy's run level listed (devices, sessions no worker gave back). */
  leftovers: Leftovers;
  /** Runs this process created and that are still open. */
  cancelRuns: string[];
}

/** Environment variable that carries the plan to the child process. */
export const EXIT_PLAN_ENV = 'GRIDFLEET_EXIT_PLAN';

/** Longest the exiting process waits for the cleanup child. */
const CHILD_LIMIT_MS = 20_000;

/**
 * Cleans up synchronously from a `process.on('exit')` handler (e.g. `process.exit()` in a step of a serial
 * run, or cucumber's `--exit`): `process.on('exit')` handlers cannot wait for I/O, but they can wait for a
 * synchronous child. The child (`exit_cleanup_child`) ends the strategy's leftovers and cancels the runs
 * this process created through the same client and strategy code as a normal finish. Credentials come from
 * the inherited environment, never from the plan.
 */
export function runExitCleanupSync(plan: ExitCleanupPlan): void {
  if (plan.leftovers.count === 0 && plan.cancelRuns.length === 0) return;
  const fromSource = __filename.endsWith('.ts');
  const child = path.join(__dirname, `exit_cleanup_child.${fromSource ? 'ts' : 'js'}`);
  // Running from source (tests, ts-node): the child needs ts-node too.
  const args = fromSource ? ['--require', 'ts-node/register', child] : [child];
  spawnSync(process.execPath, args, {
    env: {
      ...process.env,
      [EXIT_PLAN_ENV]: JSON.stringify(plan),
      ...(fromSource ? { TS_NODE_TRANSPILE_ONLY: 'true' } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: CHILD_LIMIT_MS,
  });
}
