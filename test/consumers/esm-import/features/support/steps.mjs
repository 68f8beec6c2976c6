import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { GridFleetWorld, VERSION } from 'gridfleet-cucumber';

Then('the ESM step sees the package World', function () {
  // One module instance for ESM and CJS: the World registered by the CJS build is the class imported here.
  assert.ok(this instanceof GridFleetWorld, 'the World is the package World');
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
  assert.equal(this.device.platformId, 'android_mobile');
});
