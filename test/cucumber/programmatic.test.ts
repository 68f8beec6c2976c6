/**
 * Cucumber's programmatic API in one process: two `runCucumber` calls with the same support library make
 * two GridFleet runs, each completed, with nothing left over from the first in the second.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { withStack } from '../support';
import { runProcess } from '../support/run_process';
import { FixtureSuite, REPO_ROOT } from './support/cucumber_fixture';
import { ANDROID_LANE, FIXTURE_STEPS } from './support/fixture_steps';
import { ManagerView } from './support/manager_view';
import { assertNoLeaks, sessionTable } from './support/no_leaks';

const fixture = withStack();
const suites: FixtureSuite[] = [];

const TWICE = `
const { loadConfiguration, loadSupport, runCucumber } = require('@cucumber/cucumber/api');
(async () => {
  const { runConfiguration } = await loadConfiguration({
    provided: { paths: ['features/**/*.feature'], require: ['support/**/*.js'], requireModule: ['ts-node/register'], format: [] },
  });
  const support = await loadSupport(runConfiguration);
  const first = await runCucumber({ ...runConfiguration, support });
  const second = await runCucumber({ ...runConfiguration, support });
  process.stdout.write('RESULTS ' + first.success + ' ' + second.success + '\\n');
})();
`;

describe('programmatic API', { timeout: 300_000 }, () => {
  after(async () => {
    for (const suite of suites) await suite.remove();
  });

  test('two runCucumber calls in one process: two runs, both completed, one session each', async () => {
    const suite = await FixtureSuite.create({
      'features/suite.feature': 'Feature: Twice\n  Scenario: Runs twice\n    When I look at the screen\n',
      'support/steps.js': FIXTURE_STEPS,
      'twice.js': TWICE,
    });
    suites.push(suite);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...fixture.stack.env,
      ...ANDROID_LANE,
      TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
      TS_NODE_TRANSPILE_ONLY: 'true',
    };
    const { code, output } = await runProcess(process.execPath, ['twice.js'], { cwd: suite.dir, env });
    assert.equal(code, 0, output);
    assert.match(output, /RESULTS true true/);
    const view = new ManagerView(fixture.stack.apiUrl, fixture.stack.labUrl, fixture.stack.gridUrl);
    const { runs, sessions } = await assertNoLeaks(view);
    assert.deepEqual(
      runs.map((r) => r.state),
      ['completed', 'completed'],
    );
    assert.deepEqual(sessionTable(sessions), [
      ['Runs twice', 'passed'],
      ['Runs twice', 'passed'],
    ]);
    assert.notEqual(sessions[0]?.run_id, sessions[1]?.run_id);
  });
});
