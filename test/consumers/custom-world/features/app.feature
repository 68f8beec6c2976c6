Feature: Custom World consumer
  Scenario: custom-world visits two screens
    Given a android_mobile device
    When I open the "home" screen
    And I open the "settings" screen
    Then 2 screens of "Consumer App" were visited
