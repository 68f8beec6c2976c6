@platform:android_tv
Feature: Android TV screenshot
  The seed's baseline flow on an Android TV box (pack appium-uiautomator2).

  Scenario: Capture a screenshot on an Android TV
    Given a android_tv device
    When I print the connection context
    And I take a screenshot named "android_tv"
    Then the screenshot file exists and is not empty
    And the device platform is android_tv
