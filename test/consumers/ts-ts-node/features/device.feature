Feature: TypeScript consumer (ts-node)
  Scenario: ts-ts-node takes a screenshot
    Given a android_mobile device
    When I take a screenshot
    Then the screenshot file exists and is not empty
    And the ts-node step sees a typed device
