import type { Browser } from 'webdriverio' with { 'resolution-mode': 'import' };
import type { AllocatedDevice } from '../../appium';
import type { GridFleetClient } from '../../client/client';
import { errorText } from '../../client/error_text';
import type { GridFleetLogger } from '../../client/logger';
import { cooldownReason } from '../claim/claim_allocator';
import type { ReportSink } from '../claim/report_sink';
import type { DeviceOutcome, ScenarioDevice } from '../types';

/** What a {@link RouterLease} needs. */
export interface RouterLeaseOptions {
  /** Manager client. */
  client: GridFleetClient;
  /** Where status reports lost to an outage are queued. */
  reports: ReportSink;
  /** Where lines for the user go. */
  logger: GridFleetLogger;
  /** The hydrated device. */
  device: AllocatedDevice;
  /** The session on it, created through the router. */
  driver: Browser;
  /** WebDriver session id. */
  sessionId: string;
  /** Gives the coordinator's slot back (wakes a held scenario). */
  freeSlot(outcome: { cooldownSec?: number; deviceLeft?: boolean }): Promise<void>;
}

/**
 * A router-era session on a device of the run. Ends in the only order that keeps the dashboard right
 * (docs/manager-api.md §R5.4): DELETE the WebDriver session (that frees the device), then
 * `PATCH /sessions/{id}/status`, then the cooldown for device-level failures. Nothing else: no claim,
 * release, register or finished. Runs once and never throws.
 */
export class RouterLease implements ScenarioDevice {
  readonly runId: string;
  readonly device: AllocatedDevice;
  readonly driver: Browser;
  readonly sessionId: string;
  private ended: Promise<void> | undefined;

  constructor(private readonly options: RouterLeaseOptions) {
    this.device = options.device;
    this.runId = options.device.runId;
    this.driver = options.driver;
    this.sessionId = options.sessionId;
  }

  end(outcome: DeviceOutcome): Promise<void> {
    this.ended ??= this.doEnd(outcome);
    return this.ended;
  }

  private async doEnd(outcome: DeviceOutcome): Promise<void> {
    const { client, reports, logger } = this.options;
    try {
      await this.driver.deleteSession();
    } catch {
      // The session may already be gone (it died under the scenario); the status still goes out.
    }
    await reports.send(
      { kind: 'status', sessionId: this.sessionId, status: outcome.status },
      () => client.updateSessionStatus(this.sessionId, outcome.status, { suppressErrors: false }),
      `report session ${this.sessionId} ${outcome.status}`,
    );
    let slot: { cooldownSec?: number; deviceLeft?: boolean } = {};
    if (outcome.cooldown) {
      try {
        const result = await client.cooldownDevice(this.runId, this.device.deviceId, {
          reason: cooldownReason(outcome.cooldown.reason),
          ttlSeconds: outcome.cooldown.ttlSeconds,
        });
        slot =
          result.status === 'cooldown_set'
            ? { cooldownSec: outcome.cooldown.ttlSeconds }
            : { deviceLeft: true };
      } catch (error) {
        logger.warn(
          `gridfleet: could not cool down device ${this.device.deviceId} of run ${this.runId}: ${errorText(error)}`,
        );
      }
    }
    await this.options.freeSlot(slot);
  }
}
