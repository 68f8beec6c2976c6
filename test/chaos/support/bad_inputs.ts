/** One bad input given to a real cucumber-js run. */
export interface BadInput {
  /** Short id. */
  id: string;
  /** What is wrong, as the docs table shows it. */
  input: string;
  /** Environment on top of a valid android_mobile lane. */
  env?: Record<string, string>;
  /** `worldParameters.gridfleet` (passed with `--world-parameters`). */
  gridfleet?: unknown;
  /** Serve a lab where two enabled packs provide `android_mobile`. */
  ambiguousLab?: boolean;
  /** What the message must say: the field (or env var) and the fix. */
  message: RegExp[];
}

/** Every configuration field with a wrong type or value, and the other bad inputs of issue #5. */
export const BAD_INPUTS: BadInput[] = [
  {
    id: 'apiUrl',
    input: 'GRIDFLEET_API_URL=ftp://manager/api',
    env: { GRIDFLEET_API_URL: 'ftp://manager/api' },
    message: [/apiUrl/, /GRIDFLEET_API_URL/, /http\(s\) URL/],
  },
  {
    id: 'gridUrl',
    input: 'GRID_URL=grid:4444 (no scheme)',
    env: { GRID_URL: 'grid:4444' },
    message: [/gridUrl/, /GRID_URL/, /http\(s\) URL/],
  },
  {
    id: 'runName',
    input: 'runName: "" (world parameters)',
    gridfleet: { runName: '' },
    message: [/runName/, /non-empty run name/],
  },
  {
    id: 'createdBy',
    input: 'createdBy: 42',
    gridfleet: { createdBy: 42 },
    message: [/createdBy/, /non-empty string/],
  },
  {
    id: 'ttlMinutes-range',
    input: 'GRIDFLEET_TTL_MINUTES=500',
    env: { GRIDFLEET_TTL_MINUTES: '500' },
    message: [/ttlMinutes/, /GRIDFLEET_TTL_MINUTES/, /1 to 180/],
  },
  {
    id: 'ttlMinutes-type',
    input: 'GRIDFLEET_TTL_MINUTES=soon',
    env: { GRIDFLEET_TTL_MINUTES: 'soon' },
    message: [/ttlMinutes/, /whole number/],
  },
  {
    id: 'heartbeatTimeoutSec',
    input: 'GRIDFLEET_HEARTBEAT_TIMEOUT_SEC=5',
    env: { GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '5' },
    message: [/heartbeatTimeoutSec/, /≥ 10/],
  },
  {
    id: 'heartbeatIntervalSec',
    input: 'GRIDFLEET_HEARTBEAT_INTERVAL_SEC=200 (≥ the 120 s timeout)',
    env: { GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '200' },
    message: [/heartbeatIntervalSec/, /fewer seconds than heartbeatTimeoutSec/],
  },
  {
    id: 'requirements-json',
    input: 'GRIDFLEET_REQUIREMENTS=[{"platform_id": (invalid JSON)',
    env: { GRIDFLEET_REQUIREMENTS: '[{"platform_id":' },
    message: [/requirements/, /GRIDFLEET_REQUIREMENTS/, /JSON array of lanes/],
  },
  {
    id: 'requirements-shape',
    input: 'GRIDFLEET_REQUIREMENTS={"platform_id":"android_mobile"} (not an array)',
    env: { GRIDFLEET_REQUIREMENTS: '{"platform_id":"android_mobile"}' },
    message: [/requirements/, /JSON array/],
  },
  {
    id: 'requirements-combination',
    input: 'a lane with count and allocation "all_available"',
    env: {
      GRIDFLEET_REQUIREMENTS: '[{"platform_id":"android_mobile","count":2,"allocation":"all_available"}]',
    },
    message: [/requirements/, /cannot be combined/],
  },
  {
    id: 'requirements-unknown-key',
    input: 'a lane with a misspelt key (platfrom_id)',
    env: { GRIDFLEET_REQUIREMENTS: '[{"platfrom_id":"android_mobile"}]' },
    message: [/requirements/, /platfrom_id|platform_id/],
  },
  {
    id: 'runId',
    input: 'GRIDFLEET_RUN_ID=run-42 (not a UUID)',
    env: { GRIDFLEET_RUN_ID: 'run-42' },
    message: [/runId/, /GRIDFLEET_RUN_ID/, /UUID/],
  },
  {
    id: 'claimMaxWaitSec',
    input: 'GRIDFLEET_CLAIM_MAX_WAIT_SEC=-1',
    env: { GRIDFLEET_CLAIM_MAX_WAIT_SEC: '-1' },
    message: [/claimMaxWaitSec/, /0 to 86400/],
  },
  {
    id: 'claimInclude',
    input: 'GRIDFLEET_CLAIM_INCLUDE=config,capabilitiez',
    env: { GRIDFLEET_CLAIM_INCLUDE: 'config,capabilitiez' },
    message: [/claimInclude/, /config, capabilities, test_data/],
  },
  {
    id: 'capabilities',
    input: 'GRIDFLEET_CAPABILITIES=[1,2]',
    env: { GRIDFLEET_CAPABILITIES: '[1,2]' },
    message: [/capabilities/, /keyed by platform id/],
  },
  {
    id: 'cooldownSec',
    input: 'GRIDFLEET_COOLDOWN_SEC=0',
    env: { GRIDFLEET_COOLDOWN_SEC: '0' },
    message: [/cooldownSec/, /1 to 3600/],
  },
  {
    id: 'screenshotDir',
    input: 'screenshotDir: "  "',
    gridfleet: { screenshotDir: '  ' },
    message: [/screenshotDir/, /directory path/],
  },
  {
    id: 'noDeviceTags',
    input: 'GRIDFLEET_NO_DEVICE_TAGS=no-device (no @)',
    env: { GRIDFLEET_NO_DEVICE_TAGS: 'no-device' },
    message: [/noDeviceTags/, /starting with "@"/],
  },
  {
    id: 'onFailure',
    input: 'GRIDFLEET_ON_FAILURE=ignore',
    env: { GRIDFLEET_ON_FAILURE: 'ignore' },
    message: [/onFailure/, /"cancel" or "complete"/],
  },
  {
    id: 'gridfleet-not-object',
    input: 'worldParameters.gridfleet = "yes"',
    gridfleet: 'yes',
    message: [/gridfleet/, /an object/],
  },
  {
    id: 'unknown-key',
    input: 'worldParameters.gridfleet.apiURL (misspelt key)',
    gridfleet: { apiURL: 'http://x/api' },
    message: [/apiURL/, /a known key/],
  },
  {
    id: 'credentials-in-config',
    input: 'worldParameters.gridfleet.password',
    gridfleet: { password: 'hunter2-in-config' },
    message: [/password/, /GRIDFLEET_TESTKIT_PASSWORD/, /<redacted>/],
  },
  {
    id: 'no-lane',
    input: 'no lane at all (no requirements, platform or run id)',
    env: { GRIDFLEET_TESTKIT_PLATFORM_ID: '', GRIDFLEET_TESTKIT_PACK_ID: '' },
    message: [/requirements/, /GRIDFLEET_TESTKIT_PLATFORM_ID/],
  },
  {
    id: 'unknown-platform',
    input: 'GRIDFLEET_TESTKIT_PLATFORM_ID=windows_phone (unknown platform)',
    env: { GRIDFLEET_TESTKIT_PLATFORM_ID: 'windows_phone', GRIDFLEET_TESTKIT_PACK_ID: '' },
    message: [/windows_phone/],
  },
  {
    id: 'ambiguous-platform',
    input: 'platform android_mobile offered by two enabled packs, no pack id',
    env: { GRIDFLEET_TESTKIT_PACK_ID: '' },
    ambiguousLab: true,
    message: [/android_mobile/, /pack/i],
  },
];
