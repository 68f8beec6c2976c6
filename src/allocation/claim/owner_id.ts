import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * `@host:pid:tag` of this thread's claim owner ids; the random per-thread tag keeps them unique even where
 * hostname and pid repeat (containers). Computed once per thread.
 */
const OWNER_SUFFIX = `@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Owner id of this thread's claims: the short worker id plus host, pid and a per-thread tag, e.g.
 * `worker-0@ci-7:4242:a1b2c3`. CI shards joining one run all have a `worker-0`; with the bare worker id
 * one shard could release (or, after a lost claim answer, "recover") another shard's device.
 *
 * @param workerId - short worker id (`worker-<CUCUMBER_WORKER_ID>` or `main`).
 */
export function claimOwnerId(workerId: string): string {
  return `${workerId}${OWNER_SUFFIX}`;
}
