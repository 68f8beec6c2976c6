Feature: Every scenario gets its own device and session
  A cucumber run reserves one GridFleet run per lane, each scenario claims a device, opens an Appium
  session named after itself through the Grid, reports its result and gives the device back. An operator
  reading the manager afterwards sees one session per scenario with the scenario's result, no device
  still claimed and the run completed.

  Background:
    Given the device requirements are:
      """
      [{"pack_id": "appium-uiautomator2", "platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """

  Scenario: All scenarios pass with --parallel 2, using the step library
    Given a file named "features/phone.feature" with:
      """
      Feature: Phone
        Scenario: Home screen
          When I print the connection context
          And I take a screenshot named "home"
          Then the screenshot file exists and is not empty
          And the device platform is android_mobile

        Scenario: Settings screen
          When I take a screenshot
          Then the screenshot file exists and is not empty

        Scenario: Device test data round trip
          When I merge into the device test data:
            ```
            {"acceptance": {"marker": "m1", "count": 2}}
            ```
          Then the device test data has "acceptance.marker"
          And the device test data "acceptance.marker" equals "m1"
          And the device test data "acceptance.count" equals "2"
      """
    When I run cucumber-js with `--parallel 2`
    Then it passes
    And every scenario has a manager session with its name and result
    And 1 run was reserved and each is "completed"
    And no device is left claimed
    And every claimed device was released by its worker
    And no device was released with a cooldown
    And the output contains "connection target: "
    And the output has a summary line for every run
