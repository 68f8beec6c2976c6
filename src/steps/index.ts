/**
 * The gridfleet step library, without side effects: call {@link registerGridFleetSteps} (or import
 * `gridfleet-cucumber/steps`, which does) to register it with cucumber.
 *
 * @packageDocumentation
 */
export type { ConnectionContext, SessionLike } from './connection_context';
export { formatConnectionContext, readConnectionContext } from './connection_context';
export type { DottedPathLookup } from './dotted_path';
export { listDottedPaths, lookupDottedPath, parseJsonObjectDocString } from './dotted_path';
export { PLATFORM_PARAMETER_NAME, parsePlatformId } from './platform_parameter';
export { registerGridFleetSteps } from './register_steps';
export { lastScreenshotOf } from './screenshot_steps';
export { STEP_TIMEOUTS } from './timeouts';
