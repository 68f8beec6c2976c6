/**
 * Entry `gridfleet-cucumber/steps`: importing it registers the gridfleet step library and the
 * `{platform}` parameter type with cucumber (once per thread, however often it is imported), and exports
 * `readConnectionContext` (what a session is connected to). `gridfleet-cucumber/register` registers the
 * steps too; import this entry alone when you register the hooks without the steps, or load the steps from
 * a support file of your own.
 *
 * Code that wants the helpers without registering anything imports `./register_steps` and friends
 * directly (the package root does not import this file).
 *
 * @packageDocumentation
 */
import { registerGridFleetSteps } from './register_steps';

registerGridFleetSteps();

export type { ConnectionContext, SessionLike } from './connection_context';
export { readConnectionContext } from './connection_context';
