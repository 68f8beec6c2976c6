/**
 * Side-effect entry `gridfleet-cucumber/steps`: importing it registers the gridfleet step library and the
 * `{platform}` parameter type (once per thread, however often it is imported). Use it when you register
 * the hooks without the steps, or load the steps from a support file of your own.
 *
 * @packageDocumentation
 */
import { registerGridFleetSteps } from './register_steps';

registerGridFleetSteps();
