// Cucumber profiles of this repository (cucumber-js 13). `npx cucumber-js` runs the default profile,
// `npx cucumber-js -p examples` the seed examples against a local stack (see `npm run demo`).

/** Where report files go; the acceptance features point it at a temp dir when they run the examples. */
const reports = process.env.REPORTS_DIR ?? 'reports';

/** TypeScript support files load through ts-node (transpile-only, configured in tsconfig.json). */
const typescript = { requireModule: ['ts-node/register'] };

/**
 * Acceptance features: each scenario writes a fixture suite to a temp dir, runs the real
 * `cucumber-js --parallel 2` on it against the lab stack (started once in BeforeAll) and checks what an
 * operator sees through the manager API. Serial on purpose: the scenarios share one lab.
 */
export default {
  ...typescript,
  paths: ['features/**/*.feature'],
  require: ['features/support/**/*.ts'],
  format: ['progress'],
};

/** The lanes the examples run on in the demo lab: one GridFleet run per platform. */
const exampleLanes = [
  {
    pack_id: 'appium-uiautomator2',
    platform_id: 'android_mobile',
    allocation: 'all_available',
    min_count: 1,
  },
  { pack_id: 'appium-uiautomator2', platform_id: 'android_tv', allocation: 'all_available', min_count: 1 },
  // The Fire TV example asks for Fire OS 8.1.0.9; drop os_version to take any Fire TV.
  {
    pack_id: 'appium-uiautomator2',
    platform_id: 'firetv_real',
    os_version: '8.1.0.9',
    allocation: 'all_available',
    min_count: 1,
  },
  // The simulators of the demo lab are the iOS 17.5 devices.
  {
    pack_id: 'appium-xcuitest',
    platform_id: 'ios',
    os_version: '17.5',
    allocation: 'all_available',
    min_count: 1,
  },
  { pack_id: 'appium-xcuitest', platform_id: 'tvos', allocation: 'all_available', min_count: 1 },
];

/**
 * The seed examples on the demo lab (Appium fake driver). Examples tagged @real-device (Roku app install
 * and sideload) need hardware; they are left out here and checked as a dry run by the `ci` profile.
 */
export const examples = {
  ...typescript,
  paths: ['examples/**/*.feature'],
  require: ['examples/support/**/*.ts'],
  tags: 'not @real-device',
  parallel: 2,
  format: ['progress', `html:${reports}/cucumber.html`, `junit:${reports}/junit.xml`],
  worldParameters: {
    gridfleet: {
      requirements: exampleLanes,
      // The seed's iOS example targets the simulator lane.
      capabilities: { ios: { 'appium:device_type': 'simulator' } },
      // Screenshots go to the default folder, screenshots/ (GRIDFLEET_SCREENSHOT_DIR moves them).
    },
  },
};

/**
 * Every example, hardware-only ones included, as a dry run (no hooks, no devices): lists any undefined or
 * ambiguous step. Cucumber's dry run exits 0 even then, so `features/examples.feature` runs this profile
 * and fails on them; that is what keeps every example step defined in `npm test`.
 */
export const ci = {
  ...typescript,
  paths: ['examples/**/*.feature'],
  require: ['examples/support/**/*.ts'],
  dryRun: true,
  strict: true,
  format: ['progress', `junit:${reports}/junit-examples-dry-run.xml`],
};
