const assert = require('node:assert/strict');
const { Then } = require('@cucumber/cucumber');
const { GridFleetWorld } = require('gridfleet-cucumber');

Then('the CommonJS step sees the claimed android_mobile device', function () {
  assert.ok(this instanceof GridFleetWorld, 'the World is the package World');
  assert.equal(this.device.platformId, 'android_mobile');
});
