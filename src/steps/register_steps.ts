import { defineContextSteps } from './context_steps';
import { defineDeviceSteps } from './device_steps';
import { definePlatformParameterType } from './platform_parameter';
import { defineScreenshotSteps } from './screenshot_steps';
import { defineTestDataSteps } from './test_data_steps';

// On globalThis (per thread) rather than in module state, so that two copies of this module (say the
// CJS build and a ts-node-loaded source) still register the steps only once.
const REGISTERED = Symbol.for('gridfleet-cucumber.steps.registered');

/**
 * Registers the gridfleet step library and the `{platform}` parameter type with cucumber. Idempotent per
 * thread: a second call (a second import, CJS and ESM side by side) registers nothing and returns `false`.
 * Must run while cucumber loads support code, the same way in every thread (the coordinator and each
 * `--parallel` worker), so the step definitions line up across threads.
 *
 * @returns `true` when this call registered the steps, `false` when they were already registered.
 */
export function registerGridFleetSteps(): boolean {
  const registry = globalThis as { [REGISTERED]?: boolean };
  if (registry[REGISTERED]) return false;
  registry[REGISTERED] = true;
  definePlatformParameterType();
  defineDeviceSteps();
  defineScreenshotSteps();
  defineContextSteps();
  defineTestDataSteps();
  return true;
}
