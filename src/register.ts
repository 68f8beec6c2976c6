/**
 * Side-effect entry `gridfleet-cucumber/register`: registers the gridfleet World, coordinator and scenario
 * hooks. Load it with `--require node_modules/gridfleet-cucumber/register.js` or a one-line support file
 * `import 'gridfleet-cucumber/register'`. Registering twice registers nothing twice.
 *
 * @packageDocumentation
 */
import { registerGridFleetHooks } from './hooks';

registerGridFleetHooks();

export { HOOK_NAMES, HOOK_TIMEOUTS, registerGridFleetHooks } from './hooks';
export {
  type ClaimDeviceOptions,
  GridFleetWorld,
  type GridFleetWorldParameters,
  type ScenarioInfo,
  type ScreenshotResult,
} from './world';
