import { resolvePackPlatform } from '../appium/pack_platform_resolver';
import type { GridFleetClient } from '../client/client';
import type { DeviceRequirement } from '../client/requirements';
import type { LaneRequirement } from '../config';

/**
 * Turns configured lanes (the manager's snake_case shape, `pack_id` optional) into the client's
 * reservation requirements, one per lane and in order. A lane without `pack_id` gets the one enabled pack
 * that provides its platform; the catalog is fetched only when some lane needs it.
 *
 * @throws CapabilityResolutionError when a platform is in no enabled pack or in several.
 */
export async function toDeviceRequirements(
  client: Pick<GridFleetClient, 'getDriverPackCatalog'>,
  lanes: readonly LaneRequirement[],
): Promise<DeviceRequirement[]> {
  const needsCatalog = lanes.some((lane) => lane.pack_id === undefined);
  const catalog = needsCatalog ? await client.getDriverPackCatalog() : [];
  return lanes.map((lane) => ({
    packId: lane.pack_id ?? resolvePackPlatform({ platformId: lane.platform_id, catalog, env: {} }).packId,
    platformId: lane.platform_id,
    osVersion: lane.os_version ?? null,
    count: lane.count ?? null,
    allocation: lane.allocation ?? null,
    minCount: lane.min_count ?? null,
    tags: lane.tags ?? null,
    // Only when set: a first-generation manager (GridFleet ≤ 0.1) knows no `groups` key.
    ...(lane.groups ? { groups: lane.groups } : {}),
  }));
}
