import { GridFleetError } from '../client/errors';

/** One lane of the cucumber run: a requirement (pack, platform, optional OS version) and the run serving it. */
export interface Lane {
  /** GridFleet run id serving this lane. */
  runId: string;
  /** Run name (for messages). */
  runName: string;
  /** Driver pack id. */
  packId: string;
  /** Platform id. */
  platformId: string;
  /** Exact OS version of the lane, when the requirement has one. */
  osVersion: string | undefined;
  /** True when this process created the run (and so completes or cancels it); false when joined. */
  owned: boolean;
  /** Device group keys of the lane's requirement (router era); every scenario of the lane asks for them. */
  groups?: readonly string[];
}

const GROUP_TAG = /^@group:(.+)$/;

/** Device group keys named by `@group:<key>` tags, in order, without repeats. */
export function groupsFromTags(tags: readonly string[]): string[] {
  const found = new Set<string>();
  for (const tag of tags) {
    const m = GROUP_TAG.exec(tag);
    if (m?.[1]) found.add(m[1]);
  }
  return [...found];
}

/** Why a lane could not be chosen. */
export class LaneSelectionError extends GridFleetError {}

const PLATFORM_TAG = /^@platform:(.+)$/;

/** The platform id named by a `@platform:<id>` tag, if any (the last one wins, like cucumber tag inheritance). */
export function platformFromTags(tags: readonly string[]): string | undefined {
  let found: string | undefined;
  for (const tag of tags) {
    const m = PLATFORM_TAG.exec(tag);
    if (m?.[1]) found = m[1];
  }
  return found;
}

function describeLanes(lanes: readonly Lane[]): string {
  return lanes.map((l) => `${l.platformId}${l.osVersion ? ` (OS ${l.osVersion})` : ''}`).join(', ') || 'none';
}

/**
 * The lane a scenario uses before any step runs: the lane of its `@platform:<id>` tag, else the only lane,
 * else undefined (a device step chooses later).
 *
 * @throws LaneSelectionError when the tag names a platform no lane serves.
 */
export function laneForScenario(lanes: readonly Lane[], tags: readonly string[]): Lane | undefined {
  const platformId = platformFromTags(tags);
  if (platformId !== undefined) return laneFor(lanes, platformId, undefined);
  return lanes.length === 1 ? lanes[0] : undefined;
}

/**
 * The lane for a platform (and optional OS version): an exact OS match first, else the platform's lane
 * without an OS version (the device's OS is then checked once it is allocated).
 *
 * @throws LaneSelectionError when no lane serves the platform / OS version.
 */
export function laneFor(lanes: readonly Lane[], platformId: string, osVersion: string | undefined): Lane {
  const forPlatform = lanes.filter((l) => l.platformId === platformId);
  if (forPlatform.length === 0) {
    throw new LaneSelectionError(
      `No GridFleet lane serves platform "${platformId}" in this run (lanes: ${describeLanes(lanes)}). ` +
        'Add a requirement for it (worldParameters.gridfleet.requirements or GRIDFLEET_REQUIREMENTS).',
    );
  }
  if (osVersion !== undefined) {
    const exact = forPlatform.find((l) => l.osVersion === osVersion);
    if (exact) return exact;
    const open = forPlatform.find((l) => l.osVersion === undefined);
    if (open) return open;
    throw new LaneSelectionError(
      `No GridFleet lane serves ${platformId} with OS version ${osVersion} (lanes: ${describeLanes(lanes)}). ` +
        `Add a requirement with "os_version": "${osVersion}".`,
    );
  }
  const open = forPlatform.find((l) => l.osVersion === undefined);
  return open ?? (forPlatform[0] as Lane);
}
