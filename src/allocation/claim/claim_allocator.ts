import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import {
  type AllocatedDevice,
  AppiumDriverCreationError,
  buildErrorSessionPayload,
  createAppiumDriver,
  type DriverPackCatalogLike,
  hydrateAllocatedDevice,
} from '../../appium';
import type { GridFleetClient } from '../../client/client';
import { systemClock } from '../../client/clock';
import type { ClaimInclude } from '../../client/include';
import { type GridFleetLogger, gridFleetLogger } from '../../client/logger';
import { isTransientFailure, retryTransientOnce } from '../../client/transient_retry';
import type { AcquireRequest, DeviceOutcome, ScenarioDevice, SessionOutcomeStatus } from '../types';
import { explainDriverFailure } from './driver_failure';
import {
  type DeviceRelease,
  type PendingReports,
  releaseDevice,
  releaseOrphanClaims,
  threadPendingReports,
} from './pending_reports';
import { ReportSink } from './report_sink';

/** Claim bookkeeping callbacks (the coordinator tracks claims so it can release them after a crash). */
export interface ClaimTracker {
  /** A device was claimed (sessionId undefined) or its session now exists. */
  opened(lease: {
    runId: string;
    deviceId: string;
    workerId: string;
    sessionId: string | undefined;
  }): Promise<void>;
  /** The device was given back. */
  closed(lease: { runId: string; deviceId: string }): Promise<void>;
}

/** Options of {@link ClaimAllocator}. */
export interface ClaimAllocatorOptions {
  /** Manager client. */
  client: GridFleetClient;
  /** Selenium Grid hub URL. */
  gridUrl: string;
  /** Longest wait for a claimable device (the configured `deviceWaitSec`). */
  maxWaitSec: number;
  /** Inline includes of every claim (so hydration makes no follow-up GET). */
  include: readonly ClaimInclude[];
  /** Cooldown (seconds) when driver creation fails on a claimed device. */
  cooldownSec: number;
  /** Driver-pack catalog (fetched once per thread by the caller). */
  catalog: () => Promise<DriverPackCatalogLike>;
  /** Claim bookkeeping. */
  tracker: ClaimTracker;
  /**
   * Wake-up seam of the claim wait (see `ClaimRetryOptions.wakeUp`) for a run: lets a sibling's release
   * end a no-claimable wait at once instead of after the server's Retry-After.
   */
  claimWakeUp?: (runId: string) => (wake: () => void) => () => void;
  /**
   * True when this worker's last release on the run was handed to a waiting sibling: its next claim then
   * queues behind the waiters (waits for a wake-up, at most {@link HANDOFF_WAIT_MS}) instead of racing
   * them, which would cost one refused claim per release. Called once per claim.
   */
  claimHandedOff?: (runId: string) => boolean;
  /**
   * Where reports lost to a transient failure wait to be re-sent (default: this thread's queue, the one
   * the gridfleet AfterAll hooks flush).
   */
  pending?: PendingReports;
  /** Where lines for the user go (default: stderr). */
  logger?: GridFleetLogger;
}

/** Longest wait before the first claim after a hand-off, should no wake-up come (a waiter's thread died). */
const HANDOFF_WAIT_MS = 1_000;

const MAX_REASON = 200;

/** Cuts a cooldown reason to the manager's 200-character limit. */
export function cooldownReason(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim() || 'device-level failure';
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 3)}...` : oneLine;
}

/**
 * Claim-era allocator: claim with retry and inline includes → hydrate → Appium session through the Grid
 * pinned to the claimed device (`appium:udid` = connection target) → register the session.
 *
 * When driver creation fails the device is released **with a cooldown**, not reported as a preparation
 * failure: preparation-failed excludes the device from the run for good and puts it into maintenance
 * (offline, unhealthy), which is too harsh for what is often transient (a Grid queue timeout, an Appium
 * restart). The cooldown keeps this run off the device for `cooldownSec`, and the manager escalates to
 * maintenance by itself when cooldowns repeat. A device-less `error-<uuid>` session with the attempted
 * capabilities and the exception is registered first (as the seed does), then the original error is thrown.
 * Failures before any WebDriver request (capability resolution, hydration) are not the device's fault:
 * plain release.
 */
export class ClaimAllocator {
  private readonly reports: ReportSink;

  constructor(private readonly options: ClaimAllocatorOptions) {
    this.reports = new ReportSink(options.client, options.pending ?? threadPendingReports(), options.logger);
  }

  /**
   * Claims a device and starts a pinned session on it; nothing stays claimed if this throws. Reports lost
   * earlier are re-sent first. A claim that fails transiently is retried within the claim wait, after
   * releasing whatever the run says this worker holds (the lost claim may have landed).
   */
  async acquire(request: AcquireRequest): Promise<ScenarioDevice> {
    const { client, tracker } = this.options;
    await this.reports.flush();
    const orphans = async (): Promise<void> => {
      const released = await releaseOrphanClaims(
        client,
        request.runId,
        request.workerId,
        this.reports.keep(),
      );
      for (const deviceId of released)
        (this.options.logger ?? gridFleetLogger()).warn(
          `gridfleet: released device ${deviceId} of run ${request.runId}: a claim whose answer was lost had taken it`,
        );
    };
    let claim: Awaited<ReturnType<GridFleetClient['claimDeviceWithRetry']>>;
    try {
      claim = await client.claimDeviceWithRetry(request.runId, {
        workerId: request.workerId,
        include: [...this.options.include],
        maxWaitSec: request.maxWaitSec ?? this.options.maxWaitSec,
        signal: request.signal,
        wakeUp: this.options.claimWakeUp?.(request.runId),
        waitFirstMs: this.options.claimHandedOff?.(request.runId) ? HANDOFF_WAIT_MS : undefined,
        recoverTransient: async () => {
          await this.reports.flush();
          await orphans();
        },
      });
    } catch (error) {
      // The last attempt may have landed: check the run for it once the manager answers again.
      if (isTransientFailure(error)) {
        this.reports.defer(
          { kind: 'orphan-claims', runId: request.runId, workerId: request.workerId },
          error,
          `check run ${request.runId} for a claim of ${request.workerId}`,
        );
      }
      throw error;
    }
    const ids = { runId: request.runId, deviceId: claim.device_id, workerId: request.workerId };
    this.reports.held.add(claim.device_id);
    let driver: Browser | undefined;
    try {
      await tracker.opened({ ...ids, sessionId: undefined });
      const catalog = await this.options.catalog();
      const device = await hydrateAllocatedDevice(claim, {
        runId: request.runId,
        client,
        catalog,
        fetchConfig: false,
      });
      driver = await createAppiumDriver({
        gridUrl: this.options.gridUrl,
        packId: request.packId,
        platformId: request.platformId,
        capabilities: {
          ...request.extraCapabilities,
          ...(request.osVersion ? { 'appium:os_version': request.osVersion } : {}),
          ...request.metadata,
        },
        testName: request.testName,
        catalog,
        pinTo: device.connectionTarget
          ? { connectionTarget: device.connectionTarget }
          : { deviceId: device.deviceId },
      });
      const sessionId = driver.sessionId;
      await tracker.opened({ ...ids, sessionId });
      // Registered explicitly (not registerSessionFromDriver): returned capabilities lose the `appium:`
      // prefix, and /finished is posted by the lease's quit().
      const registration = {
        sessionId,
        testName: request.testName,
        deviceId: device.deviceId,
        connectionTarget: device.connectionTarget,
        status: 'running' as const,
        requestedPackId: request.packId,
        requestedPlatformId: request.platformId,
        requestedCapabilities: driver.capabilities as Record<string, unknown>,
      };
      // A lost registration is queued (the session's finished/status queue behind it), not fatal.
      await this.reports.send(
        { kind: 'register', registration },
        () => client.registerSession(registration, { suppressErrors: false }),
        `register session ${sessionId}`,
      );
      return new ClaimLease(this.options, this.reports, request.workerId, device, driver, sessionId);
    } catch (error) {
      if (driver) await quietly(() => driver?.deleteSession());
      await this.failAcquire(request, ids, error);
      throw error instanceof AppiumDriverCreationError
        ? explainDriverFailure(error, { deviceId: ids.deviceId, cooldownSec: this.options.cooldownSec })
        : error;
    }
  }

  private async failAcquire(
    request: AcquireRequest,
    ids: { runId: string; deviceId: string; workerId: string },
    error: unknown,
  ): Promise<void> {
    const { client, tracker } = this.options;
    let cooldown: DeviceRelease['cooldown'];
    try {
      if (error instanceof AppiumDriverCreationError) {
        const p = buildErrorSessionPayload({ error, testName: request.testName });
        const registration = {
          sessionId: p.session_id,
          testName: p.test_name,
          status: p.status,
          requestedPackId: p.requested_pack_id,
          requestedPlatformId: p.requested_platform_id,
          requestedDeviceType: p.requested_device_type,
          requestedConnectionType: p.requested_connection_type,
          requestedCapabilities: p.requested_capabilities,
          errorType: p.error_type,
          errorMessage: p.error_message,
        };
        await this.reports.send(
          { kind: 'register', registration },
          () => client.registerSession(registration, { suppressErrors: false }),
          `register error session ${p.session_id}`,
        );
        cooldown = {
          reason: cooldownReason(`driver creation failed: ${p.error_message}`),
          ttlSeconds: this.options.cooldownSec,
        };
      }
      await releaseOnce(client, { ...ids, cooldown });
    } catch (cleanupError) {
      this.reports.defer(
        { kind: 'release', ...ids, cooldown },
        cleanupError,
        `release device ${ids.deviceId} after a failed setup`,
      );
    } finally {
      this.reports.held.delete(ids.deviceId);
      await tracker.closed(ids);
    }
  }
}

/**
 * {@link releaseDevice} for the allocator: a cooldown call that fails transiently is tried once more after a
 * blip (if the first one landed, the second answers 409 "is not claimed" and a plain release follows);
 * what still fails transiently is thrown, for the pending queue to re-send.
 */
function releaseOnce(client: GridFleetClient, release: DeviceRelease): Promise<void> {
  return releaseDevice(client, release, (call) =>
    retryTransientOnce(`cooldown release of device ${release.deviceId}`, call, { clock: systemClock }),
  );
}

async function quietly(action: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await action();
  } catch {
    // best effort: the session may already be gone
  }
}

/** A claimed device with its session: every step runs at most once and never throws; lost reports are queued. */
class ClaimLease implements ScenarioDevice {
  readonly runId: string;
  private quitDone: Promise<void> | undefined;
  private statusDone: Promise<void> | undefined;
  private releaseDone: Promise<void> | undefined;

  constructor(
    private readonly options: ClaimAllocatorOptions,
    private readonly reports: ReportSink,
    private readonly workerId: string,
    readonly device: AllocatedDevice,
    readonly driver: Browser,
    readonly sessionId: string,
  ) {
    this.runId = device.runId;
  }

  /**
   * Ends the session, reports `/finished` and the status, then releases (with the cooldown when asked); the
   * status report overlaps with the release.
   */
  async end(outcome: DeviceOutcome): Promise<void> {
    await this.quit();
    await this.reportStatus(outcome.status);
    await this.release(outcome);
  }

  private quit(): Promise<void> {
    this.quitDone ??= (async () => {
      await quietly(() => this.driver.deleteSession());
      await this.reports.send(
        { kind: 'finished', sessionId: this.sessionId },
        () => this.options.client.notifySessionFinished(this.sessionId, { suppressErrors: false }),
        `report session ${this.sessionId} finished`,
      );
    })();
    return this.quitDone;
  }

  /**
   * Starts reporting the status and resolves at once: the report overlaps with the release that follows
   * (one manager round trip less on the scenario's path); {@link ClaimLease.release} waits for it.
   */
  private reportStatus(status: SessionOutcomeStatus): Promise<void> {
    this.statusDone ??= this.reports
      .send(
        { kind: 'status', sessionId: this.sessionId, status },
        () => this.options.client.updateSessionStatus(this.sessionId, status, { suppressErrors: false }),
        `report session ${this.sessionId} ${status}`,
      )
      .then(() => undefined);
    return Promise.resolve();
  }

  private release(outcome: DeviceOutcome): Promise<void> {
    this.releaseDone ??= (async () => {
      const ids = { runId: this.runId, deviceId: this.device.deviceId, workerId: this.workerId };
      const cooldown = outcome.cooldown
        ? { reason: cooldownReason(outcome.cooldown.reason), ttlSeconds: outcome.cooldown.ttlSeconds }
        : undefined;
      const released = await this.reports.send(
        { kind: 'release', ...ids, cooldown },
        () => releaseOnce(this.options.client, { ...ids, cooldown }),
        `release device ${ids.deviceId}`,
      );
      this.reports.held.delete(ids.deviceId);
      await this.options.tracker.closed(ids);
      await this.statusDone;
      // The manager answered: a good moment to re-send what an earlier outage kept back.
      if (released) await this.reports.flush();
    })();
    return this.releaseDone;
  }
}
