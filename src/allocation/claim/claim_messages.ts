import { z } from 'zod';
import type { AllocationMessage } from '../strategy';

/** A claimed device as the coordinator tracks it, so it can be given back if its worker never does. */
export const trackedClaimSchema = z.object({
  /** Run the claim belongs to. */
  runId: z.string(),
  /** Claimed device. */
  deviceId: z.string(),
  /** Claim owner. */
  workerId: z.string(),
  /** WebDriver session id once the session exists. */
  sessionId: z.string().optional(),
});

/** A claimed device as the coordinator tracks it. */
export type TrackedClaim = z.infer<typeof trackedClaimSchema>;

/** Messages of the claim strategy between worker threads and the coordinator. */
export const claimMessageSchema = z.discriminatedUnion('kind', [
  /** A device was claimed (no session yet) or its session now exists. */
  z.object({ kind: z.literal('claim-opened'), claim: trackedClaimSchema }),
  /** The device was released. */
  z.object({ kind: z.literal('claim-closed'), runId: z.string(), deviceId: z.string() }),
  /**
   * A claim of this thread starts (`waiting: true`) or stops (`waiting: false`) sleeping after a
   * no-claimable answer, so the coordinator can wake it when a sibling releases a device of the run.
   */
  z.object({
    kind: z.literal('claim-wait'),
    runId: z.string(),
    waiterId: z.string(),
    waiting: z.boolean(),
  }),
  /** Broadcast: a device of `runId` was released; the claim waiting as `waiterId` should retry now. */
  z.object({ kind: z.literal('claim-wake'), runId: z.string(), waiterId: z.string() }),
  /** Answer to `claim-closed`: the released device went to a waiting claim of another worker. */
  z.object({ kind: z.literal('claim-handed-off') }),
]);

/** One message of the claim strategy. */
export type ClaimMessage = z.infer<typeof claimMessageSchema>;

/** Parses a message of the claim strategy; undefined for anything else (another strategy's, malformed). */
export function parseClaimMessage(message: unknown): ClaimMessage | undefined {
  const parsed = claimMessageSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}

/** A claim message as the opaque type the worker link carries. */
export function claimMessage(message: ClaimMessage): AllocationMessage {
  return message;
}
