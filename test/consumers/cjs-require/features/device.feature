Feature: CommonJS consumer
  Scenario: cjs-require takes a screenshot
    Given a android_mobile device
    When I take a screenshot
    Then the screenshot file exists and is not empty
    And the CommonJS step sees the claimed android_mobile device
