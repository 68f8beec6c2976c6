Feature: ESM projects
  A project whose support code is ES modules registers gridfleet-cucumber with one import line; the
  package is CommonJS, so ESM and CJS users share one instance of it.

  Scenario: An ESM support file registers World, hooks and steps
    Given the device requirements are:
      """
      [{"platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """
    And a file named "features/support/gridfleet.js" with:
      """
      // replaced by the ESM support file below
      """
    And a file named "features/support/gridfleet.mjs" with:
      """
      import 'gridfleet-cucumber/register';
      """
    And a file named "features/phone.feature" with:
      """
      Feature: Phone
        Scenario: From an ESM project
          When I take a screenshot
          Then the screenshot file exists and is not empty
      """
    When I run cucumber-js with `--parallel 2 --import features/support/**/*.mjs`
    Then it passes
    And the manager has a session named "From an ESM project" with status "passed"
    And 1 run was reserved and each is "completed"
    And no device is left claimed
