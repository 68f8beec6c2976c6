/**
 * Child process of {@link runExitCleanupSync}: reads the plan from `GRIDFLEET_EXIT_PLAN`, ends the
 * strategy's leftovers and the Grid sessions of the runs to cancel, then cancels them — through the
 * client, like a normal finish. Never run it by hand.
 * @internal
 * @packageDocumentation
 */
import { strategyNamed } from '../allocation/select_strategy';
import type { AllocationStrategy } from '../allocation/strategy';
import { GridFleetClient } from '../client/client';
import { errorText } from '../client/error_text';
import { gridFleetLogger } from '../client/logger';
import { EXIT_PLAN_ENV, type ExitCleanupPlan } from './exit_cleanup';
import { cleanupLeftovers } from './leftover_cleanup';

/** Per-request limit: the parent waits 20 s in all. */
const REQUEST_TIMEOUT_MS = 8_000;

async function main(): Promise<void> {
  const plan = JSON.parse(process.env[EXIT_PLAN_ENV] ?? '{}') as ExitCleanupPlan;
  const logger = gridFleetLogger();
  const client = new GridFleetClient(plan.apiUrl, { timeoutMs: REQUEST_TIMEOUT_MS, logger });
  let strategy: AllocationStrategy | undefined;
  try {
    strategy = plan.strategy ? strategyNamed(plan.strategy) : undefined;
  } catch (error) {
    logger.warn(`gridfleet: ${errorText(error)}`);
  }
  const ended = await cleanupLeftovers(
    client,
    { strategy, leftovers: plan.leftovers, gridUrl: plan.gridUrl, sweepRuns: new Set(plan.cancelRuns) },
    logger,
  );
  await Promise.all(plan.cancelRuns.map((runId) => client.cancelRun(runId).catch(() => undefined)));
  logger.warn(
    `gridfleet: process exited early; ended ${ended} and cancelled ${plan.cancelRuns.length} run(s)`,
  );
}

void main();
