import { z } from 'zod';
import { pathSegment } from './client_base';
import { type DeviceCooldownResult, deviceCooldownResultSchema } from './schemas/cooldown';
import {
  type DeviceGroup,
  type DeviceGroupDetail,
  deviceGroupDetailSchema,
  deviceGroupSchema,
} from './schemas/device_group';
import { SessionApi } from './session_api';

/** Arguments of {@link RouterApi.cooldownDevice}. */
export interface CooldownRequest {
  /** Why (1..200 characters, not blank). */
  readonly reason: string;
  /** How long the device takes no new session, in seconds (≥ 1; the manager's maximum is 3600 by default). */
  readonly ttlSeconds: number;
}

/**
 * Router-era calls (docs/manager-api.md §R3): a layer of {@link GridFleetClient} (construct that;
 * see {@link ClientBase}).
 */
export class RouterApi extends SessionApi {
  /**
   * `POST /runs/{id}/devices/{device_id}/cooldown` (router era): keeps every new session off the device
   * for `ttlSeconds`; a session already running on it is not touched, so delete the WebDriver session
   * first when it should end. At the manager's threshold the device leaves the run instead
   * (`maintenance_escalated` / `released`).
   *
   * @throws TypeError for an empty reason or a ttl that is not a positive integer (before any request);
   *   GridFleetApiError on the manager's refusals (409 not reserved / terminal run, 422 ttl too large).
   */
  async cooldownDevice(
    runId: string,
    deviceId: string,
    request: CooldownRequest,
  ): Promise<DeviceCooldownResult> {
    if (typeof request?.reason !== 'string' || request.reason.trim() === '') {
      throw new TypeError(
        'cooldownDevice: reason must be a non-empty string (the manager refuses a blank one).',
      );
    }
    if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds < 1) {
      throw new TypeError(
        `cooldownDevice: ttlSeconds must be a positive integer, got ${request.ttlSeconds}.`,
      );
    }
    return this.http.request({
      method: 'POST',
      path: `/runs/${pathSegment(runId, 'runId')}/devices/${pathSegment(deviceId, 'deviceId')}/cooldown`,
      endpoint: 'POST /runs/{run_id}/devices/{device_id}/cooldown',
      runId,
      body: { reason: request.reason, ttl_seconds: request.ttlSeconds },
      schema: deviceCooldownResultSchema,
    });
  }

  /** `GET /device-groups` (router era, backend ≥ 0.6): every device group. */
  async listDeviceGroups(): Promise<DeviceGroup[]> {
    return this.http.request({
      method: 'GET',
      path: '/device-groups',
      endpoint: 'GET /device-groups',
      schema: z.array(deviceGroupSchema),
    });
  }

  /** `GET /device-groups/{key}`: one group with its devices (404 "Group not found"). */
  async getDeviceGroup(key: string): Promise<DeviceGroupDetail> {
    return this.http.request({
      method: 'GET',
      path: `/device-groups/${pathSegment(key, 'key')}`,
      endpoint: 'GET /device-groups/{key}',
      schema: deviceGroupDetailSchema,
    });
  }
}
