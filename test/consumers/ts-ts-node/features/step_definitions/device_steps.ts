import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import type { AllocatedDevice, GridFleetWorld } from 'gridfleet-cucumber';

Then<GridFleetWorld>('the ts-node step sees a typed device', async function () {
  const device: AllocatedDevice = this.device;
  const caps: WebdriverIO.Capabilities = { 'gridfleet:workerId': this.workerId, 'gridfleet:attempt': 1 };
  // @ts-expect-error gridfleet:attempt is a number, the augmentation types it
  const wrong: WebdriverIO.Capabilities = { 'gridfleet:attempt': 'first' };
  assert.ok(wrong);
  assert.equal(device.platformId, 'android_mobile');
  assert.match(String(caps['gridfleet:workerId']), /^(worker-\d+|main)$/);
  const png = await this.driver.takeScreenshot();
  assert.ok(png.length > 100);
});
