import { z } from 'zod';
import { reservedDeviceSchema } from '../../client/schemas/reserved_device';
import type { AllocationMessage } from '../strategy';

/** A session of this cucumber run as the coordinator tracks it, so it can be ended if its worker never does. */
export const trackedSessionSchema = z.object({
  /** Run the session belongs to. */
  runId: z.string(),
  /** WebDriver session id. */
  sessionId: z.string(),
  /** Device named by the session's `gridfleet:deviceId`. */
  deviceId: z.string(),
});

/** A session the coordinator tracks. */
export type TrackedSession = z.infer<typeof trackedSessionSchema>;

/** Messages of the router strategy between worker threads and the coordinator. */
export const routerMessageSchema = z.discriminatedUnion('kind', [
  /** Asks for the runs' reserved devices and the manager's device groups (once per thread). */
  z.object({ kind: z.literal('router-runs') }),
  /**
   * Answer to `router-runs`: reserved devices per run; `groups` are the manager's group keys, or null when
   * it has no device groups (backend < 0.6) or they could not be read.
   */
  z.object({
    kind: z.literal('router-runs-info'),
    runs: z.array(z.object({ runId: z.string(), devices: z.array(reservedDeviceSchema) })),
    groups: z.array(z.string()).nullable(),
  }),
  /**
   * A scenario wants a session on `runId`: the answer comes once the coordinator counts a free device of
   * the run (or cannot know, or waited long enough), so the create lands on the router's first attempt.
   */
  z.object({ kind: z.literal('router-slot'), runId: z.string(), slotId: z.string() }),
  /** Answer to `router-slot`; `held` says whether the worker was held back for a device to free up. */
  z.object({ kind: z.literal('router-slot-granted'), held: z.boolean() }),
  /** The slot's session exists (tracked for crash cleanup). */
  z.object({ kind: z.literal('router-session-started'), slotId: z.string(), session: trackedSessionSchema }),
  /**
   * The slot is given back (session deleted and reported, or never created); a queued slot is dropped.
   * `cooldownSec` when its device was cooled down, `deviceLeft` when the device left the run.
   */
  z.object({
    kind: z.literal('router-slot-free'),
    slotId: z.string(),
    cooldownSec: z.number().optional(),
    deviceLeft: z.boolean().optional(),
  }),
]);

/** One message of the router strategy. */
export type RouterMessage = z.infer<typeof routerMessageSchema>;

/** Parses a message of the router strategy; undefined for anything else (another strategy's, malformed). */
export function parseRouterMessage(message: unknown): RouterMessage | undefined {
  const parsed = routerMessageSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}

/** A router message as the opaque type the worker link carries. */
export function routerMessage(message: RouterMessage): AllocationMessage {
  return message;
}
