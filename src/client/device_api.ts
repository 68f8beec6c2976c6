import { ClientBase, pathSegment } from './client_base';
import { type DeviceFilters, deviceFiltersToQuery } from './device_filters';
import { GridFleetApiError } from './errors';
import { type DriverPackCatalog, driverPackCatalogSchema } from './schemas/catalog';
import { type JsonObject, jsonObjectSchema } from './schemas/common';
import {
  type Device,
  type DeviceDetail,
  deviceDetailSchema,
  deviceListResponseSchema,
  deviceSchema,
} from './schemas/device';

/** Device, test-data and catalog reads: a layer of {@link GridFleetClient} (construct that; see {@link ClientBase}). */
export class DeviceApi extends ClientBase {
  #byTargetRouteMissing = false;

  /** `GET /devices` with every filter of the contract; unwraps the paged shape. */
  async listDevices(filters: DeviceFilters = {}): Promise<Device[]> {
    const answer = await this.http.request({
      method: 'GET',
      path: '/devices',
      endpoint: 'GET /devices',
      query: deviceFiltersToQuery(filters),
      schema: deviceListResponseSchema,
    });
    return Array.isArray(answer) ? answer : answer.items;
  }

  /** `GET /devices/{id}`: one device with its node and sessions. */
  async getDevice(deviceId: string): Promise<DeviceDetail> {
    return this.http.request({
      method: 'GET',
      path: `/devices/${pathSegment(deviceId, 'deviceId')}`,
      endpoint: 'GET /devices/{device_id}',
      schema: deviceDetailSchema,
    });
  }

  /**
   * Looks a device up by its saved connection target. Uses `GET /devices/by-connection-target/{t}` and
   * falls back to `GET /devices?connection_target=` on managers without that route (claim era).
   *
   * @throws GridFleetApiError 404 `NOT_FOUND` when no device has that target.
   */
  async getDeviceByConnectionTarget(connectionTarget: string): Promise<Device> {
    const path = `/devices/by-connection-target/${pathSegment(connectionTarget, 'connectionTarget')}`;
    if (!this.#byTargetRouteMissing) {
      try {
        return await this.http.request({
          method: 'GET',
          path,
          endpoint: 'GET /devices/by-connection-target/{target}',
          schema: deviceSchema,
        });
      } catch (error) {
        // A framework 404 (no envelope) means the route does not exist on this manager.
        if (!(error instanceof GridFleetApiError && error.status === 404 && error.code === null)) throw error;
        if (!connectionTarget.includes('/')) this.#byTargetRouteMissing = true;
      }
    }
    const [device] = await this.listDevices({ connectionTarget });
    if (device) return device;
    throw new GridFleetApiError({
      status: 404,
      code: 'NOT_FOUND',
      serverMessage: `No device found with connection target: ${connectionTarget}`,
      requestId: null,
      details: undefined,
      legacyDetail: null,
      method: 'GET',
      url: `${this.baseUrl}/devices?${new URLSearchParams({ connection_target: connectionTarget })}`,
    });
  }

  /** Resolves the device id for a saved connection target. */
  async resolveDeviceIdByConnectionTarget(connectionTarget: string): Promise<string> {
    return (await this.getDeviceByConnectionTarget(connectionTarget)).id;
  }

  /** Looks a device up by connection target, then `GET /devices/{id}/config` (optionally only `keys`). */
  async getDeviceConfig(connectionTarget: string, keys?: readonly string[]): Promise<JsonObject> {
    return this.getDeviceConfigById(await this.resolveDeviceIdByConnectionTarget(connectionTarget), keys);
  }

  /** `GET /devices/{id}/config` by device id (optionally only `keys`). */
  async getDeviceConfigById(deviceId: string, keys?: readonly string[]): Promise<JsonObject> {
    const query = keys && keys.length > 0 ? new URLSearchParams({ keys: keys.join(',') }) : undefined;
    return this.http.request({
      method: 'GET',
      path: `/devices/${pathSegment(deviceId, 'deviceId')}/config`,
      endpoint: 'GET /devices/{device_id}/config',
      query,
      schema: jsonObjectSchema,
    });
  }

  /** `GET /devices/{id}/capabilities`: the Appium capabilities the manager would use. */
  async getDeviceCapabilities(deviceId: string): Promise<JsonObject> {
    return this.http.request({
      method: 'GET',
      path: `/devices/${pathSegment(deviceId, 'deviceId')}/capabilities`,
      endpoint: 'GET /devices/{device_id}/capabilities',
      schema: jsonObjectSchema,
    });
  }

  /** `GET /devices/{id}/test_data` (`{}` when never set). */
  async getDeviceTestData(deviceId: string): Promise<JsonObject> {
    return this.#testData('GET', deviceId);
  }

  /** `PUT /devices/{id}/test_data`: replaces the stored object; returns the new one. */
  async replaceDeviceTestData(deviceId: string, body: JsonObject): Promise<JsonObject> {
    return this.#testData('PUT', deviceId, body);
  }

  /** `PATCH /devices/{id}/test_data`: deep-merges into the stored object; returns the merged one. */
  async mergeDeviceTestData(deviceId: string, body: JsonObject): Promise<JsonObject> {
    return this.#testData('PATCH', deviceId, body);
  }

  async #testData(method: 'GET' | 'PUT' | 'PATCH', deviceId: string, body?: JsonObject): Promise<JsonObject> {
    if (method !== 'GET' && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new TypeError(
        `${method === 'PUT' ? 'replace' : 'merge'}DeviceTestData: body must be a plain object.`,
      );
    }
    return this.http.request({
      method,
      path: `/devices/${pathSegment(deviceId, 'deviceId')}/test_data`,
      endpoint: `${method} /devices/{device_id}/test_data`,
      body,
      schema: jsonObjectSchema,
    });
  }

  /** `GET /driver-packs/catalog`: every pack in every state (use `enabledPacks()` to filter). */
  async getDriverPackCatalog(): Promise<DriverPackCatalog> {
    return this.http.request({
      method: 'GET',
      path: '/driver-packs/catalog',
      endpoint: 'GET /driver-packs/catalog',
      schema: driverPackCatalogSchema,
    });
  }
}
