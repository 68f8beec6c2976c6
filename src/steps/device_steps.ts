import { Given, Then } from '@cucumber/cucumber';
import type { GridFleetWorld } from '../world';
import { expect } from './expect';
import { STEP_TIMEOUTS } from './timeouts';

/**
 * Defines the device steps: `Given a {platform} device`, `Given a {platform} device with OS version
 * {string}` and `Then the device platform is {platform}`. Getting the device is the World's job
 * ({@link GridFleetWorld.allocateDevice}); when the `Before` hook already got a device for the scenario's
 * lane, the Given steps check that it is the one asked for.
 */
export function defineDeviceSteps(): void {
  Given(
    'a {platform} device',
    { timeout: STEP_TIMEOUTS.allocateDevice },
    async function (this: GridFleetWorld, platformId: string) {
      const device = await this.allocateDevice(platformId);
      this.log(`GridFleet device ${device.deviceId} (${device.platformId}, OS ${device.osVersion})`);
    },
  );

  Given(
    'a {platform} device with OS version {string}',
    { timeout: STEP_TIMEOUTS.allocateDevice },
    async function (this: GridFleetWorld, platformId: string, osVersion: string) {
      if (osVersion.trim().length === 0) {
        throw new Error(
          `Given a ${platformId} device with OS version "": the OS version is empty. ` +
            'Give the exact os_version of a lane, e.g. "8.1.0.9", or use "Given a <platform> device".',
        );
      }
      const device = await this.allocateDevice(platformId, { osVersion });
      this.log(`GridFleet device ${device.deviceId} (${device.platformId}, OS ${device.osVersion})`);
    },
  );

  Then('the device platform is {platform}', function (this: GridFleetWorld, platformId: string) {
    const device = this.device;
    expect(
      device.platformId,
      `device ${device.deviceId} is a ${device.platformId} device, expected ${platformId}`,
    ).to.equal(platformId);
  });
}
