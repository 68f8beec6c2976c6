import { deleteGridSession } from '../../appium/grid_sessions';
import type { GridFleetClient } from '../../client/client';
import { errorText } from '../../client/error_text';
import type { GridFleetLogger } from '../../client/logger';
import type { ClaimLeftoverPlan } from './claim_run_allocation';

/**
 * Ends what the claim run level listed: each left-over session on the Grid and on the manager (finished,
 * status `error`), then its device is released. Never throws.
 *
 * @returns what was ended, e.g. `2 session(s)/claim(s)`.
 */
export async function endClaimLeftovers(
  client: GridFleetClient,
  gridUrl: string,
  plan: unknown,
  logger: GridFleetLogger,
): Promise<string> {
  const claims = (plan as ClaimLeftoverPlan | undefined)?.claims ?? [];
  await Promise.all(
    claims.map(async (claim) => {
      if (claim.sessionId) {
        // The Grid may be gone too; the manager ends the session when the run ends.
        await deleteGridSession(gridUrl, claim.sessionId);
        await client.notifySessionFinished(claim.sessionId);
        await client.updateSessionStatus(claim.sessionId, 'error');
      }
      try {
        await client.releaseDeviceSafe(claim.runId, { deviceId: claim.deviceId, workerId: claim.workerId });
      } catch (error) {
        logger.warn(
          `gridfleet: could not release device ${claim.deviceId} of run ${claim.runId}: ${errorText(error)}`,
        );
      }
    }),
  );
  return `${claims.length} session(s)/claim(s)`;
}
