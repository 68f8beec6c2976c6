import path from 'node:path';

/** Root of this repository (the gridfleet-cucumber package). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The cucumber-js CLI script of the installed `@cucumber/cucumber`. */
export const CUCUMBER_BIN = path.join(
  path.dirname(require.resolve('@cucumber/cucumber/package.json', { paths: [REPO_ROOT] })),
  'bin',
  'cucumber.js',
);
