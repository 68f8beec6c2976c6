import { isMainThread } from 'node:worker_threads';
import type { z } from 'zod';
import { ENV_VARS } from '../client/env';
import { type GridFleetLogger, gridFleetLogger } from '../client/logger';
import { type ConfigIssue, describeValue, GridFleetConfigError } from './config_error';
import { DEPRECATED_KEYS } from './deprecated_keys';
import {
  CONFIG_ENV,
  CONFIG_FIELDS,
  CONFIG_KEYS,
  type ConfigKey,
  type EnvKind,
  type GridFleetConfig,
} from './schema';

const CREDENTIAL_KEYS = ['username', 'password', 'credentials', 'auth', 'token'];
const warned = new Set<string>();

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

/** Where a key's value came from: the field name as written, the source label and the raw value. */
interface Found {
  field: string;
  source: string;
  value: unknown;
  /** Set when an old key or env var was used: the note shown in warnings and errors. */
  deprecation?: string;
}

/** The first source that sets `key`: worldParameters (new key, then old), then env (new var, then old). */
function findValue(key: ConfigKey, raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Found | undefined {
  const spec = CONFIG_FIELDS[key];
  const old = DEPRECATED_KEYS.find((d) => d.replacedBy === key);
  const note = old ? `${old.key} / ${old.env} is deprecated: use ${key} / ${spec.env} instead` : undefined;
  const params: Array<[string, boolean]> = [
    [key, false],
    ...(old ? [[old.key, true] as [string, boolean]] : []),
  ];
  for (const [name, deprecated] of params) {
    if (raw[name] !== undefined && raw[name] !== null) {
      return {
        field: name,
        source: `worldParameters.gridfleet.${name}`,
        value: raw[name],
        deprecation: deprecated ? note : undefined,
      };
    }
  }
  const vars: Array<[string, boolean]> = [
    [spec.env, false],
    ...(old ? [[old.env, true] as [string, boolean]] : []),
  ];
  for (const [name, deprecated] of vars) {
    const text = env[name];
    if (text !== undefined && text.trim() !== '') {
      return {
        field: deprecated && old ? old.key : key,
        source: `env ${name}`,
        value: parseEnv(spec.envKind, text),
        deprecation: deprecated ? note : undefined,
      };
    }
  }
  return undefined;
}

/** Problems with the keys themselves: credentials, unknown keys. */
function keyIssues(raw: Record<string, unknown>): ConfigIssue[] {
  const known = [...CONFIG_KEYS, ...DEPRECATED_KEYS.map((d) => d.key)] as string[];
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (CREDENTIAL_KEYS.includes(key)) {
      issues.push({
        field: key,
        source: `worldParameters.gridfleet.${key}`,
        value: '<redacted>',
        expected: `no credentials in config: set ${ENV_VARS.username} and ${ENV_VARS.password} in the environment instead`,
      });
    } else if (!known.includes(key)) {
      issues.push({
        field: key,
        source: `worldParameters.gridfleet.${key}`,
        value: describeValue(raw[key]),
        expected: `a known key (${CONFIG_KEYS.join(', ')})`,
      });
    }
  }
  return issues;
}

/** Checks between keys, once each has its value. */
function crossIssues(config: GridFleetConfig, sources: Partial<Record<ConfigKey, string>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { heartbeatIntervalSec, heartbeatTimeoutSec, requirements, runId } = config;
  if (heartbeatIntervalSec >= heartbeatTimeoutSec) {
    issues.push({
      field: 'heartbeatIntervalSec',
      source: sources.heartbeatIntervalSec ?? 'default',
      value: String(heartbeatIntervalSec),
      expected: `fewer seconds than heartbeatTimeoutSec (${heartbeatTimeoutSec}), ideally a quarter of it`,
    });
  }
  if (runId === undefined && requirements.length === 0) {
    issues.push(
      sources.requirements
        ? {
            field: 'requirements',
            source: sources.requirements,
            value: '[]',
            expected: 'at least one lane (or set runId / GRIDFLEET_RUN_ID to join an existing run)',
          }
        : {
            field: 'requirements',
            source: 'default',
            value: 'undefined',
            expected:
              `device lanes: set worldParameters.gridfleet.requirements, ${CONFIG_ENV.requirements}, ` +
              `${ENV_VARS.platformId} (+ optional ${ENV_VARS.packId}), or ${CONFIG_ENV.runId} to join a run`,
          },
    );
  }
  if (runId !== undefined && requirements.length > 0 && sources.requirements) {
    issues.push({
      field: 'requirements',
      source: sources.requirements,
      value: describeValue(requirements),
      expected: `no requirements when joining run ${runId} (its lanes come from the run itself); remove one of them`,
    });
  }
  return issues;
}

/**
 * Loads and validates the gridfleet configuration: `worldParameters.gridfleet`, then environment variables,
 * then defaults (all declared once in `CONFIG_FIELDS`). Credentials are never read from here (only from
 * `GRIDFLEET_TESTKIT_USERNAME`/`_PASSWORD`). Deprecated keys still work and are warned about once.
 *
 * @param worldParameters - cucumber `worldParameters` (our settings live under `gridfleet`).
 * @param env - environment (defaults to `process.env`).
 * @param logger - receives deprecation warnings (main thread only, once per key; default `console.warn`).
 * @throws GridFleetConfigError listing every invalid field with its source, value and what is expected.
 */
export function loadGridFleetConfig(
  worldParameters: unknown,
  env: NodeJS.ProcessEnv = process.env,
  logger: GridFleetLogger = gridFleetLogger(),
): GridFleetConfig {
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
  const issues = keyIssues(raw);
  const resolved: Record<string, unknown> = {};
  const sources: Partial<Record<ConfigKey, string>> = {};
  for (const key of CONFIG_KEYS) {
    const found = findValue(key, raw, env);
    if (found === undefined) continue;
    const spec = CONFIG_FIELDS[key];
    if (found.deprecation && isMainThread && !warned.has(found.source)) {
      warned.add(found.source);
      logger.warn(`${found.source}: ${found.deprecation}`);
    }
    const parsed = spec.schema.safeParse(found.value);
    if (parsed.success) {
      resolved[key] = parsed.data;
      sources[key] = found.source;
      continue;
    }
    const invalidJson = (found.value as { invalidJson?: unknown } | null)?.invalidJson;
    const note = found.deprecation ? ` (${found.deprecation})` : '';
    issues.push({
      field: found.field,
      source: found.source,
      value: describeValue(typeof invalidJson === 'string' ? invalidJson : found.value),
      // Unparseable JSON says so first: "expected a JSON array" alone reads as a shape problem.
      expected:
        typeof invalidJson === 'string'
          ? `valid JSON (this is not: ${jsonError(invalidJson)}); ${spec.expected}${note}`
          : `${spec.expected}${zodReason(parsed.error)}${note}`,
    });
  }
  // Defaults in key order, after every explicit value: a default may depend on explicit values of any key.
  for (const key of CONFIG_KEYS) {
    if (!(key in resolved)) resolved[key] = CONFIG_FIELDS[key].default({ env, resolved });
  }
  const config = resolved as GridFleetConfig;
  issues.push(...crossIssues(config, sources));
  if (issues.length > 0) throw new GridFleetConfigError(issues);
  // A joined run's lanes come from the run itself.
  return config.runId === undefined ? config : { ...config, requirements: [] };
}
