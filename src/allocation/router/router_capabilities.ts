import { GridFleetError } from '../../client/errors';
import type { ReservedDevice } from '../../client/schemas/reserved_device';
import type { AcquireRequest } from '../types';

/** A request for a device the router could never serve, refused before anything is sent. */
export class RouterRequestError extends GridFleetError {}

/** Keys the router answers with 400, or that match no device and queue until the timeout (docs/manager-api.md §R4.2). */
const REFUSED: ReadonlyArray<{ test: (key: string) => boolean; why: string }> = [
  {
    test: (k) => k === 'appium:udid' || k === 'appium:deviceName' || k === 'gridfleet:deviceName',
    why: 'matches no device in the router era (it is not in any device\'s routing surface), so the request would wait for the queue timeout; pin a device with "gridfleet:deviceId" or leave it to the run',
  },
  {
    test: (k) => k === 'gridfleet:run_id',
    why: 'is refused by the router (the run is chosen by the /run/{run_id} URL)',
  },
  {
    test: (k) => k.startsWith('appium:gridfleet:'),
    why: 'is refused by the router (use the gridfleet:* prefix, e.g. gridfleet:deviceId)',
  },
  {
    test: (k) => k.startsWith('gridfleet:tag:'),
    why: 'is refused by the router (device tags became groups: use gridfleet:group:<key>: true, or a @group:<key> tag)',
  },
];

/** What the strategy knows before asking the router. */
export interface RouterRequestContext {
  /** The run's reserved devices. */
  devices: readonly ReservedDevice[];
  /** The manager's group keys, or null when it has no device groups. */
  groups: readonly string[] | null;
}

/**
 * The capabilities of a run-scoped new-session request, beyond the lane keys `buildAppiumRequest` adds
 * (`platformName`, `appium:automationName`, `appium:platform`, `gridfleet:testName`): the lane's extra
 * capabilities, `gridfleet:group:<key>: true` per group, the scenario metadata (`gridfleet:` keys the
 * router accepts) and the lane's OS version (informational, it does not constrain allocation).
 *
 * Validated first, since the router has no fast failure for an unsatisfiable request (docs/manager-api.md §R4.2):
 * a platform the run holds no device of, an unknown group, a `gridfleet:deviceId` outside the run, or a
 * key the router refuses or can never match fails here with a message saying what to change.
 *
 * @throws RouterRequestError for such a request.
 */
export function routerCapabilities(
  request: AcquireRequest,
  context: RouterRequestContext,
): Record<string, unknown> {
  const run = `run ${request.runId}${request.runName ? ` ("${request.runName}")` : ''}`;
  const capabilities: Record<string, unknown> = {
    ...request.extraCapabilities,
    ...(request.osVersion ? { 'appium:os_version': request.osVersion } : {}),
    ...request.metadata,
  };
  for (const key of request.groups) capabilities[`gridfleet:group:${key}`] = true;
  for (const key of Object.keys(capabilities)) {
    const refused = REFUSED.find((r) => r.test(key));
    if (refused) {
      throw new RouterRequestError(
        `gridfleet: capability "${key}" ${refused.why}. Remove it from the lane's capabilities (GRIDFLEET_CAPABILITIES).`,
      );
    }
  }
  const devices = context.devices.filter((d) => !d.released_at);
  if (!devices.some((d) => d.platform_id === request.platformId)) {
    throw new RouterRequestError(
      `gridfleet: ${run} holds no ${request.platformId} device (it holds: ${
        [...new Set(devices.map((d) => d.platform_id))].join(', ') || 'none'
      }), so the router would queue the request until its timeout. Reserve the platform in the lane's requirement.`,
    );
  }
  if (request.groups.length > 0) {
    if (context.groups === null) {
      throw new RouterRequestError(
        `gridfleet: device groups (${request.groups.join(', ')}) were asked for, but the manager has none ` +
          "(device groups need GridFleet ≥ 0.6, or GET /device-groups failed). Remove the lane's groups / @group: tags.",
      );
    }
    const unknown = request.groups.filter((g) => !context.groups?.includes(g));
    if (unknown.length > 0) {
      throw new RouterRequestError(
        `gridfleet: unknown device group(s) ${unknown.map((g) => `"${g}"`).join(', ')} (from the lane's groups or ` +
          `@group: tags); the manager has: ${context.groups.join(', ') || 'none'}.`,
      );
    }
  }
  const pinned = capabilities['gridfleet:deviceId'];
  if (pinned !== undefined && !devices.some((d) => d.device_id === pinned)) {
    throw new RouterRequestError(
      `gridfleet: gridfleet:deviceId ${JSON.stringify(pinned)} is not a device of ${run} (its devices: ${
        devices.map((d) => d.device_id).join(', ') || 'none'
      }), so the router would queue the request until its timeout.`,
    );
  }
  return capabilities;
}
