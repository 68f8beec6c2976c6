Feature: Choosing the lane of a scenario
  With several lanes (one GridFleet run each), a scenario tagged @platform:<id> gets a device of that lane
  before its first step; an untagged scenario gets one when its device step names the platform (and OS
  version).

  Scenario: Two lanes, chosen by tag and by the device step
    Given the device requirements are:
      """
      [
        {"pack_id": "appium-uiautomator2", "platform_id": "android_mobile", "allocation": "all_available", "min_count": 1},
        {"pack_id": "appium-uiautomator2", "platform_id": "firetv_real", "os_version": "8.1.0.9", "allocation": "all_available", "min_count": 1}
      ]
      """
    And a file named "features/lanes.feature" with:
      """
      Feature: Lanes
        @platform:firetv_real
        Scenario: Fire TV by tag
          Then the device platform is firetv_real

        @platform:android_mobile
        Scenario: Phone by tag
          Then the device platform is android_mobile

        Scenario: Fire TV by step
          Given a firetv_real device with OS version "8.1.0.9"
          Then the device platform is firetv_real

        Scenario: Phone by step
          Given a android_mobile device
          Then the device platform is android_mobile
      """
    When I run cucumber-js with `--parallel 2`
    Then it passes
    And the session named "Fire TV by tag" ran on a "firetv_real" device
    And the session named "Phone by tag" ran on a "android_mobile" device
    And the session named "Fire TV by step" ran on a "firetv_real" device
    And the session named "Phone by step" ran on a "android_mobile" device
    And every scenario has a manager session with its name and result
    And 2 runs were reserved and each is "completed"
    And no device is left claimed
    And every claimed device was released by its worker
    And the output has a summary line for every run
