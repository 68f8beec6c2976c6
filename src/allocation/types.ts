import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import type { AllocatedDevice } from '../appium';

/** Manager session statuses the After pipeline reports. */
export type SessionOutcomeStatus = 'passed' | 'failed' | 'error';

/** What a scenario asks the allocator for: one device of a lane. */
export interface AcquireRequest {
  /** Platform id of the lane (e.g. `firetv_real`). */
  platformId: string;
  /** Exact OS version of the lane, when the lane has one. */
  osVersion?: string;
  /** GridFleet run id serving this lane (claim era: the run to claim from; router era: `/run/{id}`). */
  runId: string;
  /** Driver pack of the lane (e.g. `appium-uiautomator2`). */
  packId: string;
  /** Worker id that owns the claim (`worker-0`, `main`). */
  workerId: string;
  /** `gridfleet:testName`: the scenario name exactly as cucumber shows it. */
  testName: string;
  /** Further `gridfleet:*` capabilities (feature, `uri:line`, attempt, run id, worker id). */
  metadata: Record<string, string | number>;
  /** Extra capabilities of the lane (from config). */
  extraCapabilities: Record<string, unknown>;
  /** Longest wait for a claimable device (default: the allocator's). */
  maxWaitSec?: number;
  /** Aborts a claim wait (e.g. when the run is cancelled). */
  signal?: AbortSignal;
}

/** How a lease ends: the session status and, for device-level failures, a cooldown reason. */
export interface LeaseOutcome {
  /** Final status reported for the session. */
  status: SessionOutcomeStatus;
  /** Set for device-level failures (WebDriver/session/connection errors): release with this cooldown. */
  cooldown?: { reason: string; ttlSeconds: number };
}

/**
 * A device held by one scenario attempt. Every method is best-effort and idempotent: calling it twice, or
 * after an earlier step failed, does nothing harmful.
 */
export interface DeviceLease {
  /** The run the device belongs to. */
  readonly runId: string;
  /** The hydrated device. */
  readonly device: AllocatedDevice;
  /** The Appium session pinned to the device. */
  readonly driver: Browser;
  /** WebDriver session id (as registered with the manager). */
  readonly sessionId: string;
  /** Ends the WebDriver session and notifies the manager (`/finished`) once. */
  quit(): Promise<void>;
  /**
   * Reports the session's final status once. May resolve before the manager answered (the report then
   * overlaps with {@link DeviceLease.release}, which waits for it); never throws.
   */
  reportStatus(status: SessionOutcomeStatus): Promise<void>;
  /** Gives the device back (claim era: release, with cooldown when asked); resolves once the status report is done too. */
  release(outcome: LeaseOutcome): Promise<void>;
}

/**
 * The one replaceable piece that gets a device for a scenario. Claim era: claim → hydrate → pinned driver →
 * register session. Router era (later): session creation at `{GRID_URL}/run/{run_id}` allocates.
 */
export interface DeviceAllocator {
  /**
   * Gets a device with a running session. On failure nothing stays held and the error is thrown (a
   * session that could not be started: the `AppiumDriverCreationError`, naming the Grid, the pinned
   * `appium:udid` and the likely cause).
   */
  acquire(request: AcquireRequest): Promise<DeviceLease>;
}
