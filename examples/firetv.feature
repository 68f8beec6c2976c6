# No feature-level @platform tag: the device steps choose the lane here.
Feature: Fire TV screenshot
  The seed's baseline flow on a real Fire TV stick (pack appium-uiautomator2). The OS version is
  optional; give one to pick a specific Fire OS release.

  Scenario: Capture a screenshot on any Fire TV
    Given a firetv_real device
    When I print the connection context
    And I take a screenshot named "firetv"
    Then the screenshot file exists and is not empty

  Scenario: Capture a screenshot on a Fire TV with a given Fire OS release
    Given a firetv_real device with OS version "8.1.0.9"
    When I print the connection context
    And I take a screenshot named "firetv_8.1.0.9"
    Then the screenshot file exists and is not empty
    And the device platform is firetv_real
