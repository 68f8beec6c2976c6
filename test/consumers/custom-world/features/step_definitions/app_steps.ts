import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import type { AppWorld } from '../support/world';

When('I open the {string} screen', async function (this: AppWorld, screen: string) {
  const shot = await this.takeScreenshot(`${this.device.platformId}_${screen}`);
  assert.ok(shot.png.length > 100, 'the screenshot is not empty');
  this.visitedScreens.push(screen);
});

Then('{int} screen(s) of {string} was/were visited', function (this: AppWorld, count: number, app: string) {
  assert.equal(this.appName, app);
  assert.deepEqual(this.visitedScreens.length, count);
  const caps: WebdriverIO.Capabilities = { 'gridfleet:feature': this.scenario?.featureName ?? '' };
  assert.equal(caps['gridfleet:feature'], 'Custom World consumer');
});
