import path from 'node:path';
import { FAKE_APP_PATH as LAB_FAKE_APP_PATH } from '../lab/lab_file';

/**
 * Root of the gridfleet-cucumber package. This file lives in `src/stack` (ts-node) or `dist/stack`
 * (compiled), so the root is two levels up in both cases.
 */
export const PACKAGE_ROOT: string = path.resolve(__dirname, '..', '..');

/**
 * Absolute path of the XML "app" the Appium fake driver loads (`appium:app`). The fake driver
 * package ships none, so we ship our own in `assets/`.
 */
export const FAKE_APP_PATH: string = LAB_FAKE_APP_PATH;

/** Default state dir (PID files, logs, generated Grid config): `.lab` under the current project. */
export function defaultStateDir(cwd: string = process.cwd()): string {
  return path.join(cwd, '.lab');
}
