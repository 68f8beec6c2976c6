Feature: A failing scenario is reported as failed
  The manager's session status equals the scenario's result, the report carries a screenshot of the
  device at the moment of failure, and an assertion failure gives the device back without a cooldown
  (only device-level failures cool a device down). With the default policy a failed cucumber run
  cancels its GridFleet run.

  Scenario: One scenario fails an assertion, the other passes
    Given the device requirements are:
      """
      [{"pack_id": "appium-uiautomator2", "platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """
    And a file named "features/phone.feature" with:
      """
      Feature: Phone
        Scenario: Passing check
          Then the device platform is android_mobile

        Scenario: Failing check
          Then the device test data has "no.such.key"
      """
    When I run cucumber-js with `--parallel 2`
    Then it fails
    And scenario "Failing check" has status "failed"
    And scenario "Failing check" has a "image/png" attachment
    And scenario "Passing check" has status "passed"
    And scenario "Passing check" has no "image/png" attachment
    And the output contains "device test data has no 'no.such.key' (keys: "
    And the manager has a session named "Failing check" with status "failed"
    And the manager has a session named "Passing check" with status "passed"
    And 1 run was reserved and each is "cancelled"
    And no device is left claimed
    And every claimed device was released by its worker
    And no device was released with a cooldown
    And the output has a summary line for every run
