@platform:roku_network @real-device
Feature: Roku screenshot
  The seed's Roku flow (pack appium-roku-dlenroc): install and activate the bundled sample dev app,
  then take a screenshot. The Roku developer credentials live in the device config on the manager.
  Appium's fake driver cannot install a Roku channel, so this runs on real hardware only and as a
  dry run in CI (tag @real-device).

  Scenario: Capture a screenshot of the sample dev app on a Roku
    Given a roku_network device
    And the device config has "roku_password"
    When I install and activate the sample dev app "hello-world.zip" as "dev"
    And I print the connection context
    And I take a screenshot named "roku"
    Then the screenshot file exists and is not empty
