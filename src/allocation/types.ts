import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import type { AllocatedDevice } from '../appium';

/** Manager session statuses the After pipeline reports. */
export type SessionOutcomeStatus = 'passed' | 'failed' | 'error';

/** What a scenario asks its allocation strategy for: one device of a lane, with a running session. */
export interface AcquireRequest {
  /** Platform id of the lane (e.g. `firetv_real`). */
  platformId: string;
  /** Exact OS version of the lane, when the lane has one. */
  osVersion?: string;
  /** GridFleet run id serving this lane. */
  runId: string;
  /** Name of that run (for messages). */
  runName?: string;
  /** Driver pack of the lane (e.g. `appium-uiautomator2`). */
  packId: string;
  /** Short worker id (`worker-0`, `main`); strategies derive their owner ids from it. */
  workerId: string;
  /** `gridfleet:testName`: the scenario name exactly as cucumber shows it. */
  testName: string;
  /** Further `gridfleet:*` capabilities (feature, `uri:line`, attempt, run id, worker id). */
  metadata: Record<string, string | number>;
  /** Extra capabilities of the lane (from config). */
  extraCapabilities: Record<string, unknown>;
  /** Device group keys the device must be in: the lane's `groups` and the scenario's `@group:<key>` tags. */
  groups: readonly string[];
  /** Longest wait for a free device (default: the configured `deviceWaitSec`). */
  maxWaitSec?: number;
  /** Aborts a wait for a device (e.g. when the run is cancelled). */
  signal?: AbortSignal;
}

/** How a scenario's use of a device ends: the session status and, for device-level failures, a cooldown. */
export interface DeviceOutcome {
  /** Final status reported for the session. */
  status: SessionOutcomeStatus;
  /** Set for device-level failures (WebDriver/session/connection errors): the device gets this cooldown. */
  cooldown?: { reason: string; ttlSeconds: number };
}

/**
 * A device held by one scenario attempt, with its Appium session. Every method is best-effort and
 * idempotent: calling it twice, or after an earlier step failed, does nothing harmful.
 */
export interface ScenarioDevice {
  /** The run the device belongs to. */
  readonly runId: string;
  /** The hydrated device. */
  readonly device: AllocatedDevice;
  /** The Appium session on the device. */
  readonly driver: Browser;
  /** WebDriver session id (as the manager knows it). */
  readonly sessionId: string;
  /**
   * Ends the scenario's use of the device, once and in the strategy's order (claim era: end the session,
   * report `/finished` and the status, give the device back with a cooldown when asked). Never throws;
   * what the manager could not take is queued for re-sending.
   */
  end(outcome: DeviceOutcome): Promise<void>;
}
