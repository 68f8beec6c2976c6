Feature: Scenarios that need no device
  Scenarios tagged @no-device run without claiming a device or opening a session; the others in the same
  run still get theirs.

  Scenario: A @no-device scenario next to a device scenario
    Given the device requirements are:
      """
      [{"pack_id": "appium-uiautomator2", "platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """
    And a file named "features/support/no_device_steps.js" with:
      """
      const { Then } = require('@cucumber/cucumber');
      Then('no device was claimed for me', function () {
        if (this.hasDevice) throw new Error('a device was claimed for a @no-device scenario');
      });
      """
    And a file named "features/mixed.feature" with:
      """
      Feature: Mixed
        @no-device
        Scenario: Pure logic
          Then no device was claimed for me

        Scenario: On a phone
          Then the device platform is android_mobile
      """
    When I run cucumber-js with `--parallel 2`
    Then it passes
    And the manager has no session named "Pure logic"
    And the manager has a session named "On a phone" with status "passed"
    And 1 run was reserved and each is "completed"
    And no device is left claimed
