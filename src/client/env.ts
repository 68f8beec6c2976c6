/**
 * Environment variables the GridFleet client reads. Values are read at call time (never at import time)
 * so a test or a cucumber config can change `process.env` after this module was loaded.
 */

/** Names of every environment variable the client understands. */
export const ENV_VARS = {
  apiUrl: 'GRIDFLEET_API_URL',
  gridUrl: 'GRID_URL',
  username: 'GRIDFLEET_TESTKIT_USERNAME',
  password: 'GRIDFLEET_TESTKIT_PASSWORD',
  packId: 'GRIDFLEET_TESTKIT_PACK_ID',
  platformId: 'GRIDFLEET_TESTKIT_PLATFORM_ID',
} as const;

/** Default manager API base URL (includes `/api`, like the Python testkit). */
export const DEFAULT_API_URL = 'http://localhost:8000/api';

/** Default Selenium Grid hub URL. */
export const DEFAULT_GRID_URL = 'http://localhost:4444';

/** Basic-auth machine credentials; only present when both variables are set and non-empty. */
export interface BasicCredentials {
  /** Machine-auth username (`GRIDFLEET_MACHINE_AUTH_USERNAME` on the manager). */
  readonly username: string;
  /** Machine-auth password. Never logged, never put into an error message. */
  readonly password: string;
}

/** Snapshot of the client-relevant environment. */
export interface GridFleetEnv {
  /** `GRIDFLEET_API_URL` or {@link DEFAULT_API_URL}; trailing slashes removed. */
  readonly apiUrl: string;
  /** `GRID_URL` or {@link DEFAULT_GRID_URL}; trailing slashes removed. */
  readonly gridUrl: string;
  /** Credentials when both `GRIDFLEET_TESTKIT_USERNAME` and `GRIDFLEET_TESTKIT_PASSWORD` are set. */
  readonly credentials: BasicCredentials | undefined;
  /** `GRIDFLEET_TESTKIT_PACK_ID`, or undefined when unset/empty. */
  readonly packId: string | undefined;
  /** `GRIDFLEET_TESTKIT_PLATFORM_ID`, or undefined when unset/empty. */
  readonly platformId: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Removes trailing slashes so paths can be appended with a single `/`. */
export function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Reads the client environment now.
 *
 * @param env - the variables to read (defaults to `process.env`; pass an object in tests).
 */
export function readGridFleetEnv(env: NodeJS.ProcessEnv = process.env): GridFleetEnv {
  const username = nonEmpty(env[ENV_VARS.username]);
  // Passwords may legitimately contain surrounding spaces; only treat empty as unset.
  const rawPassword = env[ENV_VARS.password];
  const password = rawPassword === undefined || rawPassword === '' ? undefined : rawPassword;
  return {
    apiUrl: stripTrailingSlashes(nonEmpty(env[ENV_VARS.apiUrl]) ?? DEFAULT_API_URL),
    gridUrl: stripTrailingSlashes(nonEmpty(env[ENV_VARS.gridUrl]) ?? DEFAULT_GRID_URL),
    credentials: username !== undefined && password !== undefined ? { username, password } : undefined,
    packId: nonEmpty(env[ENV_VARS.packId]),
    platformId: nonEmpty(env[ENV_VARS.platformId]),
  };
}
