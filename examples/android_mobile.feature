@platform:android_mobile
Feature: Android mobile screenshot
  The seed's baseline flow on an Android phone (pack appium-uiautomator2): a session through
  Selenium Grid pinned to the claimed device, the connection context, and a screenshot on disk.

  Scenario: Capture a screenshot on an Android phone
    Given a android_mobile device
    When I print the connection context
    And I take a screenshot named "android_mobile"
    Then the screenshot file exists and is not empty
    And the device platform is android_mobile
