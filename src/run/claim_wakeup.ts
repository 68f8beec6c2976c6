import { randomUUID } from 'node:crypto';
import { coordinatorLink } from './coordinator_link';

/** Claim waits of this thread the coordinator may wake: waiter id → wake. */
const wakers = new Map<string, () => void>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  coordinatorLink().onMessage((message) => {
    if (message.type !== 'gridfleet:wake') return;
    const wake = wakers.get(message.waiterId);
    wakers.delete(message.waiterId);
    wake?.();
  });
}

/**
 * The `wakeUp` seam of `claimDeviceWithRetry` for claims on `runId`, wired to the run coordinator: each
 * wait after a no-claimable answer registers with the coordinator, which wakes the oldest waiter of the
 * run when a sibling (another worker thread of this process) releases one of its devices. So a freed
 * device is claimed again in milliseconds instead of after the server's Retry-After. The releasing worker
 * learns that its device was handed off and queues its next claim behind the waiters (`claimHandedOff`),
 * so the two do not race for it. Only the coordinator is told about waits, never the manager.
 */
export function coordinatorClaimWakeUp(runId: string): (wake: () => void) => () => void {
  return (wake) => {
    listen();
    const waiterId = randomUUID();
    wakers.set(waiterId, wake);
    const tell = (waiting: boolean): void => {
      void coordinatorLink()
        .request({ kind: 'claim-wait', runId, waiterId, waiting })
        .catch(() => undefined);
    };
    tell(true);
    return () => {
      // Still registered = the wait ended by its timer or an abort: the coordinator must forget it.
      if (wakers.delete(waiterId)) tell(false);
    };
  };
}
