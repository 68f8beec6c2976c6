import type { DeviceLease } from '../allocation';
import type { GridFleetClient } from '../client';
import type { GridFleetConfig } from '../config';
import type { GridFleetWorld, ScreenshotResult } from '../world';

const notYet = (what: string): never => {
  throw new Error(`gridfleet-cucumber: ${what} is not implemented yet`);
};

/**
 * Per-thread runtime the World delegates to (config, client, run state, allocation, screenshots).
 * @internal
 */
export const scenarioRuntime = {
  /** Worker id for claims: `worker-<CUCUMBER_WORKER_ID>` or `main`. */
  workerId(): string {
    const id = process.env.CUCUMBER_WORKER_ID;
    return id === undefined || id === '' ? 'main' : `worker-${id}`;
  },
  config(_parameters: unknown): GridFleetConfig {
    return notYet('config');
  },
  client(_parameters: unknown): GridFleetClient {
    return notYet('client');
  },
  onlyRunId(): string | undefined {
    return undefined;
  },
  async acquire(
    _world: GridFleetWorld,
    _request: { platformId: string; osVersion?: string },
  ): Promise<DeviceLease> {
    return notYet('acquire');
  },
  async takeScreenshot(_world: GridFleetWorld, _name?: string): Promise<ScreenshotResult> {
    return notYet('takeScreenshot');
  },
};
