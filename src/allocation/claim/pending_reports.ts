import type { GridFleetClient } from '../../client/client';
import { systemClock } from '../../client/clock';
import { errorText } from '../../client/error_text';
import { gridFleetLogger } from '../../client/logger';
import type { SessionRegistration } from '../../client/session_fields';
import { backoffDelayMs, isTransientFailure, RETRY_POLICIES } from '../../client/transient_retry';
import type { SessionOutcomeStatus } from '../types';

/**
 * A manager call whose loss would leave the dashboard or the device pool wrong, kept until it is sent.
 * Plain data, so it can be logged and re-sent by any client of the same manager.
 */
export type PendingReport =
  /** `POST /sessions` (idempotent by session id); the session's later reports queue behind it. */
  | { kind: 'register'; registration: SessionRegistration }
  /** `POST /sessions/{id}/finished`. */
  | { kind: 'finished'; sessionId: string }
  /** `PATCH /sessions/{id}/status` with the scenario's final status. */
  | { kind: 'status'; sessionId: string; status: SessionOutcomeStatus }
  /** `POST /runs/{id}/release` (or release-with-cooldown when `cooldown` is set). */
  | {
      kind: 'release';
      runId: string;
      deviceId: string;
      workerId: string;
      cooldown?: { reason: string; ttlSeconds: number };
    }
  /**
   * A claim by `workerId` failed transiently, so it may have landed: read the run and release every
   * device it says this worker holds (except the devices this thread's leases hold).
   */
  | { kind: 'orphan-claims'; runId: string; workerId: string };

/** Longest a final flush keeps retrying (worker AfterAll, coordinator AfterAll). */
export const FINAL_FLUSH_LIMIT_MS = 30_000;

/** What a flush needs besides the client. */
export interface FlushOptions {
  /** Devices this thread holds right now (never released by an orphan-claims report). */
  held?: () => ReadonlySet<string>;
  /** Where to write one line per report that is given up (default: stderr). */
  log?: (line: string) => void;
  /** Sleep (tests may pass a fake; default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** The session a report is about, if any. */
export function reportSessionId(r: PendingReport): string | undefined {
  if (r.kind === 'register') return r.registration.sessionId;
  return r.kind === 'finished' || r.kind === 'status' ? r.sessionId : undefined;
}

const describe = (r: PendingReport): string => {
  switch (r.kind) {
    case 'register':
      return `registration of session ${r.registration.sessionId}`;
    case 'finished':
      return `session ${r.sessionId} finished`;
    case 'status':
      return `session ${r.sessionId} status ${r.status}`;
    case 'release':
      return `release of device ${r.deviceId} (run ${r.runId})${r.cooldown ? ' with cooldown' : ''}`;
    case 'orphan-claims':
      return `orphan-claim check of ${r.workerId} on run ${r.runId}`;
  }
};

const sameTarget = (a: PendingReport, b: PendingReport): boolean => {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'register':
      return a.registration.sessionId === (b as typeof a).registration.sessionId;
    case 'finished':
    case 'status':
      return a.sessionId === (b as typeof a).sessionId;
    case 'release':
      return a.runId === (b as typeof a).runId && a.deviceId === (b as typeof a).deviceId;
    case 'orphan-claims':
      return a.runId === (b as typeof a).runId && a.workerId === (b as typeof a).workerId;
  }
};

/** Sends one report. Throws what the manager answered (transient or not). */
async function send(
  client: GridFleetClient,
  report: PendingReport,
  held: ReadonlySet<string>,
): Promise<void> {
  switch (report.kind) {
    case 'register':
      await client.registerSession(report.registration, { suppressErrors: false });
      return;
    case 'finished':
      await client.notifySessionFinished(report.sessionId, { suppressErrors: false });
      return;
    case 'status':
      await client.updateSessionStatus(report.sessionId, report.status, { suppressErrors: false });
      return;
    case 'release':
      await releaseDevice(client, report);
      return;
    case 'orphan-claims':
      await releaseOrphanClaims(client, report.runId, report.workerId, held);
      return;
  }
}

/** A device to give back, with the cooldown its release should carry (reason already cut to size). */
export interface DeviceRelease {
  runId: string;
  deviceId: string;
  workerId: string;
  cooldown?: { reason: string; ttlSeconds: number } | undefined;
}

/**
 * Releases a device, with its cooldown when it has one. A cooldown the manager refuses for good (e.g. the
 * run already ended: cooldowns are not idempotent after run end) falls back to a plain release, which
 * tolerates what is already done. Transient failures are thrown (the caller retries or queues).
 * `attemptCooldown` runs the cooldown call (the allocator retries it once after a blip).
 */
export async function releaseDevice(
  client: GridFleetClient,
  release: DeviceRelease,
  attemptCooldown: (call: () => Promise<unknown>) => Promise<unknown> = (call) => call(),
): Promise<void> {
  const { runId, deviceId, workerId, cooldown } = release;
  if (cooldown) {
    try {
      await attemptCooldown(() =>
        client.releaseDeviceWithCooldown(runId, { deviceId, workerId, ...cooldown }),
      );
      return;
    } catch (error) {
      if (isTransientFailure(error)) throw error;
    }
  }
  await client.releaseDeviceSafe(runId, { deviceId, workerId });
}

/**
 * Reads the run and releases every device its entries say `workerId` holds, except `held`: undoes a claim
 * whose answer was lost. Claim-era managers fill `claimed_by`; on later managers it is always null, so
 * this finds nothing there. Throws what the manager answered.
 *
 * @returns the ids of the devices released.
 */
export async function releaseOrphanClaims(
  client: GridFleetClient,
  runId: string,
  workerId: string,
  held: ReadonlySet<string>,
): Promise<string[]> {
  const run = await client.getRun(runId);
  const released: string[] = [];
  for (const device of run.devices) {
    if (device.claimed_by !== workerId || held.has(device.device_id)) continue;
    if (await client.releaseDeviceSafe(runId, { deviceId: device.device_id, workerId })) {
      released.push(device.device_id);
    }
  }
  return released;
}

/**
 * Per-thread queue of manager reports that failed even after their one transient retry (the manager was
 * restarting, a proxy answered 5xx). They are re-sent, oldest first, at the next chance (before the next
 * claim, after the next release) and at the end of the worker with a bounded retry, so the run is
 * finished only after the sessions it recorded carry their scenario's status.
 */
export class PendingReports {
  private queue: PendingReport[] = [];
  private flushing: Promise<boolean> | undefined;

  /** Queues a report (replacing an older one for the same session, device or claim owner). */
  add(report: PendingReport): void {
    this.queue = this.queue.filter((r) => !sameTarget(r, report));
    this.queue.push(report);
  }

  /** Whether the registration of `sessionId` still waits (its other reports must queue behind it). */
  registrationPending(sessionId: string): boolean {
    return this.queue.some((r) => r.kind === 'register' && r.registration.sessionId === sessionId);
  }

  /** Reports still waiting. */
  get size(): number {
    return this.queue.length;
  }

  /** A copy of the waiting reports, oldest first. */
  list(): PendingReport[] {
    return [...this.queue];
  }

  /** Drops every waiting report (a new cucumber run starts in this process). */
  clear(): void {
    this.queue = [];
  }

  /**
   * Sends the waiting reports once each, oldest first, and stops at the first transient failure (the
   * manager is still away; the rest waits for the next chance). A report the manager refuses for good
   * (404, 409, 422) is dropped with a log line. Never throws.
   *
   * @returns true when nothing is left waiting.
   */
  flushOnce(client: GridFleetClient, options: FlushOptions = {}): Promise<boolean> {
    if (this.queue.length === 0) return Promise.resolve(true);
    this.flushing ??= this.pass(client, options).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * {@link PendingReports.flushOnce} until nothing is left or `limitMs` has passed, waiting 1, 2, 4, 8, 8 …
   * seconds between passes. What is still waiting at the end is logged and dropped.
   *
   * @returns true when everything was sent.
   */
  async flush(client: GridFleetClient, limitMs: number, options: FlushOptions = {}): Promise<boolean> {
    const sleep = options.sleep ?? ((ms: number) => systemClock.sleep(ms));
    const log = options.log ?? ((line: string) => gridFleetLogger().warn(line));
    const deadline = Date.now() + limitMs;
    let failures = 0;
    while (!(await this.flushOnce(client, options))) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        for (const r of this.queue)
          log(`gridfleet: gave up re-sending ${describe(r)} after ${Math.round(limitMs / 1000)} s`);
        this.queue = [];
        return false;
      }
      failures += 1;
      await sleep(Math.min(backoffDelayMs(RETRY_POLICIES.pendingReports, failures), remaining));
    }
    return true;
  }

  private async pass(client: GridFleetClient, options: FlushOptions): Promise<boolean> {
    const log = options.log ?? ((line: string) => gridFleetLogger().warn(line));
    while (this.queue.length > 0) {
      const report = this.queue[0] as PendingReport;
      try {
        await send(client, report, options.held?.() ?? new Set());
        log(`gridfleet: re-sent ${describe(report)}`);
      } catch (error) {
        if (isTransientFailure(error)) return false;
        log(`gridfleet: dropped ${describe(report)}: ${errorText(error)}`);
      }
      // Only now: a report added while this one was in flight stays queued.
      this.queue = this.queue.filter((r) => r !== report);
    }
    return true;
  }
}

const PENDING_KEY = Symbol.for('gridfleet-cucumber.pendingReports');

/**
 * This thread's queue, shared by every copy of this module in the thread (CJS + ESM, `src` + `dist`),
 * so the hooks flush what the allocator queued.
 */
export function threadPendingReports(): PendingReports {
  const holder = globalThis as typeof globalThis & { [PENDING_KEY]?: PendingReports };
  holder[PENDING_KEY] ??= new PendingReports();
  return holder[PENDING_KEY];
}

/**
 * Re-sends what this thread's queue kept back from an outage, with the bounded final retry (the
 * `finishThread` of the strategies that queue reports). Never throws.
 */
export async function flushThreadReports(
  client: GridFleetClient,
  logger: { warn(line: string): void },
): Promise<void> {
  const pending = threadPendingReports();
  if (pending.size === 0) return;
  logger.warn(`gridfleet: re-sending ${pending.size} manager report(s) lost to an outage`);
  await pending.flush(client, FINAL_FLUSH_LIMIT_MS, { log: (line) => logger.warn(line) });
}
