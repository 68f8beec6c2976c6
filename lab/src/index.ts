/**
 * gridfleet-lab: a GridFleet device lab on one machine, for tests and demos. The manager simulator
 * (`startLab`, claim or router generation), the WebDriver router simulator (`startRouter`), and the
 * local stack launcher (`startStack`: lab + Appium 3 with the fake driver + Selenium Grid 4, or + the
 * router simulator). Nothing here is needed to *use* gridfleet-cucumber against a real GridFleet.
 *
 * @packageDocumentation
 */
export * from './manager/index';
export * from './router/index';
export * from './stack/index';
