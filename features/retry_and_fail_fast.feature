Feature: --retry and --fail-fast
  With --retry every attempt is a fresh claim and a fresh session, each reported with its own result.
  With --fail-fast the scenarios cucumber skips after the first failure claim nothing.

  Background:
    Given the device requirements are:
      """
      [{"pack_id": "appium-uiautomator2", "platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """
    And a file named "features/support/flaky_steps.js" with:
      """
      const { Then } = require('@cucumber/cucumber');
      // Retries run in the same worker with a fresh World, so this module-level count spans attempts.
      let attempts = 0;
      Then('this step fails on the first attempt only', function () {
        attempts += 1;
        if (attempts === 1) throw new Error('first attempt fails on purpose');
      });
      Then('this step always fails', function () {
        throw new Error('fails on purpose');
      });
      """

  Scenario: A flaky scenario passes on its retry
    Given a file named "features/flaky.feature" with:
      """
      Feature: Flaky
        Scenario: Flaky check
          Then this step fails on the first attempt only
      """
    When I run cucumber-js with `--retry 1`
    Then it passes
    And scenario "Flaky check" has status "passed"
    And the sessions named "Flaky check" have the statuses "failed, passed"
    And 1 run was reserved and each is "completed"
    And no device is left claimed
    And every claimed device was released by its worker
    And no device was released with a cooldown

  Scenario: Scenarios skipped by --fail-fast claim no device
    Given a file named "features/fail_fast.feature" with:
      """
      Feature: Fail fast
        Scenario: First fails
          Then this step always fails

        Scenario: Second is skipped
          Then the device platform is android_mobile
      """
    When I run cucumber-js with `--fail-fast`
    Then it fails
    And scenario "Second is skipped" has status "skipped"
    And the manager has a session named "First fails" with status "failed"
    And the manager has no session named "Second is skipped"
    And 1 run was reserved and each is "cancelled"
    And no device is left claimed
    And every claimed device was released by its worker
