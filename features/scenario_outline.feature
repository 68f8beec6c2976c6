Feature: Scenario outlines
  Each example row of an outline is its own scenario: its own device claim and session, named with the
  placeholders substituted, exactly as cucumber shows the scenario.

  Scenario: Sessions of an outline are named after each example row
    Given the device requirements are:
      """
      [{"platform_id": "android_mobile", "allocation": "all_available", "min_count": 1}]
      """
    And a file named "features/sign_in.feature" with:
      """
      Feature: Sign in
        Scenario Outline: Sign in as <user> on <screen>
          Then the device platform is android_mobile

          Examples:
            | user  | screen |
            | alice | home   |
            | bob   | login  |
      """
    When I run cucumber-js with `--parallel 2`
    Then it passes
    And the manager has a session named "Sign in as alice on home" with status "passed"
    And the manager has a session named "Sign in as bob on login" with status "passed"
    And 1 run was reserved and each is "completed"
    And no device is left claimed
