/** One device requirement of a reservation (camelCase; sent as the manager's snake_case). */
export interface DeviceRequirement {
  /** Driver pack id, e.g. `appium-uiautomator2`. */
  readonly packId: string;
  /** Pack platform id, e.g. `android_mobile`. */
  readonly platformId: string;
  /** Exact OS version. */
  readonly osVersion?: string | null;
  /** Exact number of devices (default 1 when `allocation` is absent; not with `all_available`). */
  readonly count?: number | null;
  /** `all_available` reserves every eligible device. */
  readonly allocation?: 'all_available' | null;
  /** Floor for `all_available` (default 1); only with `all_available`. */
  readonly minCount?: number | null;
  /** Claim era: tags that must all match exactly (a router-era manager ignores them). */
  readonly tags?: Readonly<Record<string, string>> | null;
  /** Router era (backend ≥ 0.6): device group keys the devices must all be in (unknown key → 422). */
  readonly groups?: readonly string[] | null;
}

const WIRE: Record<keyof DeviceRequirement, string> = {
  packId: 'pack_id',
  platformId: 'platform_id',
  osVersion: 'os_version',
  count: 'count',
  allocation: 'allocation',
  minCount: 'min_count',
  tags: 'tags',
  groups: 'groups',
};

/**
 * Converts requirements to the wire form. The manager silently ignores unknown requirement keys
 * (e.g. `device_type`), so they are rejected here with a TypeError instead of having no effect.
 */
export function requirementsToWire(requirements: readonly DeviceRequirement[]): Record<string, unknown>[] {
  if (!Array.isArray(requirements)) {
    throw new TypeError(
      'reserveDevices: requirements must be an array, e.g. [{ packId, platformId, count: 1 }].',
    );
  }
  return requirements.map((requirement, index) => {
    if (typeof requirement?.packId !== 'string' || typeof requirement.platformId !== 'string') {
      throw new TypeError(`reserveDevices: requirements[${index}] needs string packId and platformId.`);
    }
    const wire: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(requirement)) {
      const name = WIRE[key as keyof DeviceRequirement];
      if (!name) {
        throw new TypeError(
          `reserveDevices: requirements[${index}] has unsupported key '${key}' (the manager would ignore it). ` +
            `Supported: ${Object.keys(WIRE).join(', ')}.`,
        );
      }
      if (value !== undefined) wire[name] = value;
    }
    return wire;
  });
}
