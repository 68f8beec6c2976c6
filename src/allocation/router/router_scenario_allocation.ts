import { randomUUID } from 'node:crypto';
import {
  AppiumDriverCreationError,
  createAppiumDriver,
  type DriverPackCatalogLike,
  hydrateAllocatedDevice,
} from '../../appium';
import { loadWebdriverio } from '../../appium/create_driver';
import { errorText } from '../../client/error_text';
import type { ReservedDevice } from '../../client/schemas/reserved_device';
import { cooldownReason } from '../claim/claim_allocator';
import { withHint } from '../claim/driver_failure';
import { flushThreadReports, threadPendingReports } from '../claim/pending_reports';
import { ReportSink } from '../claim/report_sink';
import { RunEndedError } from '../errors';
import type { ScenarioAllocation, ScenarioLevelContext } from '../strategy';
import type { AcquireRequest, ScenarioDevice } from '../types';
import { RouterRequestError, routerCapabilities } from './router_capabilities';
import { RouterLease } from './router_lease';
import { parseRouterMessage, type RouterMessage, routerMessage } from './router_messages';

type RunsInfo = Extract<RouterMessage, { kind: 'router-runs-info' }>;

/** `GRID_URL/run/{run_id}`: where a run's sessions are created (docs/manager-api.md §R4.1). */
export function runScopedGridUrl(gridUrl: string, runId: string): string {
  const url = new URL(gridUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/run/${encodeURIComponent(runId)}`;
  return url.href.replace(/\/+$/, '');
}

/**
 * Router-era scenario level of one thread (docs/manager-api.md §R7.1): validates the request
 * against what the coordinator knows (the run's devices, the manager's groups), waits for the coordinator
 * to count a free device, creates the session at `GRID_URL/run/{run id}` with the testkit's capabilities,
 * and takes the device named by the returned `gridfleet:deviceId` from the run's reserved list (no
 * extra round trip; test data and config are read when a step asks). Nothing is claimed or registered.
 */
export class RouterScenarioAllocation implements ScenarioAllocation {
  private readonly reports: ReportSink;
  private runs: Promise<RunsInfo> | undefined;
  private catalog: Promise<DriverPackCatalogLike> | undefined;
  /** Error rows already blamed (a row of this scenario attempt is used once). */
  private readonly seenErrorRows = new Set<string>();

  constructor(private readonly context: ScenarioLevelContext) {
    this.reports = new ReportSink(context.client, threadPendingReports(), context.logger);
  }

  async acquire(request: AcquireRequest): Promise<ScenarioDevice> {
    const { client, config } = this.context;
    await this.reports.flush();
    const devices = await this.devicesOf(request.runId);
    const groups = (await this.runsInfo()).groups;
    const capabilities = routerCapabilities(request, { devices, groups });
    this.catalog ??= client.getDriverPackCatalog().catch((error: unknown) => {
      this.catalog = undefined; // asked again by the next scenario
      throw error;
    });
    const catalog = await this.catalog;
    const slotId = randomUUID();
    // Load webdriverio while the coordinator may hold this scenario, not after it handed over a device.
    void loadWebdriverio().catch(() => undefined);
    await this.takeSlot(request, slotId);
    const gridUrl = runScopedGridUrl(config.gridUrl, request.runId);
    let driver: WebdriverIO.Browser;
    try {
      driver = await createAppiumDriver({
        gridUrl,
        packId: request.packId,
        platformId: request.platformId,
        capabilities,
        testName: request.testName,
        catalog,
      });
    } catch (error) {
      const cooled =
        error instanceof AppiumDriverCreationError ? await this.coolFailedDevice(request) : undefined;
      await this.freeSlot(slotId, cooled ? { cooldownSec: config.cooldownSec } : {});
      throw error instanceof AppiumDriverCreationError ? explain(error, request, cooled) : error;
    }
    const sessionId = driver.sessionId;
    const deviceId = driver.capabilities['gridfleet:deviceId' as keyof typeof driver.capabilities];
    const entry = devices.find((d) => d.device_id === deviceId);
    if (typeof deviceId !== 'string' || !entry) {
      await driver.deleteSession().catch(() => undefined);
      await this.freeSlot(slotId, {});
      throw new RouterRequestError(
        `gridfleet: the router put session ${sessionId} on ${
          typeof deviceId === 'string'
            ? `device ${deviceId}, which is not a device of run ${request.runId}`
            : 'no device it named (no gridfleet:deviceId capability)'
        }; the session was deleted. Is GRID_URL (${config.gridUrl}) the router of this manager?`,
      );
    }
    const tracked = { runId: request.runId, sessionId, deviceId };
    await this.context.link.request(
      routerMessage({ kind: 'router-session-started', slotId, session: tracked }),
    );
    try {
      // A reserved entry is a claim response but for its claim fields: hydrate it the same way.
      const device = await hydrateAllocatedDevice(
        { ...entry, claimed_by: request.workerId, claimed_at: new Date().toISOString() },
        { runId: request.runId, client, catalog, fetchConfig: false },
      );
      return new RouterLease({
        client,
        reports: this.reports,
        logger: this.context.logger,
        device,
        driver,
        sessionId,
        freeSlot: (outcome) => this.freeSlot(slotId, outcome),
      });
    } catch (error) {
      await driver.deleteSession().catch(() => undefined);
      await client.updateSessionStatus(sessionId, 'error');
      await this.freeSlot(slotId, {});
      throw error;
    }
  }

  finishThread(): Promise<void> {
    return flushThreadReports(this.context.client, this.context.logger);
  }

  dispose(): void {
    threadPendingReports().clear();
    this.runs = undefined;
    this.catalog = undefined;
  }

  private runsInfo(): Promise<RunsInfo> {
    this.runs ??= this.context.link.request(routerMessage({ kind: 'router-runs' })).then((reply) => {
      const message = parseRouterMessage(reply.message);
      if (message?.kind !== 'router-runs-info') {
        throw new Error(`gridfleet: no run information from the coordinator (${reply.error ?? 'no answer'})`);
      }
      return message;
    });
    return this.runs;
  }

  private async devicesOf(runId: string): Promise<readonly ReservedDevice[]> {
    const info = await this.runsInfo();
    return info.runs.find((r) => r.runId === runId)?.devices ?? [];
  }

  /** Waits until the coordinator counts a free device of the run (or the scenario's wait is aborted). */
  private async takeSlot(request: AcquireRequest, slotId: string): Promise<void> {
    const asked = this.context.link.request(
      routerMessage({ kind: 'router-slot', runId: request.runId, slotId }),
    );
    const signal = request.signal;
    const aborted = new Promise<never>((_, reject) => {
      if (!signal) return;
      const onAbort = (): void =>
        reject(signal.reason ?? new RunEndedError('gridfleet: the wait was aborted'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const reply = await Promise.race([asked, aborted]);
      if (reply.error) throw new RunEndedError(`gridfleet: ${reply.error}`);
    } catch (error) {
      await this.freeSlot(slotId, {});
      throw error;
    }
  }

  private async freeSlot(
    slotId: string,
    outcome: { cooldownSec?: number; deviceLeft?: boolean },
  ): Promise<void> {
    await this.context.link
      .request(routerMessage({ kind: 'router-slot-free', slotId, ...outcome }))
      .catch(() => undefined);
  }

  /**
   * After a failed create: the manager records an `allocation_failed` row on the device when the failure
   * was the device's (Appium refused or was unreachable); that device is cooled down. A refusal before any
   * device was chosen leaves no row and cools nothing down. Returns the device cooled down, if any.
   */
  private async coolFailedDevice(request: AcquireRequest): Promise<string | undefined> {
    const { client, config, logger } = this.context;
    try {
      const rows = await client.listSessions({ runId: request.runId, status: 'error', limit: 200 });
      const row = rows
        .filter((r) => !this.seenErrorRows.has(r.id) && r.error_type === 'allocation_failed' && r.device_id)
        .filter(
          (r) =>
            r.test_name === request.testName &&
            r.requested_capabilities?.['gridfleet:scenarioUri'] ===
              request.metadata['gridfleet:scenarioUri'] &&
            r.requested_capabilities?.['gridfleet:attempt'] === request.metadata['gridfleet:attempt'],
        )
        .at(-1);
      if (!row?.device_id) return undefined;
      this.seenErrorRows.add(row.id);
      await client.cooldownDevice(request.runId, row.device_id, {
        reason: cooldownReason(`driver creation failed: ${row.error_message ?? 'allocation_failed'}`),
        ttlSeconds: config.cooldownSec,
      });
      return row.device_id;
    } catch (error) {
      logger.warn(
        `gridfleet: could not cool down the device of a failed session create: ${errorText(error)}`,
      );
      return undefined;
    }
  }
}

/** The router's W3C error, naming the run, with what happened to the device. */
function explain(
  error: AppiumDriverCreationError,
  request: AcquireRequest,
  cooledDevice: string | undefined,
): AppiumDriverCreationError {
  return withHint(
    error,
    `The GridFleet router refused the session for run ${request.runId}${request.runName ? ` ("${request.runName}")` : ''}. ` +
      (cooledDevice
        ? `The manager tried device ${cooledDevice} and Appium failed there; the device was cooled down.`
        : 'No device was blamed (the request failed before a device was chosen): check the capabilities.'),
  );
}
