import { randomUUID } from 'node:crypto';
import type { AllocationLink } from '../strategy';
import { claimMessage, parseClaimMessage } from './claim_messages';

const LISTENING = new WeakSet<AllocationLink>();
/** Claim waits of this thread the coordinator may wake: waiter id → wake. */
const wakers = new Map<string, () => void>();

function listen(link: AllocationLink): void {
  if (LISTENING.has(link)) return;
  LISTENING.add(link);
  link.onBroadcast((raw) => {
    const message = parseClaimMessage(raw);
    if (message?.kind !== 'claim-wake') return;
    const wake = wakers.get(message.waiterId);
    wakers.delete(message.waiterId);
    wake?.();
  });
}

/**
 * The `wakeUp` seam of `claimDeviceWithRetry` for claims on `runId`, wired to the claim run level over
 * `link`: each wait after a no-claimable answer registers with the coordinator, which wakes the oldest
 * waiter of the run when a sibling (another worker thread of this process) releases one of its devices.
 * So a freed device is claimed again in milliseconds instead of after the server's Retry-After. The
 * releasing worker learns that its device was handed off and queues its next claim behind the waiters
 * (`claimHandedOff`), so the two do not race for it. Only the coordinator is told about waits, never the
 * manager.
 */
export function claimWakeUp(link: AllocationLink, runId: string): (wake: () => void) => () => void {
  return (wake) => {
    listen(link);
    const waiterId = randomUUID();
    wakers.set(waiterId, wake);
    const tell = (waiting: boolean): void => {
      void link
        .request(claimMessage({ kind: 'claim-wait', runId, waiterId, waiting }))
        .catch(() => undefined);
    };
    tell(true);
    return () => {
      // Still registered = the wait ended by its timer or an abort: the coordinator must forget it.
      if (wakers.delete(waiterId)) tell(false);
    };
  };
}
