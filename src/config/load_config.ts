import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { DEFAULT_API_URL, DEFAULT_GRID_URL, ENV_VARS, stripTrailingSlashes } from '../client/env';
import { type ConfigIssue, describeValue, GridFleetConfigError } from './config_error';
import { defaultRunName } from './default_run_name';
import {
  CLAIM_INCLUDES,
  CONFIG_ENV,
  CONFIG_KEYS,
  type GridFleetConfig,
  type LaneRequirement,
  laneRequirementSchema,
} from './schema';

type Key = (typeof CONFIG_KEYS)[number];
type EnvKind = 'string' | 'int' | 'json' | 'list';

interface FieldSpec {
  schema: z.ZodType;
  env: EnvKind;
  expected: string;
}

const url = z.url({ protocol: /^https?$/ });
const int = (min: number, max?: number) =>
  max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const FIELDS: Record<Key, FieldSpec> = {
  apiUrl: {
    schema: url,
    env: 'string',
    expected: 'an http(s) URL of the manager API, e.g. http://manager:8000/api',
  },
  gridUrl: {
    schema: url,
    env: 'string',
    expected: 'an http(s) URL of the Selenium Grid hub, e.g. http://grid:4444',
  },
  runName: {
    schema: z.string().trim().min(1).max(255),
    env: 'string',
    expected: 'a non-empty run name (≤ 255 chars)',
  },
  createdBy: {
    schema: z.string().trim().min(1).max(255),
    env: 'string',
    expected: 'a non-empty string (≤ 255 chars)',
  },
  ttlMinutes: {
    schema: int(1, 180),
    env: 'int',
    expected: 'a whole number of minutes from 1 to 180 (manager max)',
  },
  heartbeatTimeoutSec: { schema: int(10), env: 'int', expected: 'a whole number of seconds ≥ 10' },
  heartbeatIntervalSec: {
    schema: int(1),
    env: 'int',
    expected: 'a whole number of seconds ≥ 1, below heartbeatTimeoutSec',
  },
  requirements: {
    schema: z.array(laneRequirementSchema),
    env: 'json',
    expected:
      'a JSON array of lanes like [{"pack_id":"appium-uiautomator2","platform_id":"firetv_real","allocation":"all_available","min_count":1}]',
  },
  runId: { schema: uuid, env: 'string', expected: 'the UUID of an existing GridFleet run' },
  claimMaxWaitSec: {
    schema: int(0, 86_400),
    env: 'int',
    expected: 'a whole number of seconds from 0 to 86400',
  },
  claimInclude: {
    schema: z.array(z.enum(CLAIM_INCLUDES)),
    env: 'list',
    expected: `a list drawn from ${CLAIM_INCLUDES.join(', ')} (env: comma-separated)`,
  },
  capabilities: {
    schema: z.record(z.string().min(1), z.record(z.string(), z.unknown())),
    env: 'json',
    expected: 'a JSON object keyed by platform id (or "*" for every lane) of capability objects',
  },
  cooldownSec: { schema: int(1, 3600), env: 'int', expected: 'a whole number of seconds from 1 to 3600' },
  screenshotDir: { schema: z.string().trim().min(1), env: 'string', expected: 'a directory path' },
  noDeviceTags: {
    schema: z.array(z.string().regex(/^@\S+$/)),
    env: 'list',
    expected: 'a list of tags starting with "@" (env: comma-separated), e.g. @no-device',
  },
  onFailure: { schema: z.enum(['cancel', 'complete']), env: 'string', expected: '"cancel" or "complete"' },
};

const CREDENTIAL_KEYS = ['username', 'password', 'credentials', 'auth', 'token'];

function parseEnv(kind: EnvKind, raw: string): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'int':
      return /^[-+]?\d+$/.test(text) ? Number(text) : text;
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        return { invalidJson: text };
      }
  }
}

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  }
}

function zodReason(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return '';
  const where = first.path.length ? ` at ${first.path.join('.')}` : '';
  return ` (${first.message}${where})`;
}

function defaultCreatedBy(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry in some containers
  }
  return `gridfleet-cucumber ${user}@${hostname()}`;
}

/**
 * Loads and validates the gridfleet configuration: `worldParameters.gridfleet`, then environment variables,
 * then defaults. Credentials are never read from here (only from `GRIDFLEET_TESTKIT_USERNAME`/`_PASSWORD`).
 *
 * @param worldParameters - cucumber `worldParameters` (our settings live under `gridfleet`).
 * @param env - environment (defaults to `process.env`).
 * @throws GridFleetConfigError listing every invalid field with its source, value and what is expected.
 */
export function loadGridFleetConfig(
  worldParameters: unknown,
  env: NodeJS.ProcessEnv = process.env,
): GridFleetConfig {
  const issues: ConfigIssue[] = [];
  const params = (worldParameters as { gridfleet?: unknown } | undefined)?.gridfleet;
  let raw: Record<string, unknown> = {};
  if (params !== undefined && params !== null) {
    if (typeof params !== 'object' || Array.isArray(params)) {
      throw new GridFleetConfigError([
        {
          field: 'gridfleet',
          source: 'worldParameters.gridfleet',
          value: describeValue(params),
          expected: 'an object',
        },
      ]);
    }
    raw = params as Record<string, unknown>;
  }
  for (const key of Object.keys(raw)) {
    if (CREDENTIAL_KEYS.includes(key)) {
      issues.push({
        field: key,
        source: `worldParameters.gridfleet.${key}`,
        value: '<redacted>',
        expected: `no credentials in config: set ${ENV_VARS.username} and ${ENV_VARS.password} in the environment instead`,
      });
    } else if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      issues.push({
        field: key,
        source: `worldParameters.gridfleet.${key}`,
        value: describeValue(raw[key]),
        expected: `a known key (${CONFIG_KEYS.join(', ')})`,
      });
    }
  }

  const out: Partial<Record<Key, unknown>> = {};
  const sources: Partial<Record<Key, string>> = {};
  for (const key of CONFIG_KEYS) {
    const spec = FIELDS[key];
    let value: unknown;
    let source: string | undefined;
    if (raw[key] !== undefined && raw[key] !== null) {
      value = raw[key];
      source = `worldParameters.gridfleet.${key}`;
    } else {
      const envValue = env[CONFIG_ENV[key]];
      if (envValue !== undefined && envValue.trim() !== '') {
        value = parseEnv(spec.env, envValue);
        source = `env ${CONFIG_ENV[key]}`;
      }
    }
    if (source === undefined) continue;
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) {
      out[key] = parsed.data;
      sources[key] = source;
    } else {
      const invalidJson = (value as { invalidJson?: unknown } | null)?.invalidJson;
      issues.push({
        field: key,
        source,
        value: describeValue(typeof invalidJson === 'string' ? invalidJson : value),
        // Unparseable JSON says so first: "expected a JSON array" alone reads as a shape problem.
        expected:
          typeof invalidJson === 'string'
            ? `valid JSON (this is not: ${jsonError(invalidJson)}); ${spec.expected}`
            : `${spec.expected}${zodReason(parsed.error)}`,
      });
    }
  }

  const heartbeatTimeoutSec = (out.heartbeatTimeoutSec as number | undefined) ?? 120;
  const heartbeatIntervalSec =
    (out.heartbeatIntervalSec as number | undefined) ??
    Math.max(1, Math.min(30, Math.floor(heartbeatTimeoutSec / 4)));
  if (heartbeatIntervalSec >= heartbeatTimeoutSec) {
    issues.push({
      field: 'heartbeatIntervalSec',
      source: sources.heartbeatIntervalSec ?? 'default',
      value: String(heartbeatIntervalSec),
      expected: `fewer seconds than heartbeatTimeoutSec (${heartbeatTimeoutSec}), ideally a quarter of it`,
    });
  }

  const runId = out.runId as string | undefined;
  let requirements = out.requirements as LaneRequirement[] | undefined;
  if (requirements !== undefined && requirements.length === 0 && runId === undefined) {
    issues.push({
      field: 'requirements',
      source: sources.requirements ?? 'default',
      value: '[]',
      expected: 'at least one lane (or set runId / GRIDFLEET_RUN_ID to join an existing run)',
    });
  }
  if (requirements === undefined && runId === undefined) {
    const packId = env[ENV_VARS.packId]?.trim() || undefined;
    const platformId = env[ENV_VARS.platformId]?.trim() || undefined;
    if (platformId) {
      requirements = [
        {
          ...(packId ? { pack_id: packId } : {}),
          platform_id: platformId,
          allocation: 'all_available',
          min_count: 1,
        },
      ];
    } else {
      issues.push({
        field: 'requirements',
        source: 'default',
        value: 'undefined',
        expected:
          `device lanes: set worldParameters.gridfleet.requirements, ${CONFIG_ENV.requirements}, ` +
          `${ENV_VARS.platformId} (+ optional ${ENV_VARS.packId}), or ${CONFIG_ENV.runId} to join a run`,
      });
    }
  }
  if (runId !== undefined && requirements !== undefined && requirements.length > 0 && sources.requirements) {
    issues.push({
      field: 'requirements',
      source: sources.requirements,
      value: describeValue(requirements),
      expected: `no requirements when joining run ${runId} (its lanes come from the run itself); remove one of them`,
    });
  }

  if (issues.length > 0) throw new GridFleetConfigError(issues);

  return {
    apiUrl: stripTrailingSlashes((out.apiUrl as string | undefined) ?? DEFAULT_API_URL),
    gridUrl: stripTrailingSlashes((out.gridUrl as string | undefined) ?? DEFAULT_GRID_URL),
    runName: (out.runName as string | undefined) ?? defaultRunName(env),
    createdBy: (out.createdBy as string | undefined) ?? defaultCreatedBy(),
    ttlMinutes: (out.ttlMinutes as number | undefined) ?? 60,
    heartbeatTimeoutSec,
    heartbeatIntervalSec,
    requirements: runId === undefined ? (requirements ?? []) : [],
    runId,
    claimMaxWaitSec: (out.claimMaxWaitSec as number | undefined) ?? 300,
    claimInclude: (out.claimInclude as GridFleetConfig['claimInclude'] | undefined) ?? [
      'config',
      'test_data',
    ],
    capabilities: (out.capabilities as GridFleetConfig['capabilities'] | undefined) ?? {},
    cooldownSec: (out.cooldownSec as number | undefined) ?? 60,
    screenshotDir: (out.screenshotDir as string | undefined) ?? 'screenshots',
    noDeviceTags: (out.noDeviceTags as string[] | undefined) ?? ['@no-device'],
    onFailure: (out.onFailure as GridFleetConfig['onFailure'] | undefined) ?? 'cancel',
  };
}
