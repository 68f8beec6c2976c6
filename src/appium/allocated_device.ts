import type { UnavailableInclude } from '../client/schemas/common';

export type { UnavailableInclude };

/** The stored fields of an {@link AllocatedDevice}: everything but the derived ones. */
export interface AllocatedDeviceFields {
  /** GridFleet run the device was claimed from. */
  readonly runId: string;
  /** Device id (uuid). */
  readonly deviceId: string;
  /** Stable identity (serial, `avd:<name>`, ...). */
  readonly identityValue: string;
  /** Device name (the device id when the manager has none). */
  readonly name: string;
  /** Saved transport target at reservation time (serial, `ip:port`, AVD name), if any. */
  readonly connectionTarget: string | null;
  /** Driver pack id. */
  readonly packId: string;
  /** Platform id of the pack. */
  readonly platformId: string;
  /** Platform display name (e.g. `Fire TV (real device)`). */
  readonly platformLabel: string | null;
  /** OS version (`"unknown"` possible). */
  readonly osVersion: string | null;
  /** IP of the host the device is attached to (device `ip_address` as fallback). */
  readonly hostIp: string | null;
  /** `real_device`, `emulator` or `simulator`. */
  readonly deviceType: string;
  /** `usb`, `network` or `virtual`. */
  readonly connectionType: string;
  /** Manufacturer, if known. */
  readonly manufacturer: string | null;
  /** Model, if known. */
  readonly model: string | null;
  /** Worker id that owns the claim. */
  readonly claimedBy: string;
  /** Claim time as the manager sent it (`+00:00` style ISO string). */
  readonly claimedAt: string;
  /** Static device config (verbatim, unmasked), or null when neither inlined nor fetched. */
  readonly config: Record<string, unknown> | null;
  /** Appium capabilities of the device (manager's view, or the live session's), or null. */
  readonly liveCapabilities: Record<string, unknown> | null;
  /** Operator-attached test data, or null when neither inlined nor fetched. */
  readonly testData: Record<string, unknown> | null;
  /** Includes the manager could not satisfy (empty when all were). */
  readonly unavailableIncludes: readonly UnavailableInclude[];
  /**
   * Appium `platformName` of the device's platform (from the catalog, else the live capabilities), or
   * null when neither was available.
   */
  readonly platformName: string | null;
}

/**
 * A claimed device, hydrated into one stable object (seed `AllocatedDevice`, camelCase). Immutable:
 * helpers return new objects.
 */
export interface AllocatedDevice extends AllocatedDeviceFields {
  /** The device's Appium `udid`: connection target, else the live `appium:udid`, else the identity value. */
  readonly udid: string;
  /**
   * Best-effort IP: host IP, else the IP part of an `ip:port` connection target, else the live
   * `appium:deviceIP`, else config `ip`; null when none is known.
   */
  readonly deviceIp: string | null;
  /** Whether `deviceType` is `real_device`. */
  readonly isRealDevice: boolean;
  /** Whether `deviceType` is `simulator` or `emulator` (seed semantics: any virtual device). */
  readonly isSimulator: boolean;
}

/** Builds a frozen {@link AllocatedDevice} from its stored fields, computing the derived ones. */
export function makeAllocatedDevice(fields: AllocatedDeviceFields): AllocatedDevice {
  return Object.freeze({
    ...fields,
    unavailableIncludes: Object.freeze([...fields.unavailableIncludes]),
    udid: deriveUdid(fields),
    deviceIp: deriveDeviceIp(fields),
    isRealDevice: fields.deviceType === 'real_device',
    isSimulator: fields.deviceType === 'simulator' || fields.deviceType === 'emulator',
  });
}

function deriveUdid(fields: AllocatedDeviceFields): string {
  if (fields.connectionTarget) return fields.connectionTarget;
  const live = fields.liveCapabilities ?? {};
  return stringOr(live['appium:udid']) ?? stringOr(live.udid) ?? fields.identityValue;
}

function deriveDeviceIp(fields: AllocatedDeviceFields): string | null {
  if (fields.hostIp) return fields.hostIp;
  const fromTarget = ipOfTarget(fields.connectionTarget);
  if (fromTarget) return fromTarget;
  const live = fields.liveCapabilities ?? {};
  return stringOr(live['appium:deviceIP']) ?? stringOr(live.deviceIP) ?? stringOr(fields.config?.ip) ?? null;
}

/** The IP part of `1.2.3.4:5555`, `1.2.3.4` or `[::1]:5555`; undefined for serials and names. */
function ipOfTarget(target: string | null | undefined): string | undefined {
  if (!target) return undefined;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(target);
  if (v4?.[1]) return v4[1];
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(target);
  return v6?.[1];
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
