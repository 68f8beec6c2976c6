import type { DriverPackCatalogLike } from '../../appium';
import { GridFleetApiError, GridFleetError } from '../../client/errors';
import { RunEndedError } from '../errors';
import type { ScenarioAllocation, ScenarioLevelContext } from '../strategy';
import type { AcquireRequest, ScenarioDevice } from '../types';
import { ClaimAllocator } from './claim_allocator';
import { claimMessage } from './claim_messages';
import { claimWakeUp } from './claim_wakeup';
import { claimOwnerId } from './owner_id';
import { flushThreadReports, threadPendingReports } from './pending_reports';

/**
 * Claim-era scenario level of one thread: a {@link ClaimAllocator} wired to the coordinator (claims are
 * tracked there, waits are woken from there, a hand-off queues the next claim behind the waiters), claim
 * owner ids unique across shards, and the thread's queue of reports lost to an outage.
 */
export class ClaimScenarioAllocation implements ScenarioAllocation {
  private readonly allocator: ClaimAllocator;
  /** Runs whose last release of this thread went to a waiting sibling (see `claimHandedOff`). */
  private readonly handedOff = new Set<string>();

  constructor(private readonly context: ScenarioLevelContext) {
    const { client, config, link, logger } = context;
    let catalog: Promise<DriverPackCatalogLike> | undefined;
    this.allocator = new ClaimAllocator({
      client,
      gridUrl: config.gridUrl,
      maxWaitSec: config.deviceWaitSec,
      include: config.deviceInclude,
      cooldownSec: config.cooldownSec,
      logger,
      catalog: () => {
        catalog ??= client.getDriverPackCatalog().catch((error: unknown) => {
          catalog = undefined; // a failed read is asked again by the next scenario
          throw error;
        });
        return catalog;
      },
      claimWakeUp: (runId) => claimWakeUp(link, runId),
      claimHandedOff: (runId) => this.handedOff.delete(runId),
      tracker: {
        opened: async (claim) => {
          const reply = await link.request(claimMessage({ kind: 'claim-opened', claim }));
          if (reply.error) throw new RunEndedError(`gridfleet: ${reply.error}`);
        },
        closed: async (claim) => {
          const reply = await link
            .request(claimMessage({ kind: 'claim-closed', ...claim }))
            .catch(() => undefined);
          if (reply?.message?.kind === 'claim-handed-off') this.handedOff.add(claim.runId);
        },
      },
    });
  }

  async acquire(request: AcquireRequest): Promise<ScenarioDevice> {
    if (request.groups.length > 0) {
      throw new GridFleetError(
        `gridfleet: device groups (${request.groups.join(', ')}, from a lane's "groups" or @group: tags) need a ` +
          'router-era manager; this one is claim era. Remove them, or select devices with the lane\'s "tags".',
      );
    }
    try {
      return await this.allocator.acquire({ ...request, workerId: claimOwnerId(request.workerId) });
    } catch (error) {
      // The claim endpoint's answer for a run that ended under us.
      if (
        error instanceof GridFleetApiError &&
        error.status === 409 &&
        /terminal state/.test(error.serverMessage)
      ) {
        throw new RunEndedError(
          `GridFleet run ${request.runId}${request.runName ? ` ("${request.runName}")` : ''} has ended ` +
            `(${error.serverMessage}); scenarios that need it fail until the run is replaced.`,
        );
      }
      throw error;
    }
  }

  finishThread(): Promise<void> {
    return flushThreadReports(this.context.client, this.context.logger);
  }

  dispose(): void {
    threadPendingReports().clear();
  }
}
