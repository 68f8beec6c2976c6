import { GridFleetClient } from '../client/client';
import { MissingConnectionTargetError } from './errors';

/** A webdriverio session as far as the device helpers read it (`Browser` fits). */
export interface DriverLike {
  /** Capabilities returned by the Grid for the session. */
  readonly capabilities?: unknown;
}

/** Client calls the driver helpers make; `GridFleetClient` provides them. */
export interface DriverDeviceClient {
  /** Resolves a device by saved connection target and returns its config (`GET /devices/{id}/config`). */
  getDeviceConfig(connectionTarget: string): Promise<Record<string, unknown>>;
  /** Resolves the device id of a saved connection target. */
  resolveDeviceIdByConnectionTarget(connectionTarget: string): Promise<string>;
  /** `GET /api/devices/{id}/test_data`. */
  getDeviceTestData(deviceId: string): Promise<Record<string, unknown>>;
  /** `GET /api/devices/{id}/config` by device id. */
  getDeviceConfigById(deviceId: string): Promise<Record<string, unknown>>;
}

const TARGET_KEYS = ['appium:udid', 'udid', 'appium:deviceName', 'deviceName'] as const;
const DEVICE_ID_KEYS = ['appium:gridfleet:deviceId', 'gridfleet:deviceId'] as const;

/**
 * The runtime connection target of a live session: `appium:udid`, else `udid`, else `appium:deviceName`,
 * else `deviceName` (through the Grid, caps come back both prefixed and unprefixed).
 *
 * @throws MissingConnectionTargetError listing the capability keys the session reported.
 */
export function getConnectionTargetFromDriver(driver: DriverLike): string {
  const caps = capabilitiesOf(driver);
  for (const key of TARGET_KEYS) {
    const value = caps[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  throw new MissingConnectionTargetError(Object.keys(caps));
}

/**
 * The GridFleet device id a live session reports (`appium:gridfleet:deviceId` from the node stereotype),
 * if any. Real agents may strip it, so callers fall back to the connection target.
 */
export function getDeviceIdFromDriver(driver: DriverLike): string | undefined {
  const caps = capabilitiesOf(driver);
  for (const key of DEVICE_ID_KEYS) {
    const value = caps[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * Device config of the device a live session runs on (seed `get_device_config_for_driver`). Uses the
 * session's device id when it reports one (one request), else looks the device up by connection target.
 * Without `client`, a `GridFleetClient` configured from the environment is used (as the seed).
 */
export async function getDeviceConfigForDriver(
  driver: DriverLike,
  options: { client?: Pick<DriverDeviceClient, 'getDeviceConfig' | 'getDeviceConfigById'> } = {},
): Promise<Record<string, unknown>> {
  const deviceId = getDeviceIdFromDriver(driver);
  const target = deviceId ? undefined : getConnectionTargetFromDriver(driver);
  const client = options.client ?? new GridFleetClient();
  return deviceId ? client.getDeviceConfigById(deviceId) : client.getDeviceConfig(target as string);
}

/**
 * Operator test data of the device a live session runs on (seed `get_device_test_data_for_driver`):
 * resolves the device id (from the session, else by connection target) and reads its test data.
 * Without `client`, a `GridFleetClient` configured from the environment is used.
 */
export async function getDeviceTestDataForDriver(
  driver: DriverLike,
  options: {
    client?: Pick<DriverDeviceClient, 'resolveDeviceIdByConnectionTarget' | 'getDeviceTestData'>;
  } = {},
): Promise<Record<string, unknown>> {
  const knownId = getDeviceIdFromDriver(driver);
  const target = knownId ? undefined : getConnectionTargetFromDriver(driver);
  const client = options.client ?? new GridFleetClient();
  const deviceId = knownId ?? (await client.resolveDeviceIdByConnectionTarget(target as string));
  return client.getDeviceTestData(deviceId);
}

function capabilitiesOf(driver: DriverLike): Record<string, unknown> {
  const caps = driver?.capabilities;
  if (typeof caps !== 'object' || caps === null || Array.isArray(caps)) {
    throw new TypeError(
      'The driver has no capabilities object; pass a webdriverio session created by createAppiumDriver or remote().',
    );
  }
  return caps as Record<string, unknown>;
}
