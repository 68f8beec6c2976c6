import path from 'node:path';
import { readGridFleetEnv } from '../client/env';
import { errorText } from '../client/error_text';
import { GridFleetError } from '../client/errors';
import {
  type GridFleetConfig,
  GridFleetConfigError,
  type LaneRequirement,
  loadGridFleetConfig,
} from '../config';

/** Where the cucumber configuration is read from (cucumber-js's own rules and flags). */
export interface ProjectConfigOptions {
  /** Project directory (default: the current directory). */
  cwd: string;
  /** `--config FILE`; default: cucumber's own discovery (cucumber.js/.cjs/.mjs/.json/.yaml/.yml). */
  configFile?: string | undefined;
  /** `--profile NAME` (repeatable); default: the `default` profile. */
  profiles: string[];
  /** `--platform ID` or `--platform PACK/ID` flags, added to the configured lanes. */
  platforms: string[];
  /** Environment (default: `process.env`). */
  env: NodeJS.ProcessEnv;
  /**
   * Read the config as a shard joining this run would: `GRIDFLEET_RUN_ID` set to it, configured lanes
   * ignored (a joined run's lanes come from the run). Used by `run finish` / `run heartbeat`.
   */
  joinRunId?: string | undefined;
}

/** The gridfleet configuration of a project as the cucumber layer would see it. */
export interface ProjectConfig {
  /** Validated configuration, or undefined when it is invalid. */
  config: GridFleetConfig | undefined;
  /** Why the configuration is invalid (message lists every field, its source and the fix). */
  error: string | undefined;
  /** Manager API URL (from the config, else the environment/default, so checks can still run). */
  apiUrl: string;
  /** Selenium Grid URL (likewise). */
  gridUrl: string;
  /** Lanes to check or reserve (configured lanes plus `--platform` flags, de-duplicated). */
  lanes: LaneRequirement[];
  /** Where the worldParameters came from (for messages). */
  source: string;
}

/** Loads `@cucumber/cucumber/api` from the project (not from this package), or undefined when absent. */
function loadCucumberApi(cwd: string): typeof import('@cucumber/cucumber/api') | undefined {
  let resolved: string;
  try {
    resolved = require.resolve('@cucumber/cucumber/api', { paths: [cwd] });
  } catch {
    return undefined;
  }
  return require(resolved) as typeof import('@cucumber/cucumber/api');
}

/** `ID` or `PACK/ID` into a lane. */
function parsePlatformFlag(value: string): LaneRequirement {
  const parts = value.split('/');
  const [first, second] = parts;
  if (parts.length > 2 || !first || (parts.length === 2 && !second)) {
    throw new UsageError(
      `--platform "${value}" is not a platform: pass a platform id (e.g. android_mobile) or PACK/PLATFORM ` +
        '(e.g. appium-uiautomator2/android_mobile).',
    );
  }
  return second
    ? { pack_id: first, platform_id: second, allocation: 'all_available', min_count: 1 }
    : { platform_id: first, allocation: 'all_available', min_count: 1 };
}

/** A command line mistake: printed with the usage hint, exit code 2. */
export class UsageError extends GridFleetError {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function sameLane(a: LaneRequirement, b: LaneRequirement): boolean {
  return (
    a.platform_id === b.platform_id &&
    (a.pack_id ?? '') === (b.pack_id ?? '') &&
    a.os_version === b.os_version
  );
}

/**
 * Reads `worldParameters.gridfleet` from the project's cucumber configuration (through cucumber's own
 * `loadConfiguration`, so profiles and file discovery work as for `cucumber-js`), then validates it with
 * the loader the cucumber layer uses. `--platform` flags add lanes; with only flags and no configured
 * lanes, the flags are the lanes.
 */
export async function loadProjectConfig(options: ProjectConfigOptions): Promise<ProjectConfig> {
  const flagLanes = options.platforms.map(parsePlatformFlag);
  let worldParameters: unknown = {};
  let source = 'environment only (no cucumber configuration read)';
  const api = loadCucumberApi(options.cwd);
  const envFallback = readGridFleetEnv(options.env);
  const fail = (error: string): ProjectConfig => ({
    config: undefined,
    error,
    apiUrl: envFallback.apiUrl,
    gridUrl: envFallback.gridUrl,
    lanes: flagLanes,
    source,
  });
  if (api) {
    try {
      const { useConfiguration } = await api.loadConfiguration(
        {
          ...(options.configFile !== undefined ? { file: options.configFile } : {}),
          profiles: options.profiles,
        },
        { cwd: options.cwd, env: options.env },
      );
      worldParameters = useConfiguration.worldParameters ?? {};
      const profiles = options.profiles.length > 0 ? options.profiles.join(', ') : 'default';
      source = `${options.configFile ? path.relative(options.cwd, path.resolve(options.cwd, options.configFile)) : 'cucumber configuration'} (profile ${profiles}) and environment`;
    } catch (error) {
      return fail(
        `Could not read the cucumber configuration: ${errorText(error)}. ` +
          'Fix the file, or point --config / --profile at the right one.',
      );
    }
  } else if (options.configFile !== undefined) {
    return fail(
      `--config ${options.configFile} needs @cucumber/cucumber installed in ${options.cwd} to be read; install it ` +
        '(npm install --save-dev @cucumber/cucumber) or drop --config.',
    );
  }

  let env = options.env;
  if (options.joinRunId !== undefined) {
    const params = (worldParameters as { gridfleet?: Record<string, unknown> }).gridfleet;
    if (params && typeof params === 'object') {
      const { requirements: _ignored, ...rest } = params;
      worldParameters = { ...(worldParameters as object), gridfleet: rest };
    }
    env = { ...env, GRIDFLEET_RUN_ID: options.joinRunId, GRIDFLEET_REQUIREMENTS: '' };
  }
  let config: GridFleetConfig;
  try {
    config = loadGridFleetConfig(worldParameters, env);
  } catch (error) {
    const onlyMissingLanes =
      error instanceof GridFleetConfigError &&
      error.issues.every((i) => i.field === 'requirements' && i.source === 'default');
    if (!(onlyMissingLanes && flagLanes.length > 0)) {
      return fail(errorText(error));
    }
    const params = (worldParameters as { gridfleet?: Record<string, unknown> }).gridfleet ?? {};
    try {
      config = loadGridFleetConfig({ gridfleet: { ...params, requirements: flagLanes } }, env);
    } catch (retry) {
      return fail(retry instanceof Error ? retry.message : String(retry));
    }
  }
  const lanes = [...config.requirements];
  for (const lane of flagLanes) if (!lanes.some((l) => sameLane(l, lane))) lanes.push(lane);
  return { config, error: undefined, apiUrl: config.apiUrl, gridUrl: config.gridUrl, lanes, source };
}
