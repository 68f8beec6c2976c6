/**
 * Step definitions of the fixture suites (plain CommonJS, written into each fixture project). They use the
 * World the way a user's steps do (`this.driver`), plus a few hostile steps: a hang, a crash, a wait for a
 * signal, a scenario that fails once.
 */
export const FIXTURE_STEPS = `
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { Before, When, Then } = require('@cucumber/cucumber');

When('I look at the screen', async function () {
  const shot = await this.driver.takeScreenshot();
  assert.ok(shot.length > 100, 'screenshot is not empty');
});

When('I wait {int} ms', async (ms) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
});

Then('it fails', function () {
  assert.equal('actual', 'expected');
});

When('the step hangs', { timeout: 1000 }, function () {
  return new Promise(() => {});
});

When('the worker crashes', function () {
  process.exit(3);
});

When('I wait to be interrupted', { timeout: 120000 }, async function () {
  process.stdout.write('\\nFIXTURE-READY-FOR-SIGNAL\\n');
  await new Promise((resolve) => setTimeout(resolve, 110000));
});

Then('it passes on the second attempt', function () {
  const counter = path.join(process.cwd(), 'flaky.count');
  const seen = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
  fs.writeFileSync(counter, String(seen + 1));
  assert.ok(seen >= 1, 'first attempt fails on purpose');
});

When('the device session dies', async function () {
  // Ends the session under the scenario, so the next command fails with a WebDriver session error.
  await fetch(process.env.GRID_URL + '/session/' + this.driver.sessionId, { method: 'DELETE' });
  await this.driver.takeScreenshot();
});

Then('nothing needs a device', function () {
  assert.equal(this.hasDevice, false);
});

Before({ tags: '@broken-setup', name: 'fixture: broken setup' }, function () {
  throw new Error('fixture setup exploded');
});
`;

/** Environment selecting one android_mobile lane of the demo lab. */
export const ANDROID_LANE = {
  GRIDFLEET_TESTKIT_PLATFORM_ID: 'android_mobile',
  GRIDFLEET_TESTKIT_PACK_ID: 'appium-uiautomator2',
} as const;

/** Extra step: the operator cancels the scenario's run on the manager mid-way. */
export const CANCEL_STEP = `
const { When: WhenCancel } = require('@cucumber/cucumber');
WhenCancel('an operator cancels the run', async function () {
  const response = await fetch(process.env.GRIDFLEET_API_URL + '/runs/' + this.runId + '/cancel', { method: 'POST' });
  if (!response.ok) throw new Error('cancel failed: ' + response.status);
  await new Promise((resolve) => setTimeout(resolve, 2500));
});
`;
