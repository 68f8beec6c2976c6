Feature: ESM consumer
  Scenario: esm-import takes a screenshot
    Given a android_mobile device
    When I take a screenshot
    Then the screenshot file exists and is not empty
    And the ESM step sees the package World
