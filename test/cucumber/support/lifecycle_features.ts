/**
 * Fixture features the lifecycle and interruption tests of both generations run (the same suite, so the
 * claim-era and router-era files check the same scenarios).
 */

/** Three passing scenarios (one outline) and a @no-device one. */
export const SCREENS_SUITE = `Feature: Screens
  Scenario: Home screen renders
    When I look at the screen

  Scenario Outline: Screen <name> renders
    When I look at the screen
    Examples:
      | name  |
      | one   |
      | two   |

  @no-device
  Scenario: Offline check
    Then nothing needs a device
`;

/** One passing and one failing scenario. */
export const MIXED_SUITE = `Feature: Mixed
  Scenario: Works
    When I look at the screen
  Scenario: Breaks
    When I look at the screen
    Then it fails
`;

/** One failing scenario. */
export const FAILING_SUITE = `Feature: Policy
  Scenario: Breaks
    When I look at the screen
    Then it fails
`;

/** A device-level failure (the session dies) and a plain assertion failure. */
export const DEVICE_TROUBLE_SUITE = `Feature: Device trouble
  Scenario: Session dies
    When I look at the screen
    And the device session dies
  Scenario: Assertion fails
    When I look at the screen
    Then it fails
`;

/** An operator cancels the run mid-way; a second scenario comes too late. */
export const CANCELLED_SUITE = `Feature: Cancelled underneath
  Scenario: Operator pulls the plug
    When I look at the screen
    And an operator cancels the run
  Scenario: Comes too late
    When I look at the screen
`;

/** A scenario that waits for a signal, and a quick one. */
export const WAITING_SUITE = `Feature: Interrupted
  Scenario: Waits for a signal
    When I look at the screen
    And I wait to be interrupted

  Scenario: Quick one
    When I look at the screen
`;

/** A scenario that exits its worker, and a bystander. */
export const CRASH_PARALLEL_SUITE = `Feature: Crash
  Scenario: Crashes its worker
    When I look at the screen
    And the worker crashes

  Scenario: Innocent bystander
    When I look at the screen
`;

/** A scenario that exits the (serial) process. */
export const CRASH_SERIAL_SUITE = `Feature: Crash
  Scenario: Takes the process down
    When I look at the screen
    And the worker crashes
`;
