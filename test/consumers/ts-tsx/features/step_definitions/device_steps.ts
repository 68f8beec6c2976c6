import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { GridFleetWorld } from 'gridfleet-cucumber';

Then('the tsx step reads the session capabilities', function (this: GridFleetWorld) {
  assert.ok(this instanceof GridFleetWorld);
  // GridFleet capability keys are typed on WebdriverIO.Capabilities (the package augments it).
  const expected: WebdriverIO.Capabilities = {
    'appium:platform': this.device.platformId,
    'gridfleet:testName': this.scenario?.name ?? '',
  };
  const attempt: number | undefined = this.scenario?.attempt;
  assert.equal(expected['appium:platform'], 'android_mobile');
  assert.equal(expected['gridfleet:testName'], 'ts-tsx takes a screenshot');
  assert.equal(attempt, 1);
});
