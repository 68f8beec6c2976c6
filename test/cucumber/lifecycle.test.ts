/**
 * Runs the real cucumber-js CLI on tiny fixture suites against the local stack (lab + Selenium Grid +
 * Appium fake driver) and checks, through the manager API only, what an operator would see afterwards.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FixtureSuite, REPO_ROOT } from './support/cucumber_fixture';
import { ANDROID_LANE, FIXTURE_STEPS } from './support/fixture_steps';
import { DEVICE_TROUBLE_SUITE, SCREENS_SUITE } from './support/lifecycle_features';
import { assertNoLeaks, sessionTable } from './support/no_leaks';
import { sharedLifecycleCases } from './support/shared_lifecycle_cases';
import { explain, suiteOnStack } from './support/suite_on_stack';

const onStack = suiteOnStack();
const { fixture, suites, runSuite } = onStack;

describe('cucumber-js on a GridFleet lab', { timeout: 600_000 }, () => {
  sharedLifecycleCases(onStack, {
    runEnded:
      /GridFleet run [0-9a-f-]+ \(".+"\) (ended before this scenario could use it: the manager reports it cancelled|has ended)/,
  });

  test('all pass in --parallel 2: sessions named after scenarios, passed, run completed, nothing claimed', async () => {
    const result = await runSuite(SCREENS_SUITE, ['--parallel', '2']);
    assert.equal(result.exitCode, 0, explain(result));
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
      assert.equal(caps['gridfleet:feature'], 'Screens');
      assert.equal(caps['gridfleet:attempt'], 1);
      assert.equal(caps['gridfleet:runId'], runs[0]?.id);
      assert.match(String(caps['gridfleet:workerId']), /^worker-[01]$/);
      assert.match(String(caps['gridfleet:scenarioUri']), /^features\/suite\.feature:\d+$/);
    }
    const requests = await onStack.view.requests();
    // The generation probe claims on a run that exists nowhere (docs/manager-api.md §R1.2 B).
    const claims = requests.filter((r) => /^POST \/api\/runs\/(?!0{8}-0{4}-)[^/]+\/claim/.test(r));
    assert.equal(claims.length, 3, requests.join('\n'));
    assert.ok(
      claims.every((r) => /include=config(%2C|,)test_data/.test(r)),
      claims.join('\n'),
    );
    const followUps = requests.filter((r) => /^GET \/api\/devices\/[^?]/.test(r));
    assert.deepEqual(followUps, [], 'hydration uses the inline includes, no follow-up GET');
    assert.match(
      result.stderr,
      new RegExp(
        `gridfleet: run ${runs[0]?.id} ".+" completed \\| devices 3 \\| sessions passed 3, failed 0, error 0`,
      ),
    );
  });

  test('a failing Before hook: the session is reported as error and the device released', async () => {
    const result = await runSuite(
      `Feature: Setup
  @broken-setup
  Scenario: Setup explodes
    When I look at the screen
`,
      [],
    );
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, /fixture setup exploded/);
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'cancelled');
    assert.deepEqual(sessionTable(sessions), [['Setup explodes', 'error']]);
  });

  test('a step timeout: session failed, device released', async () => {
    const result = await runSuite(
      `Feature: Slow
  Scenario: Hangs
    When I look at the screen
    And the step hangs
`,
      ['--parallel', '2'],
    );
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, /timed out/);
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessionTable(sessions), [['Hangs', 'failed']]);
  });

  test('--fail-fast: the scenarios skipped after the failure claim nothing', async () => {
    const result = await runSuite(
      `Feature: Fail fast
  Scenario: First breaks
    When I look at the screen
    Then it fails
  Scenario: Second never runs
    When I look at the screen
  Scenario: Third never runs
    When I look at the screen
`,
      ['--fail-fast'],
    );
    assert.equal(result.exitCode, 1, explain(result));
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessionTable(sessions), [['First breaks', 'failed']]);
  });

  test('--retry 1 with a flaky scenario: a fresh claim and session per attempt, run completed', async () => {
    const result = await runSuite(
      `Feature: Flaky
  Scenario: Flaky screen
    When I look at the screen
    Then it passes on the second attempt
`,
      ['--retry', '1', '--parallel', '2'],
    );
    assert.equal(result.exitCode, 0, explain(result));
    const { runs, sessions } = await assertNoLeaks(onStack.view);
    assert.equal(runs[0]?.state, 'completed');
    assert.deepEqual(sessionTable(sessions), [
      ['Flaky screen', 'failed'],
      ['Flaky screen', 'passed'],
    ]);
    assert.notEqual(sessions[0]?.session_id, sessions[1]?.session_id);
    const attempts = sessions.map((s) => [s.status, s.requested_capabilities?.['gridfleet:attempt']]).sort();
    assert.deepEqual(attempts, [
      ['failed', 1],
      ['passed', 2],
    ]);
  });

  test('driver creation fails: a device-less error session, the device released, the scenario fails with the Grid error', async () => {
    const result = await runSuite(
      `Feature: Broken lane
  Scenario: No node matches
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
    assert.match(result.stdout, /session|capabilit/i);
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.equal(sessions.length, 1);
    assert.match(sessions[0]?.session_id ?? '', /^error-[0-9a-f-]{36}$/);
    assert.equal(sessions[0]?.status, 'error');
    assert.equal(sessions[0]?.test_name, 'No node matches');
    const cooldowns = (await onStack.view.requests()).filter((r) => /\/release-with-cooldown$/.test(r));
    assert.equal(cooldowns.length, 1, 'the device is released with a cooldown');
  });

  test('a device-level failure mid-scenario: session error, device released with a cooldown', async () => {
    const result = await runSuite(DEVICE_TROUBLE_SUITE, []);
    assert.equal(result.exitCode, 1, explain(result));
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(
      sessionTable(sessions),
      [
        ['Assertion fails', 'failed'],
        ['Session dies', 'error'],
      ],
      explain(result),
    );
    const requests = await onStack.view.requests();
    assert.equal(
      requests.filter((r) => /\/release-with-cooldown$/.test(r)).length,
      1,
      'cooldown only for the device failure',
    );
    assert.equal(
      requests.filter((r) => /\/release$/.test(r)).length,
      1,
      'plain release after the assertion failure',
    );
  });

  test('a @platform tag naming a platform without a lane fails that scenario clearly and claims nothing', async () => {
    const result = await runSuite(
      `Feature: Lanes
  @platform:roku_network
  Scenario: Wrong lane
    When I look at the screen
`,
      [],
    );
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout, /No GridFleet lane serves platform "roku_network"/);
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessions, []);
  });

  test('registering twice registers once (2 run hooks), and a user World subclass is used as is', async () => {
    const register = JSON.stringify(path.join(REPO_ROOT, 'src', 'register.ts'));
    // The register entry only registers; the World and registerGridFleetHooks come from the root entry.
    const root = JSON.stringify(path.join(REPO_ROOT, 'src', 'index.ts'));
    const suite = await FixtureSuite.create({
      'features/suite.feature': `Feature: Own world
  Scenario: Uses my world
    When I look at the screen
    Then the world is mine
`,
      'support/steps.js': FIXTURE_STEPS,
      'support/world.js': `
const { setWorldConstructor, Then } = require('@cucumber/cucumber');
require(${register});
const { GridFleetWorld, registerGridFleetHooks } = require(${root});
require(${register});
if (registerGridFleetHooks() !== false) throw new Error('second registration was not a no-op');
class MyWorld extends GridFleetWorld { greet() { return 'mine'; } }
setWorldConstructor(MyWorld);
Then('the world is mine', function () {
  if (this.greet() !== 'mine' || !this.device.deviceId) throw new Error('not my world');
});
`,
    });
    suites.push(suite);
    const result = await suite.run(['--parallel', '2'], { env: { ...fixture.stack.env, ...ANDROID_LANE } });
    assert.equal(result.exitCode, 0, explain(result));
    assert.match(
      result.stdout,
      /\n4 hooks \(4 passed\)/,
      "one coordinator BeforeAll and AfterAll, and each of the 2 workers' report-flushing AfterAll",
    );
    const { sessions } = await assertNoLeaks(onStack.view);
    assert.deepEqual(sessionTable(sessions), [['Uses my world', 'passed']]);
  });

  test('an invalid config fails the run at once, naming field, value and expectation, and reserves nothing', async () => {
    const result = await runSuite(`Feature: X\n  Scenario: Y\n    When I look at the screen\n`, [], {
      env: { GRIDFLEET_TTL_MINUTES: 'forever' },
    });
    assert.equal(result.exitCode, 1, explain(result));
    assert.match(result.stdout + result.stderr, /ttlMinutes = "forever" \(from env GRIDFLEET_TTL_MINUTES\)/);
    assert.deepEqual(await onStack.view.runs(), []);
  });

  test("a finished scenario lets go of its webdriverio Browser (nothing keeps every scenario's session in memory)", async () => {
    // webdriver arms an AbortSignal.timeout(connectionRetryTimeout) per request; on Node 24 its timer keeps
    // the async context of the request alive, which holds cucumber's { world } for up to 300 s. Unless the
    // World lets go of the lease, every scenario's Browser (hundreds of closures) stays reachable with it.
    const scenarios = Array.from(
      { length: 6 },
      (_, i) => `  Scenario: Kept ${i}\n    When I look at the screen\n`,
    );
    const suite = await FixtureSuite.create({
      'features/suite.feature': `Feature: Memory\n${scenarios.join('\n')}`,
      'support/steps.js': FIXTURE_STEPS,
      'support/zz_probe.js': `
const { After, AfterAll } = require('@cucumber/cucumber');
const counts = { tracked: 0, collected: 0 };
const registry = new FinalizationRegistry(() => { counts.collected += 1; });
// Registered after the gridfleet hooks, so it runs before them (After hooks run in reverse order).
After(function () { if (this.hasDevice) { registry.register(this.driver, 'driver'); counts.tracked += 1; } });
AfterAll(async function () {
  for (let i = 0; i < 5; i += 1) { global.gc(); await new Promise((r) => setTimeout(r, 50)); }
  console.log('BROWSERS tracked ' + counts.tracked + ' collected ' + counts.collected);
});
`,
    });
    suites.push(suite);
    const result = await suite.run(['--parallel', '2'], {
      env: { ...fixture.stack.env, ...ANDROID_LANE, NODE_OPTIONS: '--expose-gc' },
    });
    assert.equal(result.exitCode, 0, explain(result));
    const lines = [...result.stdout.matchAll(/BROWSERS tracked (\d+) collected (\d+)/g)];
    assert.ok(lines.length >= 1, explain(result));
    const tracked = lines.reduce((n, m) => n + Number(m[1]), 0);
    const collected = lines.reduce((n, m) => n + Number(m[2]), 0);
    assert.equal(tracked, 6, explain(result));
    assert.equal(collected, tracked, "every finished scenario's Browser can be garbage-collected");
    await assertNoLeaks(onStack.view);
  });
});
