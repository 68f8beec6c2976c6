import { GridFleetClient } from '../client/client';
import type { Device } from '../client/schemas/device';
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
  /** `GET /api/devices/{id}`. */
  getDevice(deviceId: string): Promise<Device>;
  /** Claim era: looks a device up by its saved connection target. */
  getDeviceByConnectionTarget(connectionTarget: string): Promise<Device>;
}

/**
 * The device a live session runs on, typed like the testkit's `Device` (the `device_handle` fixture): the
 * fields both generations have, plus `isReserved` (claim era: `hold === "reserved"`).
 */
export interface DeviceHandle {
  /** Device id (uuid). */
  readonly id: string;
  /** Identity value (serial, UDID, ...). */
  readonly identityValue: string;
  /** Saved connection target, `''` when none. */
  readonly connectionTarget: string;
  /** Display name. */
  readonly name: string;
  /** Driver pack id. */
  readonly packId: string;
  /** Pack platform id. */
  readonly platformId: string;
  /** Platform label, `''` when none. */
  readonly platformLabel: string;
  /** OS version. */
  readonly osVersion: string;
  /** Display OS version (router era, e.g. the Fire OS version), `''` when none. */
  readonly osVersionDisplay: string;
  /** Host id. */
  readonly hostId: string;
  /** `real_device`, `emulator` or `simulator`. */
  readonly deviceType: string;
  /** `usb`, `network` or `virtual`. */
  readonly connectionType: string;
  /** Manufacturer, `''` when unknown. */
  readonly manufacturer: string;
  /** Model, `''` when unknown. */
  readonly model: string;
  /** Operational state (`available`, `busy`, `offline`, ...). */
  readonly operationalState: string;
  /** True while a run holds the device. */
  readonly isReserved: boolean;
}

const TARGET_KEYS = ['appium:udid', 'udid', 'appium:deviceName', 'deviceName'] as const;
// Router era: the router injects `gridfleet:deviceId` into the returned capabilities (docs/manager-api.md §R4.2);
// claim era: the node stereotype's `appium:gridfleet:deviceId`, when the agent keeps it.
const DEVICE_ID_KEYS = ['gridfleet:deviceId', 'appium:gridfleet:deviceId'] as const;

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
 * The GridFleet device id a live session reports: `gridfleet:deviceId` (router era: injected by the router
 * into the returned capabilities), else `appium:gridfleet:deviceId` (claim era: from the node stereotype).
 * Undefined when the session reports neither (claim-era agents may strip it; fall back to the connection
 * target, as {@link resolveDeviceHandleFromDriver} does).
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

/**
 * The device a live session runs on, as a {@link DeviceHandle} (testkit `device_handle`): router era
 * `GET /devices/{gridfleet:deviceId}` (docs/manager-api.md §R7.1); claim era by the reported
 * device id too, else by the session's connection target.
 *
 * @throws MissingConnectionTargetError when the session reports neither a device id nor a target.
 */
export async function resolveDeviceHandleFromDriver(
  driver: DriverLike,
  client: Pick<DriverDeviceClient, 'getDevice' | 'getDeviceByConnectionTarget'> = new GridFleetClient(),
): Promise<DeviceHandle> {
  const deviceId = getDeviceIdFromDriver(driver);
  const device = deviceId
    ? await client.getDevice(deviceId)
    : await client.getDeviceByConnectionTarget(getConnectionTargetFromDriver(driver));
  return deviceHandle(device);
}

function deviceHandle(device: Device): DeviceHandle {
  return {
    id: device.id,
    identityValue: device.identity_value,
    connectionTarget: device.connection_target ?? '',
    name: device.name,
    packId: device.pack_id,
    platformId: device.platform_id,
    platformLabel: device.platform_label ?? '',
    osVersion: device.os_version,
    osVersionDisplay: device.os_version_display ?? '',
    hostId: device.host_id,
    deviceType: device.device_type,
    connectionType: device.connection_type,
    manufacturer: device.manufacturer ?? '',
    model: device.model ?? '',
    operationalState: device.operational_state,
    isReserved: device.is_reserved ?? device.hold === 'reserved',
  };
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
