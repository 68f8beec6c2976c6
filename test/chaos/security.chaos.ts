/**
 * Security (issue #5): a real cucumber-js run against a lab with HTTP Basic auth on, then every output is
 * searched for the password, and for marker values planted in device config and test data (which must
 * not be logged unless a step asks for them): stdout, stderr, the html/message/junit/json reports,
 * screenshots (their bytes, so PNG metadata too) and every other file the run wrote.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { DEMO_LAB_PATH, parseLabFile } from '../../lab/src/manager/lab_file';
import { FixtureSuite } from '../cucumber/support/cucumber_fixture';
import { ANDROID_LANE, FIXTURE_STEPS } from '../cucumber/support/fixture_steps';
import { withStack } from '../support';
import { ChaosLab } from './support/chaos_lab';

const USERNAME = 'chaos-machine';
const PASSWORD = 'Pw-7f3c91-do-not-leak';
const CONFIG_MARKER = 'CFGMARK4471';
const DATA_MARKER = 'DATAMARK9023';

/** The demo lab with markers in every device's config and test data. */
function markedLab() {
  const text = readFileSync(DEMO_LAB_PATH, 'utf8')
    .replace(/app_username: /g, `app_username: ${CONFIG_MARKER}-`)
    .replace(/account: \{ user: /g, `account: { user: ${DATA_MARKER}-`);
  return parseLabFile(parseYaml(text), 'marked.yaml');
}

/** Every regular file under `dir` (not following the node_modules link). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('credentials, device config and test data stay out of every output', { timeout: 600_000 }, () => {
  const fixture = withStack();
  let lab: ChaosLab | undefined;
  let suite: FixtureSuite | undefined;
  before(async () => {
    lab = await ChaosLab.start(
      fixture.stack.gridUrl,
      { auth: { enabled: true, username: USERNAME, password: PASSWORD } },
      markedLab(),
    );
  });
  after(async () => {
    await suite?.remove();
    await lab?.stop();
  });

  test('a run with a passing, a failing and a manager-error scenario shows none of them', async () => {
    if (!lab) throw new Error('lab not started');
    // One 500 the client does not retry (a claim), so an error message from the manager is printed too.
    await lab.fault({ method: 'POST', path: '/api/runs/*/claim', status: 500, times: 1 });
    suite = await FixtureSuite.create({
      'features/suite.feature': `Feature: Secrets
  Scenario: Reads test data
    When I look at the screen
    Then the device test data has "account.user"
    And the device config has "app_username"
    And I take a screenshot

  Scenario: Fails with a screenshot
    When I look at the screen
    Then it fails

  Scenario: Third one
    When I look at the screen
`,
      'support/steps.js': FIXTURE_STEPS,
    });
    const result = await suite.run(
      [
        '--parallel',
        '2',
        '--format',
        'html:reports/report.html',
        '--format',
        'message:reports/messages.ndjson',
        '--format',
        'junit:reports/junit.xml',
        '--format',
        'json:reports/report.json',
      ],
      {
        env: {
          ...fixture.stack.env,
          ...ANDROID_LANE,
          GRIDFLEET_API_URL: lab.apiUrl,
          GRIDFLEET_TESTKIT_USERNAME: USERNAME,
          GRIDFLEET_TESTKIT_PASSWORD: PASSWORD,
        },
      },
    );
    const explain = `exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.exitCode, 1, explain);
    // The credentials worked: the lab saw authenticated calls and the run ended.
    const state = (await (await fetch(`${lab.url}/lab/state`)).json()) as { runs: Array<{ state: string }> };
    assert.equal(state.runs.length, 1, explain);
    assert.equal(state.runs[0]?.state, 'cancelled', explain);
    assert.match(result.stdout + result.stderr, /500|INTERNAL_ERROR/, 'the manager error is shown');

    const files = filesUnder(suite.dir);
    const names = files.map((f) => path.relative(suite?.dir ?? '', f));
    for (const wanted of [
      'reports/report.html',
      'reports/messages.ndjson',
      'reports/junit.xml',
      'reports/report.json',
    ])
      assert.ok(names.includes(wanted), `${wanted} was written (files: ${names.join(', ')})`);
    assert.ok(
      names.some((n) => n.endsWith('.png')),
      `a screenshot was saved (files: ${names.join(', ')})`,
    );
    const outputs: Array<[string, Buffer]> = [
      ['stdout', Buffer.from(result.stdout)],
      ['stderr', Buffer.from(result.stderr)],
      ...files.map((f): [string, Buffer] => [path.relative(suite?.dir ?? '', f), readFileSync(f)]),
    ];
    const leaks: string[] = [];
    for (const [where, bytes] of outputs) {
      // Reports embed attachments as base64, so look for the encoded forms too.
      for (const secret of [PASSWORD, CONFIG_MARKER, DATA_MARKER]) {
        const forms = [secret, Buffer.from(secret).toString('base64').slice(0, 12)];
        const basic = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64');
        if (secret === PASSWORD) forms.push(basic);
        for (const form of forms) if (bytes.includes(form)) leaks.push(`${secret} (as ${form}) in ${where}`);
      }
    }
    assert.deepEqual(leaks, [], `${leaks.join('\n')}\n${explain}`);
  });
});
