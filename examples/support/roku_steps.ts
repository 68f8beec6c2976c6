// Example-only steps for the seed's Roku examples. They need a real Roku and the dlenroc Roku driver on the
// Appium host, so the features using them are tagged @real-device and only dry-run in CI.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import type { GridFleetWorld } from '../../src/world';

/** Where the bundled sample channel zip lives (build it as described in examples/README.md). */
const ROKU_ASSETS = path.resolve(__dirname, '..', 'assets', 'roku');

function sampleAppPath(fileName: string): string {
  const file = path.join(ROKU_ASSETS, fileName);
  if (!existsSync(file)) {
    throw new Error(
      `The Roku sample app ${file} does not exist. Build it with ` +
        '`cd examples/assets/roku/hello-world && zip -r ../hello-world.zip .` (see examples/README.md).',
    );
  }
  return file;
}

When(
  'I install and activate the sample dev app {string} as {string}',
  { timeout: 5 * 60_000 },
  async function (this: GridFleetWorld, fileName: string, appId: string) {
    await this.driver.installApp(sampleAppPath(fileName));
    await this.driver.activateApp(appId);
    this.log(`activated Roku dev app "${appId}" from ${fileName}`);
  },
);

When(
  'I sideload the sample app {string}',
  { timeout: 5 * 60_000 },
  async function (this: GridFleetWorld, fileName: string) {
    await this.driver.installApp(sampleAppPath(fileName));
    this.log(`sideloaded ${fileName}`);
  },
);

Then(
  'the sideloaded app {string} is installed',
  { timeout: 60_000 },
  async function (this: GridFleetWorld, appId: string) {
    const installed = await this.driver.isAppInstalled(appId);
    if (!installed) throw new Error(`Roku app "${appId}" is not installed after the sideload.`);
    const line = `Roku app "${appId}" installed`;
    this.log(line);
    process.stdout.write(`${line}\n`);
  },
);
