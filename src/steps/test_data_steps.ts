import { Then, When } from '@cucumber/cucumber';
import type { GridFleetWorld } from '../world';
import { lookupDottedPath, missingPathMessage, parseJsonObjectDocString } from './dotted_path';
import { expect } from './expect';
import { STEP_TIMEOUTS } from './timeouts';

/**
 * Renders a stored value for comparison with the text of a step: strings as they are, everything else as
 * compact JSON (so `"flags" equals "[\"beta\"]"` and `"build" equals "42"` both work).
 */
function renderTestDataValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Defines the device test data and config steps: `Then the device test data has {string}`,
 * `Then the device test data {string} equals {string}`, `When I merge into the device test data:`,
 * `When I replace the device test data with:` and `Then the device config has {string}`. Paths are dotted
 * (`account.pin`); the doc strings hold JSON objects.
 */
export function defineTestDataSteps(): void {
  Then(
    'the device test data has {string}',
    { timeout: STEP_TIMEOUTS.manager },
    async function (this: GridFleetWorld, path: string) {
      const testData = await this.getTestData();
      const lookup = lookupDottedPath(testData, path);
      expect(lookup.found, missingPathMessage('device test data', path, testData)).to.equal(true);
    },
  );

  Then(
    'the device test data {string} equals {string}',
    { timeout: STEP_TIMEOUTS.manager },
    async function (this: GridFleetWorld, path: string, expected: string) {
      const testData = await this.getTestData();
      const lookup = lookupDottedPath(testData, path);
      expect(lookup.found, missingPathMessage('device test data', path, testData)).to.equal(true);
      const actual = lookup.found ? renderTestDataValue(lookup.value) : '';
      expect(actual, `device test data '${path}' is ${actual}, expected ${expected}`).to.equal(expected);
    },
  );

  When(
    'I merge into the device test data:',
    { timeout: STEP_TIMEOUTS.manager },
    async function (this: GridFleetWorld, docString: string) {
      const patch = parseJsonObjectDocString(docString, 'When I merge into the device test data:');
      const merged = await this.mergeTestData(patch);
      this.log(`device test data after merge: ${JSON.stringify(merged)}`);
    },
  );

  When(
    'I replace the device test data with:',
    { timeout: STEP_TIMEOUTS.manager },
    async function (this: GridFleetWorld, docString: string) {
      const body = parseJsonObjectDocString(docString, 'When I replace the device test data with:');
      const stored = await this.replaceTestData(body);
      this.log(`device test data replaced: ${JSON.stringify(stored)}`);
    },
  );

  Then(
    'the device config has {string}',
    { timeout: STEP_TIMEOUTS.manager },
    async function (this: GridFleetWorld, path: string) {
      const config = await this.getDeviceConfig();
      const lookup = lookupDottedPath(config, path);
      expect(lookup.found, missingPathMessage('device config', path, config)).to.equal(true);
    },
  );
}
