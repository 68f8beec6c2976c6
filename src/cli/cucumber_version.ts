import { readFileSync } from 'node:fs';

/** The `@cucumber/cucumber` range this package supports (its peer dependency). */
export const SUPPORTED_CUCUMBER = { min: [13, 2, 0], belowMajor: 14, text: '>=13.2.0 <14' } as const;

/** Result of {@link findCucumber}. */
export interface CucumberInstall {
  /** Installed version, or undefined when not installed. */
  version: string | undefined;
  /** Resolved package.json path, when installed. */
  packageJson: string | undefined;
  /** Whether the version is in {@link SUPPORTED_CUCUMBER}. */
  supported: boolean;
}

/** Whether `version` (x.y.z, pre-release suffix ignored) is within the supported range. */
function isSupportedCucumber(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major >= SUPPORTED_CUCUMBER.belowMajor) return false;
  const [a, b, c] = SUPPORTED_CUCUMBER.min;
  if (major !== a) return major > a;
  if (minor !== b) return minor > b;
  return patch >= c;
}

/** Finds `@cucumber/cucumber` the way the project's own `cucumber-js` would: resolved from `cwd`. */
export function findCucumber(cwd: string): CucumberInstall {
  let packageJson: string;
  try {
    packageJson = require.resolve('@cucumber/cucumber/package.json', { paths: [cwd] });
  } catch {
    return { version: undefined, packageJson: undefined, supported: false };
  }
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
  const text = typeof version === 'string' ? version : undefined;
  return { version: text, packageJson, supported: text !== undefined && isSupportedCucumber(text) };
}
