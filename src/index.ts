/**
 * gridfleet-cucumber: run Cucumber-js suites on a GridFleet device lab.
 *
 * @packageDocumentation
 */
export const VERSION = '0.1.0';
