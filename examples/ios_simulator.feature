@platform:ios
Feature: iOS simulator screenshot
  The seed's baseline flow on the iOS simulator lane (pack appium-xcuitest). The lane adds
  `appium:device_type: simulator` to the capabilities (see the `examples` profile in cucumber.mjs).

  Scenario: Capture a screenshot on an iOS simulator
    Given a ios device
    When I print the connection context
    And I take a screenshot named "ios_simulator"
    Then the screenshot file exists and is not empty
    And the device platform is ios
