/**
 * Side-effect entry `gridfleet-cucumber/register`: registers the gridfleet World, the coordinator and
 * scenario hooks, and the step library with its `{platform}` parameter type. Load it with
 * `--require node_modules/gridfleet-cucumber/register.js` or a one-line support file
 * `import 'gridfleet-cucumber/register'` (TS or JS, CJS or ESM). Registering twice registers nothing twice.
 *
 * To skip the step library set `GRIDFLEET_STEPS=off` (read once, identically in every thread), or call
 * `registerGridFleetHooks()` (root entry) yourself instead of loading this entry. This entry exports nothing;
 * the World and the hooks are exported by the root entry.
 *
 * @packageDocumentation
 */
import { registerGridFleetHooks } from './hooks';
import { registerGridFleetSteps } from './steps/register_steps';

registerGridFleetHooks();
if ((process.env.GRIDFLEET_STEPS ?? '').trim().toLowerCase() !== 'off') registerGridFleetSteps();
