import type { LabDevice, LabPlatform, ResolvedLab } from '../manager/lab_file';
import { StackError } from './errors';

/** A Grid slot stereotype: the capabilities one lab device advertises. */
export type Stereotype = Record<string, string>;

/** One lab device as the local stack serves it. */
export interface StackDevice {
  /** GridFleet device id (`appium:gridfleet:deviceId`). */
  readonly id: string;
  /** Device name (`appium:deviceName`). */
  readonly name: string;
  /** What pins a session to this device (`appium:udid`): its connection target. */
  readonly udid: string;
  /** GridFleet platform id (`appium:platform`). */
  readonly platformId: string;
  /** The slot stereotype advertised to Selenium Grid. */
  readonly stereotype: Stereotype;
}

function platformOf(lab: ResolvedLab, device: LabDevice): LabPlatform {
  const platform = lab.packs
    .find((p) => p.id === device.pack_id)
    ?.platforms.find((p) => p.id === device.platform_id);
  if (!platform) {
    throw new StackError(
      `Lab ${lab.source}: device "${device.name}" uses platform "${device.platform_id}" of pack "${device.pack_id}", ` +
        'which the lab does not declare; fix the device or add the platform to the pack.',
    );
  }
  return platform;
}

/**
 * Builds the slot stereotype of every lab device, mirroring what the real manager advertises
 * (docs/manager-api.md §C9.1) plus `appium:app` so the fake driver can start a session without the client
 * sending it (Grid merges the stereotype into the request).
 *
 * @param appPath - absolute path of the fake driver's XML app.
 * @throws StackError for a lab without devices, or two devices with the same udid.
 */
export function buildStackDevices(lab: ResolvedLab, appPath: string): StackDevice[] {
  if (lab.devices.length === 0) {
    throw new StackError(
      `Lab ${lab.source} declares no devices; add at least one under "devices:" to start a stack.`,
    );
  }
  const seen = new Map<string, string>();
  return lab.devices.map((device) => {
    const platform = platformOf(lab, device);
    // docs/manager-api.md §C9.1: the saved connection target, falling back to the identity value.
    const udid = device.connection_target || device.identity_value;
    // Grid matches string caps case-insensitively, so udids differing only in case collide.
    const clash = seen.get(udid.toLowerCase());
    if (clash) {
      throw new StackError(
        `Lab ${lab.source}: devices "${clash}" and "${device.name}" share the connection target "${udid}" ` +
          '(Grid compares it case-insensitively), ' +
          'so Grid could not pin a session to either; give each device a unique connection_target.',
      );
    }
    seen.set(udid.toLowerCase(), device.name);
    const stereotype: Stereotype = {
      platformName: platform.appium_platform_name,
      'appium:automationName': platform.automation_name,
      'appium:udid': udid,
      'appium:platform': device.platform_id,
      'appium:deviceName': device.name,
      'appium:device_type': device.device_type,
      'appium:gridfleet:deviceId': device.id,
      'appium:gridfleet:deviceName': device.name,
      'appium:app': appPath,
    };
    if (device.os_version && device.os_version !== 'unknown')
      stereotype['appium:os_version'] = device.os_version;
    if (device.manufacturer) stereotype['appium:manufacturer'] = device.manufacturer;
    if (device.model) stereotype['appium:model'] = device.model;
    return { id: device.id, name: device.name, udid, platformId: device.platform_id, stereotype };
  });
}

/**
 * Devices whose platform is not `Fake`/`Fake`: the stack routes to them, but the fake driver
 * refuses the session. Returned so the launcher can warn.
 */
export function nonFakeDevices(devices: readonly StackDevice[]): StackDevice[] {
  return devices.filter(
    (d) =>
      d.stereotype.platformName?.toLowerCase() !== 'fake' ||
      d.stereotype['appium:automationName']?.toLowerCase() !== 'fake',
  );
}
