import type {
  AllocationMessage,
  AllocationReply,
  Leftovers,
  RunAllocation,
  RunLevelContext,
} from '../strategy';
import { claimMessage, parseClaimMessage, type TrackedClaim } from './claim_messages';

/**
 * How long a release with no registered waiter still wakes the next claim that starts waiting: covers a
 * waiter whose no-claimable answer crossed the release (its registration arrives just after it).
 */
const RELEASE_WAKE_WINDOW_MS = 1_000;

/** The claim plan of {@link ClaimRunAllocation.leftovers}: devices no worker released. */
export interface ClaimLeftoverPlan {
  /** Claims no worker released (with their session, once it exists). */
  claims: TrackedClaim[];
}

/**
 * Claim-era run level, in the coordinator thread: tracks claimed devices by run and device id (so a crash
 * or a signal can release them), and queues the claims sleeping after a no-claimable answer so that each
 * release wakes exactly one of them, oldest first (only the coordinator is told about waits, never the
 * manager).
 */
export class ClaimRunAllocation implements RunAllocation {
  private readonly claims = new Map<string, TrackedClaim>();
  /** Claims sleeping after a no-claimable answer, per run, oldest first. */
  private readonly waiters = new Map<string, string[]>();
  /** Per run: when a device was last released while no claim was waiting. */
  private readonly unmatchedRelease = new Map<string, number>();

  constructor(private readonly context: Pick<RunLevelContext, 'broadcast' | 'closing'>) {}

  async handle(raw: AllocationMessage): Promise<AllocationReply> {
    const message = parseClaimMessage(raw);
    switch (message?.kind) {
      case 'claim-opened':
        if (this.context.closing())
          return { error: 'the cucumber run is shutting down; no new devices are handed out' };
        this.claims.set(`${message.claim.runId}/${message.claim.deviceId}`, message.claim);
        return {};
      case 'claim-closed':
        this.claims.delete(`${message.runId}/${message.deviceId}`);
        return this.wakeOneWaiter(message.runId)
          ? { message: claimMessage({ kind: 'claim-handed-off' }) }
          : {};
      case 'claim-wait':
        this.claimWait(message.runId, message.waiterId, message.waiting);
        return {};
      default:
        return { error: `the claim strategy does not understand message "${raw.kind}"` };
    }
  }

  leftovers(): Leftovers {
    const plan: ClaimLeftoverPlan = { claims: [...this.claims.values()] };
    return { count: plan.claims.length, plan };
  }

  forgetLeftovers(): void {
    this.claims.clear();
  }

  /**
   * A device of the run was released: wake the oldest waiting claim (one per release, so waiters do not
   * stampede the manager). With nobody waiting, remember the release briefly for a waiter in flight.
   */
  private wakeOneWaiter(runId: string): boolean {
    const waiterId = this.waiters.get(runId)?.shift();
    if (waiterId === undefined) {
      this.unmatchedRelease.set(runId, Date.now());
      return false;
    }
    this.context.broadcast(claimMessage({ kind: 'claim-wake', runId, waiterId }));
    return true;
  }

  private claimWait(runId: string, waiterId: string, waiting: boolean): void {
    const queue = this.waiters.get(runId) ?? [];
    if (!waiting) {
      this.waiters.set(
        runId,
        queue.filter((id) => id !== waiterId),
      );
      return;
    }
    const releasedAt = this.unmatchedRelease.get(runId);
    if (releasedAt !== undefined && Date.now() - releasedAt <= RELEASE_WAKE_WINDOW_MS) {
      this.unmatchedRelease.delete(runId);
      this.context.broadcast(claimMessage({ kind: 'claim-wake', runId, waiterId }));
      return;
    }
    queue.push(waiterId);
    this.waiters.set(runId, queue);
  }
}
