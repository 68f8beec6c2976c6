Feature: The examples
  The seed examples (examples/) run on the demo lab with the Appium fake driver, and every step of every
  example is defined, the hardware-only Roku ones included (they are checked as a dry run).

  Scenario: Every example step is defined
    When I run this repository's cucumber-js with `--profile ci`
    Then it passes
    And no step is undefined or ambiguous
    And scenario "Capture a screenshot of the sample dev app on a Roku" has status "skipped"
    And scenario "Sideload the sample app on a Roku and capture a screenshot" has status "skipped"

  Scenario: The examples pass on the demo lab with --parallel 2
    When I run this repository's cucumber-js with `--profile examples`
    Then it passes
    And no step is undefined or ambiguous
    And every scenario has a manager session with its name and result
    And the session named "Capture a screenshot on a Fire TV with a given Fire OS release" ran on a "firetv_real" device
    And the session named "Capture a screenshot on an iOS simulator" ran on a "ios" device
    And 5 runs were reserved and each is "completed"
    And no device is left claimed
    And every claimed device was released by its worker
    And the output has a summary line for every run
    And the HTML report embeds 6 PNG screenshots
