import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { DEFAULT_API_URL, DEFAULT_GRID_URL, ENV_VARS, stripTrailingSlashes } from '../client/env';
import { DEVICE_INCLUDES, type DeviceInclude } from '../client/include';
import { defaultRunName } from './default_run_name';

// One declaration of the include tokens, shared with the client.
export { DEVICE_INCLUDES, type DeviceInclude };

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
    groups: z.array(z.string().min(1)).optional(),
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

/** The `generation` setting: detect the manager's generation, or name it. */
export type GenerationSetting = 'auto' | 'claim' | 'router';

/** How an environment variable's text becomes a value. */
export type EnvKind = 'string' | 'int' | 'json' | 'list';

/** What a default may look at: the environment and the values resolved before it (in key order). */
export interface DefaultContext {
  /** Environment being read. */
  env: NodeJS.ProcessEnv;
  /** Values set explicitly, and defaults of the keys declared earlier. */
  resolved: Readonly<Record<string, unknown>>;
}

/** Declaration of one config key: its schema, env var, default and the expectation shown in errors. */
export interface ConfigField<S extends z.ZodType = z.ZodType> {
  /** Validates (and normalises) a value from `worldParameters.gridfleet` or the env. */
  schema: S;
  /** Environment variable of the key. */
  env: string;
  /** How the env var's text is read. */
  envKind: EnvKind;
  /** What is expected, and how to fix it (shown after "expected"). */
  expected: string;
  /** The value when neither `worldParameters.gridfleet` nor the env sets it. */
  default: (context: DefaultContext) => z.output<S>;
}

const field = <S extends z.ZodType>(spec: ConfigField<S>): ConfigField<S> => spec;
const url = z.url({ protocol: /^https?$/ }).transform(stripTrailingSlashes);
const int = (min: number, max?: number) =>
  max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

function defaultCreatedBy(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry in some containers
  }
  return `gridfleet-cucumber ${user}@${hostname()}`;
}

/** The lane of `GRIDFLEET_TESTKIT_PLATFORM_ID` (+ `_PACK_ID`), like the Python testkit; else none. */
function testkitLane(env: NodeJS.ProcessEnv): LaneRequirement[] {
  const packId = env[ENV_VARS.packId]?.trim() || undefined;
  const platformId = env[ENV_VARS.platformId]?.trim() || undefined;
  if (!platformId) return [];
  return [
    {
      ...(packId ? { pack_id: packId } : {}),
      platform_id: platformId,
      allocation: 'all_available',
      min_count: 1,
    },
  ];
}

/**
 * Every key accepted under `worldParameters.gridfleet`, declared once: the config type, the env-var table,
 * the defaults and the error messages all derive from this table.
 */
export const CONFIG_FIELDS = {
  /** Manager API base URL (with `/api`). */
  apiUrl: field({
    schema: url,
    env: 'GRIDFLEET_API_URL',
    envKind: 'string',
    expected: 'an http(s) URL of the manager API, e.g. http://manager:8000/api',
    default: () => stripTrailingSlashes(DEFAULT_API_URL),
  }),
  /** Selenium Grid hub URL. */
  gridUrl: field({
    schema: url,
    env: 'GRID_URL',
    envKind: 'string',
    expected: 'an http(s) URL of the Selenium Grid hub, e.g. http://grid:4444',
    default: () => stripTrailingSlashes(DEFAULT_GRID_URL),
  }),
  /** Name of the runs this process reserves. */
  runName: field({
    schema: z.string().trim().min(1).max(255),
    env: 'GRIDFLEET_RUN_NAME',
    envKind: 'string',
    expected: 'a non-empty run name (≤ 255 chars)',
    default: ({ env }) => defaultRunName(env),
  }),
  /** `created_by` of the runs this process reserves. */
  createdBy: field({
    schema: z.string().trim().min(1).max(255),
    env: 'GRIDFLEET_CREATED_BY',
    envKind: 'string',
    expected: 'a non-empty string (≤ 255 chars)',
    default: defaultCreatedBy,
  }),
  /** Run TTL in minutes (absolute; heartbeats do not extend it). */
  ttlMinutes: field({
    schema: int(1, 180),
    env: 'GRIDFLEET_TTL_MINUTES',
    envKind: 'int',
    expected: 'a whole number of minutes from 1 to 180 (manager max)',
    default: () => 60,
  }),
  /** Manager expires a run whose heartbeat is older than this. */
  heartbeatTimeoutSec: field({
    schema: int(10),
    env: 'GRIDFLEET_HEARTBEAT_TIMEOUT_SEC',
    envKind: 'int',
    expected: 'a whole number of seconds ≥ 10',
    default: () => 120,
  }),
  /** How often the coordinator heartbeats (must be below the timeout; default a quarter of it, ≤ 30 s). */
  heartbeatIntervalSec: field({
    schema: int(1),
    env: 'GRIDFLEET_HEARTBEAT_INTERVAL_SEC',
    envKind: 'int',
    expected: 'a whole number of seconds ≥ 1, below heartbeatTimeoutSec',
    default: ({ resolved }) =>
      Math.max(1, Math.min(30, Math.floor((resolved.heartbeatTimeoutSec as number) / 4))),
  }),
  /** Lanes to reserve (one run per lane). Empty when joining `runId`. */
  requirements: field({
    schema: z.array(laneRequirementSchema),
    env: 'GRIDFLEET_REQUIREMENTS',
    envKind: 'json',
    expected:
      'a JSON array of lanes like [{"pack_id":"appium-uiautomator2","platform_id":"firetv_real","allocation":"all_available","min_count":1}]',
    default: ({ env, resolved }) => (resolved.runId === undefined ? testkitLane(env) : []),
  }),
  /** An existing run to join (never completed or cancelled by this process). */
  runId: field({
    schema: uuid.optional(),
    env: 'GRIDFLEET_RUN_ID',
    envKind: 'string',
    expected: 'the UUID of an existing GridFleet run',
    default: () => undefined,
  }),
  /** Longest wait for a free device, per scenario. */
  deviceWaitSec: field({
    schema: int(0, 86_400),
    env: 'GRIDFLEET_DEVICE_WAIT_SEC',
    envKind: 'int',
    expected: 'a whole number of seconds from 0 to 86400',
    default: () => 300,
  }),
  /** What the manager inlines into each device it hands out (so hydration makes no follow-up GET). */
  deviceInclude: field({
    schema: z.array(z.enum(DEVICE_INCLUDES)),
    env: 'GRIDFLEET_DEVICE_INCLUDE',
    envKind: 'list',
    expected: `a list drawn from ${DEVICE_INCLUDES.join(', ')} (env: comma-separated)`,
    default: (): DeviceInclude[] => ['config', 'test_data'],
  }),
  /** Extra capabilities per lane, keyed by platform id; `*` applies to every lane. */
  capabilities: field({
    schema: z.record(z.string().min(1), z.record(z.string(), z.unknown())),
    env: 'GRIDFLEET_CAPABILITIES',
    envKind: 'json',
    expected: 'a JSON object keyed by platform id (or "*" for every lane) of capability objects',
    default: () => ({}),
  }),
  /** Cooldown applied to a device after a device-level failure. */
  cooldownSec: field({
    schema: int(1, 3600),
    env: 'GRIDFLEET_COOLDOWN_SEC',
    envKind: 'int',
    expected: 'a whole number of seconds from 1 to 3600',
    default: () => 60,
  }),
  /** Directory screenshots are saved to (relative to cwd unless absolute). */
  screenshotDir: field({
    schema: z.string().trim().min(1),
    env: 'GRIDFLEET_SCREENSHOT_DIR',
    envKind: 'string',
    expected: 'a directory path',
    default: () => 'screenshots',
  }),
  /** Scenarios carrying any of these tags get no device. */
  noDeviceTags: field({
    schema: z.array(z.string().regex(/^@\S+$/)),
    env: 'GRIDFLEET_NO_DEVICE_TAGS',
    envKind: 'list',
    expected: 'a list of tags starting with "@" (env: comma-separated), e.g. @no-device',
    default: () => ['@no-device'],
  }),
  /**
   * Which GridFleet generation the manager is: `auto` detects it once per cucumber run before anything is
   * reserved (docs/manager-api.md §R1.2); `claim` / `router` skip the detection.
   */
  generation: field({
    schema: z.enum(['auto', 'claim', 'router']),
    env: 'GRIDFLEET_GENERATION',
    envKind: 'string',
    expected: '"auto" (detect), "claim" or "router"',
    default: (): GenerationSetting => 'auto',
  }),
  /** What happens to runs this process created when the cucumber run did not pass. */
  onFailure: field({
    schema: z.enum(['cancel', 'complete']),
    env: 'GRIDFLEET_ON_FAILURE',
    envKind: 'string',
    expected: '"cancel" or "complete"',
    default: (): OnFailurePolicy => 'cancel',
  }),
};

/** A config key. */
export type ConfigKey = keyof typeof CONFIG_FIELDS;

/** The validated configuration of the cucumber integration (one property per key of `schemas.CONFIG_FIELDS`). */
export type GridFleetConfig = {
  [K in ConfigKey]: z.output<(typeof CONFIG_FIELDS)[K]['schema']>;
};

/** Keys accepted under `worldParameters.gridfleet`. */
export const CONFIG_KEYS = Object.keys(CONFIG_FIELDS) as ConfigKey[];

/** Environment variable for each config key (credentials are env-only and not part of this table). */
export const CONFIG_ENV = Object.fromEntries(CONFIG_KEYS.map((key) => [key, CONFIG_FIELDS[key].env])) as {
  readonly [K in ConfigKey]: string;
};
