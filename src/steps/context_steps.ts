import { When } from '@cucumber/cucumber';
import type { GridFleetWorld } from '../world';
import { formatConnectionContext, readConnectionContext } from './connection_context';

/**
 * Defines `When I print the connection context`: connection target (`appium:udid`, else the session id),
 * `platformName`, automation name and session id, logged to the report (`this.log`) and printed to stdout.
 */
export function defineContextSteps(): void {
  When('I print the connection context', function (this: GridFleetWorld) {
    const line = formatConnectionContext(readConnectionContext(this.driver));
    this.log(line);
    process.stdout.write(`${line}\n`);
  });
}
