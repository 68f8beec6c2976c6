/**
 * Entry `gridfleet-cucumber/steps`: importing it registers the gridfleet step library and the
 * `{platform}` parameter type with cucumber (once per thread, however often it is imported), and exports
 * the step library's helpers. `gridfleet-cucumber/register` registers the steps too; import this entry
 * alone when you register the hooks without the steps, or load the steps from a support file of your own.
 *
 * Code that wants the helpers without registering anything imports `./register_steps` and friends
 * directly (the package root does not import this file).
 *
 * @packageDocumentation
 */
import { registerGridFleetSteps } from './register_steps';

registerGridFleetSteps();

export type { ConnectionContext, SessionLike } from './connection_context';
export { formatConnectionContext, readConnectionContext } from './connection_context';
export type { DottedPathLookup } from './dotted_path';
export { listDottedPaths, lookupDottedPath, parseJsonObjectDocString } from './dotted_path';
export { PLATFORM_PARAMETER_NAME, parsePlatformId } from './platform_parameter';
export { registerGridFleetSteps } from './register_steps';
export { lastScreenshotOf } from './screenshot_steps';
export { STEP_TIMEOUTS } from './timeouts';
