import { z } from 'zod';
import { CLAIM_INCLUDES, type ClaimInclude } from '../client/include';

// One declaration of the claim includes, shared with the client.
export { CLAIM_INCLUDES, type ClaimInclude };

/**
 * One device requirement, i.e. one *lane*, in the manager's wire shape (snake_case, like
 * `GRIDFLEET_REQUIREMENTS` and the Python testkit). `pack_id` may be omitted when exactly one enabled pack
 * provides the platform; it is then resolved from the driver-pack catalog.
 */
export const laneRequirementSchema = z
  .strictObject({
    pack_id: z.string().min(1).optional(),
    platform_id: z.string().min(1),
    os_version: z.string().min(1).optional(),
    count: z.number().int().min(1).optional(),
    allocation: z.literal('all_available').optional(),
    min_count: z.number().int().min(1).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .refine((r) => !(r.count !== undefined && r.allocation === 'all_available'), {
    message: '`count` cannot be combined with `allocation: "all_available"`',
  })
  .refine((r) => !(r.min_count !== undefined && r.allocation !== 'all_available'), {
    message: '`min_count` is only allowed with `allocation: "all_available"`',
  });

/** A lane requirement (see `laneRequirementSchema`). */
export type LaneRequirement = z.infer<typeof laneRequirementSchema>;

/** What to do with runs this process created when the cucumber run did not pass. */
export type OnFailurePolicy = 'cancel' | 'complete';

/** The validated configuration of the cucumber integration. */
export interface GridFleetConfig {
  /** Manager API base URL (with `/api`). */
  apiUrl: string;
  /** Selenium Grid hub URL. */
  gridUrl: string;
  /** Name of the runs this process reserves. */
  runName: string;
  /** `created_by` of the runs this process reserves. */
  createdBy: string;
  /** Run TTL in minutes (absolute; heartbeats do not extend it). */
  ttlMinutes: number;
  /** Manager expires a run whose heartbeat is older than this. */
  heartbeatTimeoutSec: number;
  /** How often the coordinator heartbeats (must be below the timeout). */
  heartbeatIntervalSec: number;
  /** Lanes to reserve (one run per lane). Empty when joining `runId`. */
  requirements: LaneRequirement[];
  /** An existing run to join (never completed or cancelled by this process). */
  runId: string | undefined;
  /** Longest wait for a claimable device, per scenario. */
  claimMaxWaitSec: number;
  /** Inline includes asked for on every claim. */
  claimInclude: ClaimInclude[];
  /** Extra capabilities per lane, keyed by platform id; `*` applies to every lane. */
  capabilities: Record<string, Record<string, unknown>>;
  /** Cooldown applied when a device-level failure releases a device. */
  cooldownSec: number;
  /** Directory screenshots are saved to (relative to cwd unless absolute). */
  screenshotDir: string;
  /** Scenarios carrying any of these tags claim no device. */
  noDeviceTags: string[];
  /** What happens to runs this process created when the cucumber run did not pass. */
  onFailure: OnFailurePolicy;
}

/** Keys accepted under `worldParameters.gridfleet`. */
export const CONFIG_KEYS = [
  'apiUrl',
  'gridUrl',
  'runName',
  'createdBy',
  'ttlMinutes',
  'heartbeatTimeoutSec',
  'heartbeatIntervalSec',
  'requirements',
  'runId',
  'claimMaxWaitSec',
  'claimInclude',
  'capabilities',
  'cooldownSec',
  'screenshotDir',
  'noDeviceTags',
  'onFailure',
] as const satisfies readonly (keyof GridFleetConfig)[];

/** Environment variable for each config key (credentials are env-only and not part of this table). */
export const CONFIG_ENV: Record<(typeof CONFIG_KEYS)[number], string> = {
  apiUrl: 'GRIDFLEET_API_URL',
  gridUrl: 'GRID_URL',
  runName: 'GRIDFLEET_RUN_NAME',
  createdBy: 'GRIDFLEET_CREATED_BY',
  ttlMinutes: 'GRIDFLEET_TTL_MINUTES',
  heartbeatTimeoutSec: 'GRIDFLEET_HEARTBEAT_TIMEOUT_SEC',
  heartbeatIntervalSec: 'GRIDFLEET_HEARTBEAT_INTERVAL_SEC',
  requirements: 'GRIDFLEET_REQUIREMENTS',
  runId: 'GRIDFLEET_RUN_ID',
  claimMaxWaitSec: 'GRIDFLEET_CLAIM_MAX_WAIT_SEC',
  claimInclude: 'GRIDFLEET_CLAIM_INCLUDE',
  capabilities: 'GRIDFLEET_CAPABILITIES',
  cooldownSec: 'GRIDFLEET_COOLDOWN_SEC',
  screenshotDir: 'GRIDFLEET_SCREENSHOT_DIR',
  noDeviceTags: 'GRIDFLEET_NO_DEVICE_TAGS',
  onFailure: 'GRIDFLEET_ON_FAILURE',
};
