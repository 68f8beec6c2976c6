@platform:tvos
Feature: tvOS real device screenshot
  The seed's baseline flow on a real Apple TV (pack appium-xcuitest). On real hardware the host must
  already meet the XCUITest and WebDriverAgent prerequisites; that is not this package's job.

  Scenario: Capture a screenshot on an Apple TV
    Given a tvos device
    When I print the connection context
    And I take a screenshot named "tvos"
    Then the screenshot file exists and is not empty
    And the device platform is tvos
