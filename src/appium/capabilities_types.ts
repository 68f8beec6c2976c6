/**
 * Capability keys GridFleet adds on top of webdriverio's `WebdriverIO.Capabilities`.
 *
 * webdriverio rejects unknown keys in object literals (TS2353), so without this augmentation a consumer
 * could not write `{ 'appium:platform': 'firetv_real', 'gridfleet:testName': 'x' }`. The augmentation is
 * global: it applies as soon as this file is part of the program, which the package root guarantees by
 * re-exporting {@link GridFleetCapabilityKeys} from here.
 */
/// <reference types="webdriverio" resolution-mode="import" preserve="true" />
// The directive (kept in the emitted .d.ts by `preserve`) makes sure webdriverio's own
// `WebdriverIO.Capabilities` is loaded, so the declaration below merges with it.

declare global {
  namespace WebdriverIO {
    interface Capabilities {
      /** GridFleet platform id (e.g. `firetv_real`); every GridFleet node stereotype carries it. */
      'appium:platform'?: string;
      /** Device type lane: `real_device`, `emulator` or `simulator` (narrows Grid matching). */
      'appium:device_type'?: string;
      /** OS version lane (exact string, e.g. `14`); narrows Grid matching. */
      'appium:os_version'?: string;
      /** GridFleet device id (uuid) advertised in node stereotypes; pins a session to one device. */
      'appium:gridfleet:deviceId'?: string;
      /** GridFleet device name advertised in node stereotypes. */
      'appium:gridfleet:deviceName'?: string;
      /** Test name recorded by the manager as the session's `test_name`. */
      'gridfleet:testName'?: string;
      /** GridFleet run id the session belongs to (camelCase form sent by gridfleet-cucumber). */
      'gridfleet:runId'?: string;
      /** GridFleet run id in the snake_case form later manager stereotypes route on (`"free"` when unreserved). */
      'gridfleet:run_id'?: string;
      /** Worker id that claimed the device (`worker-0`, `main`, ...). */
      'gridfleet:workerId'?: string;
      /** Feature name of the scenario that created the session. */
      'gridfleet:feature'?: string;
      /** `uri:line` of the scenario that created the session. */
      'gridfleet:scenarioUri'?: string;
      /** Attempt number of the scenario (1 for the first run, 2 for the first retry, ...). */
      'gridfleet:attempt'?: number;
    }
  }
}

/** Every capability key the GridFleet augmentation adds to `WebdriverIO.Capabilities`. */
export type GridFleetCapabilityKeys =
  | 'appium:platform'
  | 'appium:device_type'
  | 'appium:os_version'
  | 'appium:gridfleet:deviceId'
  | 'appium:gridfleet:deviceName'
  | 'gridfleet:testName'
  | 'gridfleet:runId'
  | 'gridfleet:run_id'
  | 'gridfleet:workerId'
  | 'gridfleet:feature'
  | 'gridfleet:scenarioUri'
  | 'gridfleet:attempt';

/**
 * The capabilities object gridfleet-cucumber builds and sends: webdriverio's capabilities (with the
 * GridFleet keys above) plus any other vendor key a caller passes through.
 */
export type AppiumCapabilities = WebdriverIO.Capabilities & Record<string, unknown>;
