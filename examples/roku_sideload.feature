@platform:roku_network @real-device
Feature: Roku sideload screenshot
  The seed's advanced Roku flow: sideload the bundled app, print that it installed, take a
  screenshot. Runs on real hardware only, and as a dry run in CI (tag @real-device).

  Scenario: Sideload the sample app on a Roku and capture a screenshot
    Given a roku_network device
    When I sideload the sample app "hello-world.zip"
    Then the sideloaded app "dev" is installed
    When I take a screenshot named "roku_sideload"
    Then the screenshot file exists and is not empty
