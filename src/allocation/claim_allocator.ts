import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import {
  type AllocatedDevice,
  AppiumDriverCreationError,
  buildErrorSessionPayload,
  createAppiumDriver,
  type DriverPackCatalogLike,
  hydrateAllocatedDevice,
} from '../appium';
import type { GridFleetClient } from '../client/client';
import type { ClaimInclude } from '../config';
import type {
  AcquireRequest,
  DeviceAllocator,
  DeviceLease,
  LeaseOutcome,
  SessionOutcomeStatus,
} from './types';

/** Lease bookkeeping callbacks (the run coordinator tracks leases so it can clean up after a crash). */
export interface LeaseTracker {
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
  /** Longest wait for a claimable device. */
  claimMaxWaitSec: number;
  /** Inline includes of every claim (so hydration makes no follow-up GET). */
  claimInclude: readonly ClaimInclude[];
  /** Cooldown (seconds) when driver creation fails on a claimed device. */
  cooldownSec: number;
  /** Driver-pack catalog (fetched once per thread by the caller). */
  catalog: () => Promise<DriverPackCatalogLike>;
  /** Lease bookkeeping. */
  tracker: LeaseTracker;
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
}

/** Longest wait before the first claim after a hand-off, should no wake-up come (a waiter's thread died). */
export const HANDOFF_WAIT_MS = 1_000;

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
export class ClaimAllocator implements DeviceAllocator {
  constructor(private readonly options: ClaimAllocatorOptions) {}

  /** Claims a device and starts a pinned session on it; nothing stays claimed if this throws. */
  async acquire(request: AcquireRequest): Promise<DeviceLease> {
    const { client, tracker } = this.options;
    const claim = await client.claimDeviceWithRetry(request.runId, {
      workerId: request.workerId,
      include: [...this.options.claimInclude],
      maxWaitSec: request.maxWaitSec ?? this.options.claimMaxWaitSec,
      signal: request.signal,
      wakeUp: this.options.claimWakeUp?.(request.runId),
      waitFirstMs: this.options.claimHandedOff?.(request.runId) ? HANDOFF_WAIT_MS : undefined,
    });
    const ids = { runId: request.runId, deviceId: claim.device_id, workerId: request.workerId };
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
      await client.registerSession({
        sessionId,
        testName: request.testName,
        deviceId: device.deviceId,
        connectionTarget: device.connectionTarget,
        status: 'running',
        requestedPackId: request.packId,
        requestedPlatformId: request.platformId,
        requestedCapabilities: driver.capabilities as Record<string, unknown>,
      });
      return new ClaimLease(this.options, request.workerId, device, driver, sessionId);
    } catch (error) {
      if (driver) await quietly(() => driver?.deleteSession());
      await this.failAcquire(request, ids, error);
      throw error instanceof AppiumDriverCreationError && error.cause !== undefined ? error.cause : error;
    }
  }

  private async failAcquire(
    request: AcquireRequest,
    ids: { runId: string; deviceId: string; workerId: string },
    error: unknown,
  ): Promise<void> {
    const { client, tracker } = this.options;
    try {
      if (error instanceof AppiumDriverCreationError) {
        const p = buildErrorSessionPayload({ error, testName: request.testName });
        await client.registerSession({
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
        });
        await releaseWithCooldown(this.options, ids, `driver creation failed: ${p.error_message}`);
      } else {
        await client.releaseDeviceSafe(ids.runId, ids);
      }
    } catch (cleanupError) {
      process.stderr.write(
        `gridfleet: could not release device ${ids.deviceId} after a failed setup: ${String(cleanupError)}\n`,
      );
    } finally {
      await tracker.closed(ids);
    }
  }
}

async function releaseWithCooldown(
  options: ClaimAllocatorOptions,
  ids: { runId: string; deviceId: string; workerId: string },
  reason: string,
): Promise<void> {
  try {
    await options.client.releaseDeviceWithCooldown(ids.runId, {
      ...ids,
      reason: cooldownReason(reason),
      ttlSeconds: options.cooldownSec,
    });
  } catch {
    // e.g. the run already ended (cooldown is not idempotent after run end): a plain release still frees it.
    await options.client.releaseDeviceSafe(ids.runId, ids);
  }
}

async function quietly(action: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await action();
  } catch {
    // best effort: the session may already be gone
  }
}

/** A claim-era lease: every step runs at most once and never throws. */
class ClaimLease implements DeviceLease {
  readonly runId: string;
  private quitDone: Promise<void> | undefined;
  private statusDone: Promise<void> | undefined;
  private releaseDone: Promise<void> | undefined;

  constructor(
    private readonly options: ClaimAllocatorOptions,
    private readonly workerId: string,
    readonly device: AllocatedDevice,
    readonly driver: Browser,
    readonly sessionId: string,
  ) {
    this.runId = device.runId;
  }

  quit(): Promise<void> {
    this.quitDone ??= (async () => {
      await quietly(() => this.driver.deleteSession());
      await this.options.client.notifySessionFinished(this.sessionId);
    })();
    return this.quitDone;
  }

  /**
   * Starts reporting the status and resolves at once: the report overlaps with the release that follows
   * (one manager round trip less on the scenario's path); {@link ClaimLease.release} waits for it.
   */
  reportStatus(status: SessionOutcomeStatus): Promise<void> {
    this.statusDone ??= this.options.client
      .updateSessionStatus(this.sessionId, status)
      .then(() => undefined)
      .catch((error: unknown) => {
        process.stderr.write(`gridfleet: could not report session ${this.sessionId}: ${String(error)}\n`);
      });
    return Promise.resolve();
  }

  release(outcome: LeaseOutcome): Promise<void> {
    this.releaseDone ??= (async () => {
      const ids = { runId: this.runId, deviceId: this.device.deviceId, workerId: this.workerId };
      try {
        if (outcome.cooldown) {
          await releaseWithCooldown(
            { ...this.options, cooldownSec: outcome.cooldown.ttlSeconds },
            ids,
            outcome.cooldown.reason,
          );
        } else {
          await this.options.client.releaseDeviceSafe(this.runId, ids);
        }
      } catch (error) {
        process.stderr.write(`gridfleet: could not release device ${ids.deviceId}: ${String(error)}\n`);
      } finally {
        await this.options.tracker.closed(ids);
        await this.statusDone;
      }
    })();
    return this.releaseDone;
  }
}
