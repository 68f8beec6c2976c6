import type { GridFleetClient } from '../../client/client';
import { type GridFleetLogger, gridFleetLogger } from '../../client/logger';
import { isTransientFailure } from '../../client/transient_retry';
import { type PendingReport, type PendingReports, reportSessionId } from './pending_reports';

/**
 * Sends an allocator's reports and keeps those lost to a transient failure in the pending queue; the
 * devices this thread's leases hold are never released by an orphan-claim check.
 */
export class ReportSink {
  /** Devices held by this allocator's leases (and claims being set up). */
  readonly held = new Set<string>();

  constructor(
    private readonly client: GridFleetClient,
    readonly pending: PendingReports,
    private readonly logger: GridFleetLogger = gridFleetLogger(),
  ) {}

  /** Devices an orphan-claim check must leave alone: held ones and those whose release is queued. */
  keep(): ReadonlySet<string> {
    const keep = new Set(this.held);
    for (const r of this.pending.list()) if (r.kind === 'release') keep.add(r.deviceId);
    return keep;
  }

  /** Re-sends what is queued, once each (never throws). */
  flush(): Promise<boolean> {
    return this.pending.flushOnce(this.client, { held: () => this.keep() });
  }

  /** Queues `report` when `error` is transient (the manager may answer later); logs either way. */
  defer(report: PendingReport, error: unknown, what: string): void {
    if (isTransientFailure(error)) {
      this.pending.add(report);
      this.logger.warn(`gridfleet: could not ${what} (${String(error)}); will re-send it`);
    } else {
      this.logger.warn(`gridfleet: could not ${what}: ${String(error)}`);
    }
  }

  /**
   * Runs a report's call; a failure is deferred (see {@link ReportSink.defer}). A report about a session
   * whose registration still waits is queued behind it instead (the manager would answer 404).
   * True when it went through.
   */
  async send(report: PendingReport, call: () => Promise<unknown>, what: string): Promise<boolean> {
    const sessionId = reportSessionId(report);
    if (report.kind !== 'register' && sessionId && this.pending.registrationPending(sessionId)) {
      this.pending.add(report);
      return false;
    }
    try {
      await call();
      return true;
    } catch (error) {
      this.defer(report, error, what);
      return false;
    }
  }
}
