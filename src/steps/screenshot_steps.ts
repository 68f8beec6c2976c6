import { readFile, stat } from 'node:fs/promises';
import { Then, When } from '@cucumber/cucumber';
import type { GridFleetWorld, ScreenshotResult } from '../world';
import { expect } from './expect';
import { STEP_TIMEOUTS } from './timeouts';

/** The first 8 bytes of every PNG file. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Per-World memory of the last screenshot, so users' World subclasses need no extra field.
const lastScreenshots = new WeakMap<object, ScreenshotResult>();

/**
 * Defines `When I take a screenshot`, `When I take a screenshot named {string}` and
 * `Then the screenshot file exists and is not empty`. Saving and attaching is the World's job
 * ({@link GridFleetWorld.takeScreenshot}); file names follow the seed,
 * `<name>_<connection target with ':' replaced by '_'>.png`.
 */
export function defineScreenshotSteps(): void {
  When('I take a screenshot', { timeout: STEP_TIMEOUTS.driver }, async function (this: GridFleetWorld) {
    const shot = await this.takeScreenshot();
    lastScreenshots.set(this, shot);
    this.log(`screenshot saved to ${shot.path}`);
  });

  When(
    'I take a screenshot named {string}',
    { timeout: STEP_TIMEOUTS.driver },
    async function (this: GridFleetWorld, name: string) {
      if (name.trim().length === 0 || /[/\\]/.test(name)) {
        throw new Error(
          `When I take a screenshot named "${name}": the name must be a non-empty file name stem without ` +
            "'/' or '\\' (the connection target and .png are appended), e.g. \"home_screen\".",
        );
      }
      const shot = await this.takeScreenshot(name);
      lastScreenshots.set(this, shot);
      this.log(`screenshot saved to ${shot.path}`);
    },
  );

  Then('the screenshot file exists and is not empty', async function (this: GridFleetWorld) {
    const shot = lastScreenshots.get(this);
    if (!shot) {
      throw new Error(
        'No screenshot was taken in this scenario yet: put "When I take a screenshot" (or "... named ' +
          '"<name>"") before "Then the screenshot file exists and is not empty".',
      );
    }
    const info = await stat(shot.path).catch(() => undefined);
    expect(info?.isFile(), `screenshot file ${shot.path} does not exist`).to.equal(true);
    expect(info?.size ?? 0, `screenshot file ${shot.path} is empty`).to.be.greaterThan(0);
    const head = (await readFile(shot.path)).subarray(0, PNG_SIGNATURE.length);
    expect(head.equals(PNG_SIGNATURE), `screenshot file ${shot.path} is not a PNG image`).to.equal(true);
  });
}
