Feature: Step library
  The gridfleet steps work on a real device session, and when they fail they say what was wrong and how
  to fix it. A failed step is an assertion failure: the device goes back without a cooldown.

  Scenario: Test data, config and platform steps, passing and failing
    Given the device requirements are:
      """
      [{"platform_id": "firetv_real", "os_version": "8.1.0.9", "allocation": "all_available", "min_count": 1}]
      """
    And a file named "features/steps.feature" with:
      """
      Feature: Steps
        Scenario: Wrong platform spelling
          Then the device platform is FireTV

        Scenario: Test data value differs
          Then the device test data "account.region" equals "us"

        Scenario: Config key missing
          Then the device config has "roku_password"

        Scenario: Doc string is not JSON
          When I merge into the device test data:
            ```
            region = us
            ```

        Scenario: A second device of another platform
          Given a android_mobile device

        Scenario: Replace the test data
          When I replace the device test data with:
            ```
            {"account": {"user": "replaced"}}
            ```
          Then the device test data "account.user" equals "replaced"
          And the device test data has "account"
      """
    When I run cucumber-js
    Then it fails
    And scenario "Replace the test data" has status "passed"
    And scenario "Wrong platform spelling" has status "failed"
    And the output contains "'FireTV' is not a GridFleet platform id: use the lowercase id from the driver-pack catalog"
    And the output contains "device test data 'account.region' is eu, expected us"
    And the output contains "device config has no 'roku_password' (keys: none, it is empty)"
    And the output contains "The doc string of \"When I merge into the device test data:\" is not valid JSON"
    And the output contains "it cannot also get a android_mobile device"
    And every scenario has a manager session with its name and result
    And 1 run was reserved and each is "cancelled"
    And no device is left claimed
    And every claimed device was released by its worker
    And no device was released with a cooldown

  Scenario: The step library can be skipped, imported alone, and registered twice
    Given the device requirements are:
      """
      [{"platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """
    And the environment variable "GRIDFLEET_STEPS" is "off"
    And a file named "features/phone.feature" with:
      """
      Feature: Phone
        Scenario: Uses a library step
          Then the device platform is android_mobile
      """
    When I run cucumber-js
    Then it fails
    And scenario "Uses a library step" has status "undefined"
    Given a file named "features/support/steps.js" with:
      """
      require('gridfleet-cucumber/steps');
      """
    When I run cucumber-js with `--parallel 2`
    Then it passes
    And scenario "Uses a library step" has status "passed"
    # register (with its steps) and steps both loaded: still one definition of each step
    Given the environment variable "GRIDFLEET_STEPS" is not set
    When I run cucumber-js with `--parallel 2`
    Then it passes
    And scenario "Uses a library step" has status "passed"
