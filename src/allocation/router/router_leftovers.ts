import { deleteGridSession } from '../../appium/grid_sessions';
import type { GridFleetClient } from '../../client/client';
import type { GridFleetLogger } from '../../client/logger';
import type { RouterLeftoverPlan } from './router_run_allocation';
import { runScopedGridUrl } from './router_scenario_allocation';

/**
 * Ends what the router run level listed: each left-over session is deleted through the router (which
 * frees its device at once, instead of the manager's 30-min idle reaper), then reported `error` — in that
 * order (docs/manager-api.md §R5.4). Never throws.
 *
 * @returns what was ended, e.g. `2 session(s)`.
 */
export async function endRouterLeftovers(
  client: GridFleetClient,
  gridUrl: string,
  plan: unknown,
  logger: GridFleetLogger,
): Promise<string> {
  const sessions = (plan as RouterLeftoverPlan | undefined)?.sessions ?? [];
  await Promise.all(
    sessions.map(async (session) => {
      const deleted = await deleteGridSession(runScopedGridUrl(gridUrl, session.runId), session.sessionId);
      // Not deleted (router gone): cancelling the run ends the session on the manager anyway.
      if (!deleted)
        logger.warn(`gridfleet: could not delete session ${session.sessionId} through the router`);
      await client.updateSessionStatus(session.sessionId, 'error');
    }),
  );
  return `${sessions.length} session(s)`;
}
