Feature: TypeScript consumer (tsx)
  Scenario: ts-tsx takes a screenshot
    Given a android_mobile device
    When I take a screenshot
    Then the screenshot file exists and is not empty
    And the tsx step reads the session capabilities
