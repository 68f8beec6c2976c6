/**
 * Lab file: the declarative description of a simulated GridFleet lab (driver packs, their platforms,
 * the devices on them and the manager settings). Shared by the lab server and the stack launcher.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Absolute path of the bundled demo lab (`assets/labs/demo.yaml`), valid from `lab/src/manager` and `lab/dist/manager`. */
export const DEMO_LAB_PATH: string = resolve(__dirname, '..', '..', 'assets', 'labs', 'demo.yaml');

/**
 * Absolute path of the XML "app" the Appium fake driver loads (`appium:app`; the driver ships none).
 * The router-generation lab adds it for fake-driver devices; the stack puts it in slot stereotypes.
 */
export const FAKE_APP_PATH: string = resolve(__dirname, '..', '..', 'assets', 'fake-app.xml');

const PACK_STATES = ['draft', 'enabled', 'draining', 'disabled'] as const;
const DEVICE_TYPES = ['real_device', 'emulator', 'simulator'] as const;
const CONNECTION_TYPES = ['usb', 'network', 'virtual'] as const;

/** Free-form JSON object (device config, test_data, catalog extras). */
const jsonObject = z.record(z.string(), z.unknown());
const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');
/** A version string; YAML integers are accepted, YAML floats (8.10 → 8.1) would lose digits. */
const versionString = z.union([z.string(), z.number().int().transform(String)], {
  error: 'must be a string such as "14" or "8.1.0.9" (quote versions in YAML: 8.10 would read as 8.1)',
});

const platformSchema = z.strictObject({
  id: nonEmpty,
  display_name: z.string().optional(),
  automation_name: nonEmpty,
  appium_platform_name: nonEmpty,
  device_types: z.array(z.enum(DEVICE_TYPES)).min(1).default(['real_device']),
  connection_types: z.array(z.enum(CONNECTION_TYPES)).min(1).default(['usb', 'network']),
  grid_slots: z.array(nonEmpty).min(1).default(['native']),
  identity_scheme: nonEmpty.default('serial'),
  identity_scope: z.enum(['global', 'host']).default('host'),
  /** Extra catalog Platform fields (health_checks, parallel_resources, ...) laid over the defaults. */
  catalog: jsonObject.default({}),
});

const packSchema = z.strictObject({
  id: nonEmpty,
  display_name: z.string().optional(),
  state: z.enum(PACK_STATES).default('enabled'),
  maintainer: z.string().default(''),
  license: z.string().default(''),
  current_release: z.string().nullable().default('2026.04.0'),
  platforms: z.array(platformSchema).default([]),
  /** Extra catalog Pack fields (appium_server, doctor, ...) laid over the defaults. */
  catalog: jsonObject.default({}),
});

const deviceSchema = z.strictObject({
  id: z
    .uuid({ error: 'must be a UUID such as 3f2b8c1e-9d4a-4e7b-8a61-2c5d9e0f1a7b (or omit it)' })
    .optional(),
  name: nonEmpty,
  pack_id: nonEmpty,
  platform_id: nonEmpty,
  identity_value: nonEmpty,
  connection_target: z.string().nullable().optional(),
  os_version: versionString.default('unknown'),
  device_type: z.enum(DEVICE_TYPES).optional(),
  connection_type: z.enum(CONNECTION_TYPES).optional(),
  manufacturer: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
  model_number: z.string().nullable().default(null),
  host_ip: z.string().default('127.0.0.1'),
  ip_address: z.string().nullable().optional(),
  tags: z.record(z.string(), z.coerce.string()).default({}),
  /** Router generation: keys of the device groups (top-level `groups`) this device belongs to. */
  groups: z.array(z.string()).default([]),
  config: jsonObject.default({}),
  test_data: jsonObject.default({}),
  /** Initial state, to model a lab with offline, held or unhealthy devices. */
  operational_state: z.enum(['available', 'busy', 'offline']).default('available'),
  hold: z.enum(['maintenance', 'reserved']).nullable().default(null),
  readiness_state: z.enum(['setup_required', 'verification_required', 'verified']).default('verified'),
  healthy: z.boolean().nullable().default(null),
  /** Router generation: this device's Appium server (default: `settings.appium_url`). */
  appium_url: z.url({ error: 'must be an http URL such as http://127.0.0.1:4723' }).optional(),
});

/** Group keys as the router-era manager accepts them. */
const GROUP_KEY = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const groupSchema = z.strictObject({
  key: z.string().regex(GROUP_KEY, 'must match ^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$ (e.g. "smoke-tier")'),
  name: z.string().optional(),
  description: z.string().nullable().default(null),
});

const settingsSchema = z.strictObject({
  /** Which GridFleet generation the lab answers as: `claim` (claims + Selenium Grid) or `router` (WebDriver router). */
  generation: z.enum(['claim', 'router']).default('claim'),
  retry_after_sec: z.number().int().min(0).default(5),
  cooldown_escalation_threshold: z.number().int().min(0).max(100).default(3),
  device_cooldown_max_sec: z.number().int().min(1).default(3600),
  /** Router generation: a preparation failure or cooldown escalation parks the device in maintenance. */
  run_failure_escalates_to_maintenance: z.boolean().default(true),
  max_ttl_minutes: z.number().int().min(1).default(180),
  default_ttl_minutes: z.number().int().min(1).default(60),
  default_heartbeat_timeout_sec: z.number().int().min(1).default(120),
  claim_ttl_seconds: z.number().int().min(1).default(120),
  sweep_interval_sec: z.number().positive().default(15),
  lifecycle: z.enum(['claim-era', 'target']).default('claim-era'),
  grid_url: z.string().default('http://127.0.0.1:4444'),
  /** Grid `/status` polling like the manager's session_sync (5 s there); 0 = off. */
  grid_session_poll_sec: z.number().min(0).default(0),
  /**
   * Router generation (docs/manager-api.md §R4.4, §R4.6): the Appium server of every
   * device without its own `appium_url`; the lab itself creates the sessions there.
   */
  appium_url: z
    .url({ error: 'must be an http URL such as http://127.0.0.1:4723' })
    .default('http://127.0.0.1:4723'),
  /** Add `appium:app` (the fake driver's XML app) to the body sent to Appium when the client sent none. */
  appium_add_fake_app: z.boolean().default(true),
  /** One create-session long-poll slice (the manager's 25 s constant). */
  create_session_slice_sec: z.number().positive().default(25),
  /** Pause between allocation attempts inside a slice (1 s on the manager). */
  allocation_retry_sec: z.number().positive().default(1),
  /**
   * Lab shortcut: a waiting create-session call re-tries as soon as a session or run ends instead of at
   * its next `allocation_retry_sec` tick. false = the real manager's cadence (it only re-tries on the
   * tick; docs/manager-api.md §R4.6.1 step 5), which the bench's idle-gap figure needs.
   */
  allocation_wake_on_release: z.boolean().default(true),
  /** `grid.queue_timeout_sec`: a waiting ticket older than this expires (410). */
  queue_timeout_sec: z.number().positive().default(300),
  /** A waiting ticket not re-polled for this long expires. */
  ticket_stale_sec: z.number().positive().default(20),
  /** `grid.claim_window_sec`: the Appium create gets this minus 5 s at most. */
  claim_window_sec: z.number().positive().default(120),
  /** `grid.session_idle_timeout_sec`: a running session without commands this long is reaped. */
  session_idle_timeout_sec: z.number().positive().default(1800),
  /** `grid.session_first_command_grace_sec`: a session never commanded this long is reaped. */
  session_first_command_grace_sec: z.number().positive().default(180),
  auth: z
    .strictObject({
      enabled: z.boolean().default(false),
      username: z.string().default(''),
      password: z.string().default(''),
    })
    .default({ enabled: false, username: '', password: '' }),
});

const labFileSchema = z.strictObject({
  packs: z.array(packSchema).min(1, 'declare at least one pack'),
  devices: z.array(deviceSchema).default([]),
  /** Router generation: static device groups (members are listed on each device's `groups`). */
  groups: z.array(groupSchema).default([]),
  settings: settingsSchema.default(settingsSchema.parse({})),
});

/** A platform of a pack, as the catalog exposes it. */
export type LabPlatform = Omit<z.output<typeof platformSchema>, 'display_name'> & { display_name: string };

/** A driver pack with its platforms. */
export type LabPack = Omit<z.output<typeof packSchema>, 'display_name' | 'platforms'> & {
  display_name: string;
  platforms: LabPlatform[];
};

/** Manager settings of the lab (wire-level knobs of the simulated manager). */
export type LabSettings = z.output<typeof settingsSchema>;

/** A device with every default resolved (snake_case like the manager's model). */
export interface LabDevice {
  id: string;
  name: string;
  pack_id: string;
  platform_id: string;
  identity_value: string;
  connection_target: string | null;
  os_version: string;
  device_type: (typeof DEVICE_TYPES)[number];
  connection_type: (typeof CONNECTION_TYPES)[number];
  manufacturer: string | null;
  model: string | null;
  model_number: string | null;
  host_ip: string;
  ip_address: string | null;
  tags: Record<string, string>;
  /** Keys of the groups the device belongs to (router generation). */
  groups: string[];
  config: Record<string, unknown>;
  test_data: Record<string, unknown>;
  operational_state: 'available' | 'busy' | 'offline';
  hold: 'maintenance' | 'reserved' | null;
  readiness_state: 'setup_required' | 'verification_required' | 'verified';
  healthy: boolean | null;
  /** Router generation: the device's own Appium URL, or null for `settings.appium_url`. */
  appium_url: string | null;
}

/** A static device group (router generation). */
export interface LabGroup {
  key: string;
  name: string;
  description: string | null;
}

/** A validated lab file with every default and id resolved. */
export interface ResolvedLab {
  packs: LabPack[];
  devices: LabDevice[];
  /** Static device groups (router generation; `[]` when the file declares none). */
  groups: LabGroup[];
  settings: LabSettings;
  /** Where the lab came from (file path or a caller-given label). */
  source: string;
}

/** Thrown for an unreadable or invalid lab file; the message names the file and each bad field. */
export class LabFileError extends Error {
  /** One line per problem, each `path: problem`. */
  readonly problems: string[];
  constructor(
    readonly source: string,
    problems: string[],
  ) {
    super(problems.map((p) => `lab file ${source}: ${p}`).join('\n'));
    this.name = 'LabFileError';
    this.problems = problems;
  }
}

/** Default settings (what a lab file without `settings` gets). */
export const DEFAULT_LAB_SETTINGS: LabSettings = settingsSchema.parse({});

/** Validates settings overrides on top of a base (used by `startLab({ settings })`). */
export function resolveLabSettings(
  base: LabSettings,
  overrides: Partial<LabSettings>,
  source: string,
): LabSettings {
  const result = settingsSchema.safeParse({ ...base, ...overrides });
  if (!result.success)
    throw new LabFileError(
      source,
      result.error.issues.map((i) => formatIssue(i, ['settings'])),
    );
  return result.data;
}

/**
 * Deterministic UUID-formatted id for a device that has none: a hash of pack id and identity value,
 * so the same lab file always yields the same ids across restarts.
 */
export function deterministicDeviceId(packId: string, identityValue: string): string {
  const hex = createHash('sha256').update(`gridfleet-lab\0${packId}\0${identityValue}`).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Reads and validates a lab file; `.json` is parsed as JSON, `.yaml`/`.yml` as YAML. */
export function loadLabFile(path: string): ResolvedLab {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    throw new LabFileError(path, [`cannot read it (${reason}); pass an existing .yaml, .yml or .json file`]);
  }
  return parseLabFile(raw, path);
}

/**
 * Validates lab file content. `raw` is the file text (format chosen by the extension of `source`;
 * YAML, a superset of JSON, when there is none) or an already parsed object.
 */
export function parseLabFile(raw: string | unknown, source: string): ResolvedLab {
  const data = typeof raw === 'string' ? parseText(raw, source) : raw;
  const result = labFileSchema.safeParse(data);
  if (!result.success)
    throw new LabFileError(
      source,
      result.error.issues.map((i) => formatIssue(i, [])),
    );
  const file = result.data;
  const problems: string[] = [];
  const packs = file.packs.map(
    (p): LabPack => ({
      ...p,
      display_name: p.display_name ?? p.id,
      platforms: p.platforms.map((pl) => ({ ...pl, display_name: pl.display_name ?? pl.id })),
    }),
  );
  checkUnique(
    packs.map((p) => p.id),
    (i, id) => `packs[${i}].id: duplicate pack id "${id}"; pack ids must be unique`,
    problems,
  );
  packs.forEach((p, pi) => {
    checkUnique(
      p.platforms.map((pl) => pl.id),
      (i, id) => `packs[${pi}].platforms[${i}].id: duplicate platform id "${id}" in pack "${p.id}"`,
      problems,
    );
  });
  const devices: LabDevice[] = [];
  file.devices.forEach((d, i) => {
    const at = `devices[${i}]`;
    const pack = packs.find((p) => p.id === d.pack_id);
    if (!pack) {
      problems.push(
        `${at}.pack_id: pack "${d.pack_id}" is not declared (known: ${packs.map((p) => p.id).join(', ')})`,
      );
      return;
    }
    const platform = pack.platforms.find((pl) => pl.id === d.platform_id);
    if (!platform) {
      const known = pack.platforms.map((pl) => pl.id).join(', ') || 'none';
      problems.push(
        `${at}.platform_id: platform "${d.platform_id}" is not in pack "${pack.id}" (known: ${known})`,
      );
      return;
    }
    const deviceType = d.device_type ?? platform.device_types[0] ?? 'real_device';
    if (!platform.device_types.includes(deviceType)) {
      problems.push(
        `${at}.device_type: "${deviceType}" is not allowed on platform "${platform.id}" (allowed: ${platform.device_types.join(', ')})`,
      );
    }
    const virtual = deviceType !== 'real_device' && platform.connection_types.includes('virtual');
    const connectionType =
      d.connection_type ?? (virtual ? 'virtual' : (platform.connection_types[0] ?? 'usb'));
    if (!platform.connection_types.includes(connectionType)) {
      problems.push(
        `${at}.connection_type: "${connectionType}" is not allowed on platform "${platform.id}" (allowed: ${platform.connection_types.join(', ')})`,
      );
    }
    const target = d.connection_target === undefined ? d.identity_value : d.connection_target;
    devices.push({
      id: (d.id ?? deterministicDeviceId(d.pack_id, d.identity_value)).toLowerCase(),
      name: d.name,
      pack_id: d.pack_id,
      platform_id: d.platform_id,
      identity_value: d.identity_value,
      connection_target: target,
      os_version: d.os_version,
      device_type: deviceType,
      connection_type: connectionType,
      manufacturer: d.manufacturer,
      model: d.model,
      model_number: d.model_number,
      host_ip: d.host_ip,
      ip_address: d.ip_address === undefined ? networkAddress(connectionType, target) : d.ip_address,
      tags: d.tags,
      groups: d.groups,
      config: d.config,
      test_data: d.test_data,
      operational_state: d.operational_state,
      hold: d.hold,
      readiness_state: d.readiness_state,
      healthy: d.healthy,
      appium_url: d.appium_url ?? null,
    });
  });
  checkUnique(
    devices.map((d) => d.id),
    (i, id) =>
      `devices[${i}].id: duplicate device id "${id}" (two devices with the same id, or the same pack_id + identity_value)`,
    problems,
  );
  checkUnique(
    devices.map((d) => d.name),
    (i, name) => `devices[${i}].name: duplicate device name "${name}"; names must be unique`,
    problems,
  );
  if (file.settings.auth.enabled && (!file.settings.auth.username || !file.settings.auth.password)) {
    problems.push('settings.auth: enabled auth needs a non-empty username and password');
  }
  if (file.settings.default_ttl_minutes > file.settings.max_ttl_minutes) {
    problems.push('settings.default_ttl_minutes: must not exceed settings.max_ttl_minutes');
  }
  const groups: LabGroup[] = file.groups.map((g) => ({
    key: g.key,
    name: g.name ?? g.key,
    description: g.description,
  }));
  checkUnique(
    groups.map((g) => g.key),
    (i, key) => `groups[${i}].key: duplicate group key "${key}"`,
    problems,
  );
  const groupKeys = new Set(groups.map((g) => g.key));
  devices.forEach((d, i) => {
    for (const key of d.groups) {
      if (!groupKeys.has(key)) {
        problems.push(
          `devices[${i}].groups: unknown group "${key}"; declare it under the top-level groups: (key, name)`,
        );
      }
    }
  });
  if (problems.length > 0) throw new LabFileError(source, problems);
  return { packs, devices, groups, settings: file.settings, source };
}

function parseText(text: string, source: string): unknown {
  const ext = extname(source).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    if (ext === '' || ext === '.yaml' || ext === '.yml') return parseYaml(text);
  } catch (err) {
    throw new LabFileError(source, [
      `not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    ]);
  }
  throw new LabFileError(source, [`unsupported extension "${ext}"; use .yaml, .yml or .json`]);
}

/** `10.0.0.5:5555` on a network device yields its IP; other targets yield none. */
function networkAddress(connectionType: string, target: string | null): string | null {
  if (connectionType !== 'network' || !target) return null;
  const host = target.replace(/:\d+$/, '');
  return /^[\d.]+$/.test(host) ? host : null;
}

function checkUnique(
  values: string[],
  message: (index: number, value: string) => string,
  out: string[],
): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) out.push(message(i, v));
    seen.add(v);
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

function formatIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): string {
  const path = formatPath([...prefix, ...issue.path]);
  if (issue.code === 'unrecognized_keys') {
    return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling`;
  }
  if (issue.code === 'invalid_value') {
    return `${path}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `${path}: required field is missing (${issue.expected} expected)`;
  }
  if (
    issue.code === 'invalid_type' &&
    issue.expected === 'string' &&
    issue.message.endsWith('received number')
  ) {
    return `${path}: must be a string, got a number (quote it in YAML, e.g. "0421")`;
  }
  return `${path}: ${issue.message}`;
}
