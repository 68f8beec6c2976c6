import type { AllocationStrategy, Leftovers } from '../allocation/strategy';
import { deleteGridSession, listGridSessions, sessionsOfRuns } from '../appium/grid_sessions';
import type { GridFleetClient } from '../client/client';
import type { GridFleetLogger } from '../client/logger';

/** What {@link cleanupLeftovers} ends. */
export interface LeftoverScope {
  /** The strategy whose leftovers these are. */
  strategy: AllocationStrategy | undefined;
  /** What the strategy's run level listed. */
  leftovers: Leftovers | undefined;
  /** Selenium Grid hub URL. */
  gridUrl: string;
  /** Runs this process created: their sessions still on the Grid are ended too (empty: no sweep). */
  sweepRuns: ReadonlySet<string>;
}

/**
 * Ends what an interrupted cucumber run left behind, the one way for every strategy: the strategy's
 * leftovers (devices and sessions no worker gave back), then Grid sessions of our own runs nobody knew
 * about (a worker terminated mid-setup). Used by the coordinator's finish and by the exit-cleanup child
 * process. Never throws.
 *
 * @returns a description of what the strategy ended (e.g. `1 session(s)`).
 */
export async function cleanupLeftovers(
  client: GridFleetClient,
  scope: LeftoverScope,
  logger: GridFleetLogger,
): Promise<string> {
  let ended = 'nothing';
  if (scope.strategy && scope.leftovers && scope.leftovers.count > 0) {
    ended = await scope.strategy.endLeftovers(client, scope.gridUrl, scope.leftovers.plan, logger);
  }
  if (scope.sweepRuns.size > 0) {
    const strays = sessionsOfRuns(await listGridSessions(scope.gridUrl), scope.sweepRuns);
    await Promise.all(
      strays.map(async (s) => {
        await deleteGridSession(scope.gridUrl, s.sessionId);
        await client.notifySessionFinished(s.sessionId);
        await client.updateSessionStatus(s.sessionId, 'error');
      }),
    );
  }
  return ended;
}
