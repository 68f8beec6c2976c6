/**
 * The lifecycle tests of `lifecycle.test.ts` that are not claim-specific, on the router-era stack (lab in
 * the router generation + Appium fake driver + the router simulator on GRID_URL): the real cucumber-js
 * CLI, the generation detected, and what an operator sees afterwards read through the manager API only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CANCELLED_SUITE,
  DEVICE_TROUBLE_SUITE,
  FAILING_SUITE,
  MIXED_SUITE,
  SCREENS_SUITE,
} from './support/lifecycle_features';
import { assertNoLeaks, sessionTable } from './support/no_leaks';
import { explain, suiteOnStack } from './support/suite_on_stack';

const onStack = suiteOnStack({ generation: 'router' });
const { suites, runSuite } = onStack;

/** Requests a router-era client must never send (retired claim-era routes). */
const CLAIM_ERA =
  /^POST \/api\/(runs\/[^/]+\/(claim|release|devices\/[^/]+\/release-with-cooldown)|sessions($|\/[^/]+\/finished))/;

describe('cucumber-js on a router-era GridFleet lab', { timeout: 600_000 }, () => {
  test('all pass in --parallel 2: generation detected, run-scoped sessions named after scenarios, passed, run completed', async () => {
    const result = await runSuite(SCREENS_SUITE, ['--parallel', '2']);
    assert.equal(result.exitCode, 0, explain(result));
    assert.equal(
      result.stderr.match(/gridfleet: manager generation router era \(GridFleet ≥ 0\.3\), detected/g)?.length,
      1,
      explain(result),
    );
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.state, 'completed');
    assert.deepEqual(sessionTable(sessions), [
      ['Home screen renders', 'passed'],
      ['Screen one renders', 'passed'],
      ['Screen two renders', 'passed'],
    ]);
    assert.ok(sessions.every((s) => s.run_id === runs[0]?.id && s.device_id !== null));
    for (const session of sessions) {
      const caps = session.requested_capabilities ?? {};
      assert.equal(caps['gridfleet:testName'], session.test_name);
      assert.equal(caps['appium:platform'], 'android_mobile');
      assert.equal(typeof caps.platformName, 'string');
      assert.equal(caps['gridfleet:feature'], 'Screens');
      assert.equal(caps['appium:udid'], undefined);
    }
    const requests = await onStack.view.requests();
    assert.deepEqual(
      requests.filter((r) => CLAIM_ERA.test(r)),
      [],
      'no claim, release, register or finished',
    );
    const patches = requests.filter((r) => /^PATCH \/api\/sessions\/[^/]+\/status$/.test(r));
    assert.equal(patches.length, 3, requests.join('\n'));
    assert.match(
      result.stderr,
      new RegExp(
        `gridfleet: run ${runs[0]?.id} ".+" completed \\| devices 3 \\| sessions passed 3, failed 0, error 0`,
      ),
    );
  });

  test('a failing scenario: status failed after the DELETE, run cancelled by default, a failure screenshot in the report', async () => {
    const result = await runSuite(MIXED_SUITE, ['--parallel', '2', '--format', 'html:report.html']);
    assert.equal(result.exitCode, 1, explain(result));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.deepEqual(sessionTable(sessions), [
      ['Breaks', 'failed'],
      ['Works', 'passed'],
    ]);
    const html = await import('node:fs/promises').then((fs) =>
      fs.readFile(`${suites.at(-1)?.dir}/report.html`, 'utf8'),
    );
    assert.match(html, /image\/png/);
    assert.match(html, /iVBORw0KGgo/);
  });

  test('onFailure "complete" completes the run even when a scenario failed', async () => {
    const result = await runSuite(FAILING_SUITE, [], { env: { GRIDFLEET_ON_FAILURE: 'complete' } });
    assert.equal(result.exitCode, 1, explain(result));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'completed');
    assert.deepEqual(sessionTable(sessions), [['Breaks', 'failed']]);
  });

  test('a failing Before hook and a step timeout: sessions error and failed, devices free', async () => {
    const result = await runSuite(
      `Feature: Setup
  @broken-setup
  Scenario: Setup explodes
    When I look at the screen
  Scenario: Hangs
    When I look at the screen
    And the step hangs
`,
      ['--parallel', '2'],
    );
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, /fixture setup exploded/);
    assert.match(result.stdout, /timed out/);
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessionTable(sessions), [
      ['Hangs', 'failed'],
      ['Setup explodes', 'error'],
    ]);
  });

  test('a device-level failure mid-scenario: session error, then the device is cooled down (after the DELETE)', async () => {
    const result = await runSuite(DEVICE_TROUBLE_SUITE, []);
    assert.equal(result.exitCode, 1, explain(result));
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessionTable(sessions), [
      ['Assertion fails', 'failed'],
      ['Session dies', 'error'],
    ]);
    const requests = await onStack.view.requests();
    const cooldowns = requests.filter((r) => /^POST \/api\/runs\/[^/]+\/devices\/[^/]+\/cooldown$/.test(r));
    assert.equal(cooldowns.length, 1, `cooldown only for the device failure\n${requests.join('\n')}`);
    const died = sessions.find((s) => s.test_name === 'Session dies');
    const statusAt = requests.indexOf(`PATCH /api/sessions/${died?.session_id}/status`);
    assert.ok(statusAt >= 0 && statusAt < requests.indexOf(cooldowns[0] as string), requests.join('\n'));
  });

  test('driver creation fails on the device: the scenario fails with the router error naming the run, the device cooled down', async () => {
    const result = await runSuite(
      `Feature: Broken lane
  Scenario: Appium refuses
    When I look at the screen
`,
      [],
      {
        env: {
          GRIDFLEET_CAPABILITIES: JSON.stringify({
            android_mobile: { 'appium:automationName': 'NoSuchDriver' },
          }),
        },
      },
    );
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, /GridFleet router refused the session for run [0-9a-f-]{36}/);
    assert.match(result.stdout, /NoSuchDriver/);
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.ok(
      sessions.every((s) => s.status === 'error'),
      explain(result),
    );
    const requests = await onStack.view.requests();
    assert.equal(
      requests.filter((r) => /\/devices\/[^/]+\/cooldown$/.test(r)).length,
      1,
      `the device Appium failed on is cooled down\n${requests.join('\n')}`,
    );
  });

  test('requests the router could never serve fail at once, naming what to change: unknown group, refused capability', async () => {
    const result = await runSuite(
      `Feature: Validation
  @group:no-such-group
  Scenario: Unknown group
    When I look at the screen
  @platform:roku_network
  Scenario: Wrong lane
    When I look at the screen
`,
      [],
    );
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, /unknown device group\(s\) "no-such-group"/);
    assert.match(result.stdout, /No GridFleet lane serves platform "roku_network"/);
    const pinned = await runSuite(
      `Feature: Validation
  Scenario: Old pin
    When I look at the screen
`,
      [],
      { env: { GRIDFLEET_CAPABILITIES: JSON.stringify({ '*': { 'appium:udid': 'emulator-5554' } }) } },
    );
    assert.equal(pinned.exitCode, 1, explain(pinned));
    assert.match(pinned.stdout, /capability "appium:udid" matches no device in the router era/);
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessions, [], 'nothing reached the manager');
  });

  test('groups from a @group tag and from the lane: gridfleet:group:<key> caps, reserved in the group; test data read when a step asks', async () => {
    const inGroup = (await (
      await fetch(`${onStack.fixture.stack.apiUrl}/devices?group=qa-lab`)
    ).json()) as Array<{
      id: string;
    }>;
    const result = await runSuite(
      `Feature: Groups
  @group:qa-lab
  Scenario: In a group
    When I look at the screen
    Then the device has test data
`,
      [],
      {
        files: {
          'support/data.js': `
const assert = require('node:assert/strict');
const { Then } = require('@cucumber/cucumber');
Then('the device has test data', async function () {
  const data = await this.getTestData();
  assert.ok(data !== null && typeof data === 'object' && !Array.isArray(data), 'test data is an object');
});
`,
        },
      },
    );
    assert.equal(result.exitCode, 0, explain(result));
    const laneGroups = await runSuite(SCREENS_SUITE, [], {
      env: {
        GRIDFLEET_REQUIREMENTS: JSON.stringify([
          {
            pack_id: 'appium-uiautomator2',
            platform_id: 'android_mobile',
            allocation: 'all_available',
            groups: ['qa-lab'],
          },
        ]),
      },
    });
    assert.equal(laneGroups.exitCode, 0, explain(laneGroups));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(sessions.length, 4);
    for (const session of sessions) {
      assert.equal(session.requested_capabilities?.['gridfleet:group:qa-lab'], true);
      assert.ok(
        inGroup.some((d) => d.id === session.device_id),
        `device ${session.device_id} is in qa-lab`,
      );
    }
    const laneRun = runs.find((r) => sessions.some((s) => s.run_id === r.id && s.test_name !== 'In a group'));
    assert.ok(laneRun);
    assert.ok(
      laneRun.devices.every((d) => inGroup.some((g) => g.id === d.device_id)),
      'only qa-lab devices reserved',
    );
    const requests = await onStack.view.requests();
    assert.equal(
      requests.filter((r) => /^GET \/api\/devices\/[^/]+\/test_data$/.test(r)).length,
      1,
      'only the step asked',
    );
  });

  test('one reserved device and --parallel 2: the second worker is held until the device is free, every scenario passes on it', async () => {
    const result = await runSuite(SCREENS_SUITE, ['--parallel', '2'], {
      env: {
        GRIDFLEET_REQUIREMENTS: JSON.stringify([
          { pack_id: 'appium-uiautomator2', platform_id: 'android_mobile', count: 1 },
        ]),
      },
    });
    assert.equal(result.exitCode, 0, explain(result));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'completed');
    assert.deepEqual(sessionTable(sessions), [
      ['Home screen renders', 'passed'],
      ['Screen one renders', 'passed'],
      ['Screen two renders', 'passed'],
    ]);
    assert.equal(new Set(sessions.map((s) => s.device_id)).size, 1, 'all on the one reserved device');
  });

  test('a run cancelled on the manager mid-way: the remaining scenarios fail fast saying so', async () => {
    const result = await runSuite(CANCELLED_SUITE, [], {
      env: { GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '10', GRIDFLEET_HEARTBEAT_INTERVAL_SEC: '1' },
    });
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(
      result.stdout,
      /GridFleet run [0-9a-f-]+ \(".+"\) ended before this scenario could use it|is cancelled; sessions can only be created for a live/,
    );
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.equal(sessions.filter((s) => s.test_name === 'Comes too late').length, 0);
  });
});
