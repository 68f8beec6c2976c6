/**
 * `gridfleet-cucumber doctor` against an in-process lab over real HTTP (no Grid here: the Grid checks are
 * exercised against a closed port, and with a real Grid in stack.test.ts).
 */
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningLab, startLab } from '../../lab/src/manager';
import { freePort } from '../support';
import { runProcess } from '../support/run_process';
import {
  doctorJson,
  explain,
  makeProject,
  REPO_ROOT,
  removeProject,
  runCliProcess,
} from './support/cli_process';

const CUCUMBER_MJS = `export default {};
export const lab = {
  worldParameters: {
    gridfleet: { requirements: [{ platform_id: 'android_tv', allocation: 'all_available', min_count: 1 }] },
  },
};
`;

describe('gridfleet-cucumber doctor (lab only)', { timeout: 180_000 }, () => {
  let lab: RunningLab;
  let authLab: RunningLab;
  let project: string;
  let closedGrid: string;
  const dirs: string[] = [];

  before(async () => {
    lab = await startLab({ port: 0 });
    authLab = await startLab({
      port: 0,
      settings: { auth: { enabled: true, username: 'ci-machine', password: 'pw-never-printed' } },
    });
    project = await makeProject({ 'cucumber.mjs': CUCUMBER_MJS });
    dirs.push(project);
    closedGrid = `http://127.0.0.1:${await freePort()}`;
  });
  after(async () => {
    await lab.close();
    await authLab.close();
    for (const dir of dirs) await removeProject(dir);
  });

  const doctor = (args: string[], env: Record<string, string>, cwd = project) =>
    runCliProcess(['doctor', '--json', '--timeout', '0', ...args], {
      cwd,
      env: { GRID_URL: closedGrid, ...env },
    });

  test('reads lanes from a cucumber profile, finds them in the catalog; Grid down fails with a GRID_URL fix', async () => {
    const result = await doctor(['-p', 'lab'], { GRIDFLEET_API_URL: lab.apiUrl });
    assert.equal(result.code, 1, explain(result));
    const { report, status } = doctorJson(result);
    assert.deepEqual(status, {
      config: 'ok',
      cucumber: 'ok',
      manager: 'ok',
      credentials: 'ok',
      catalog: 'ok',
      generation: 'ok',
      grid: 'fail',
      'grid-slots': 'skipped',
    });
    assert.match(report.checks.find((c) => c.id === 'config')?.summary ?? '', /android_tv/);
    assert.match(
      report.checks.find((c) => c.id === 'catalog')?.summary ?? '',
      /appium-uiautomator2\/android_tv/,
    );
    assert.match(
      report.checks.find((c) => c.id === 'generation')?.summary ?? '',
      /^claim era \(GridFleet 0\.1\)$/,
    );
    const grid = report.checks.find((c) => c.id === 'grid');
    assert.match(grid?.summary ?? '', /no answer from .*\/status/);
    assert.match(grid?.fix ?? '', /GRID_URL/);
    assert.equal(report.ready, false);
    // Progress goes to stderr with --json, one line as each check starts and ends.
    assert.match(result.stderr, /\[\.\.\.\.\] manager answers/);
    assert.match(result.stderr, /\[ ok \] manager answers/);
    assert.match(result.stderr, /\[FAIL\] Selenium Grid answers/);
  });

  test('manager down: fails without waiting past --timeout, naming GRIDFLEET_API_URL', async () => {
    const down = `http://127.0.0.1:${await freePort()}/api`;
    const result = await runCliProcess(['doctor', '--timeout', '0', '--platform', 'android_mobile'], {
      cwd: project,
      env: { GRIDFLEET_API_URL: down, GRID_URL: closedGrid },
    });
    assert.equal(result.code, 1, explain(result));
    assert.match(
      result.stdout,
      /\[FAIL\] manager answers at .*:\n\s+no answer from .*\/api\/health \(ECONNREFUSED\)/,
    );
    assert.match(result.stdout, /fix: Start the manager, or set GRIDFLEET_API_URL/);
    assert.match(result.stdout, /\[skip\] manager accepts the credentials \(needs manager\)/);
    assert.match(result.stdout, /not ready: /);
  });

  test('waits for a manager that starts late, printing progress, then passes that check', async () => {
    const port = await freePort();
    let late: RunningLab | undefined;
    let starting: Promise<RunningLab> | undefined;
    try {
      const result = await runCliProcess(['doctor', '--timeout', '6', '--platform', 'android_mobile'], {
        cwd: project,
        env: { GRIDFLEET_API_URL: `http://127.0.0.1:${port}/api`, GRID_URL: closedGrid },
        onStdout: (stdout) => {
          if (!starting && /\[wait\] manager answers/.test(stdout)) starting = startLab({ port });
        },
        // The Grid stays down, so the doctor waits out its timeout on it.
        limitMs: 120_000,
      });
      late = await starting;
      assert.ok(late, `the doctor never printed a [wait] line:\n${explain(result)}`);
      assert.equal(result.code, 1, explain(result));
      assert.match(result.stdout, /\[wait\] manager answers at .*ECONNREFUSED.*retrying for \d+ s more/);
      assert.match(result.stdout, /\[ ok \] manager answers/);
      assert.match(result.stdout, /\[ ok \] catalog has the requested platforms/);
      assert.match(result.stdout, /\[wait\] Selenium Grid answers/);
    } finally {
      await late?.close();
    }
  });

  test('auth on, no credentials: names both env vars', async () => {
    const result = await doctor(['--platform', 'android_mobile'], { GRIDFLEET_API_URL: authLab.apiUrl });
    const { report, status } = doctorJson(result);
    assert.equal(result.code, 1, explain(result));
    assert.equal(status.manager, 'ok', 'health is open even with auth on');
    assert.equal(status.credentials, 'fail');
    assert.equal(status.catalog, 'skipped');
    const check = report.checks.find((c) => c.id === 'credentials');
    assert.match(check?.summary ?? '', /requires authentication \(401\)/);
    assert.match(check?.fix ?? '', /GRIDFLEET_TESTKIT_USERNAME and GRIDFLEET_TESTKIT_PASSWORD/);
  });

  test('auth on, wrong credentials: says they were rejected and never prints the password', async () => {
    const result = await doctor(['--platform', 'android_mobile'], {
      GRIDFLEET_API_URL: authLab.apiUrl,
      GRIDFLEET_TESTKIT_USERNAME: 'ci-machine',
      GRIDFLEET_TESTKIT_PASSWORD: 'wrong-secret-value',
    });
    const { report, status } = doctorJson(result);
    assert.equal(status.credentials, 'fail', explain(result));
    assert.match(
      report.checks.find((c) => c.id === 'credentials')?.summary ?? '',
      /rejected the credentials/,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /wrong-secret-value/);
  });

  test('auth on, right credentials: authenticated, catalog checked', async () => {
    const result = await doctor(['--platform', 'appium-xcuitest/ios'], {
      GRIDFLEET_API_URL: authLab.apiUrl,
      GRIDFLEET_TESTKIT_USERNAME: 'ci-machine',
      GRIDFLEET_TESTKIT_PASSWORD: 'pw-never-printed',
    });
    const { report, status } = doctorJson(result);
    assert.equal(status.credentials, 'ok', explain(result));
    assert.equal(status.catalog, 'ok', explain(result));
    assert.match(
      report.checks.find((c) => c.id === 'credentials')?.summary ?? '',
      /authenticated as ci-machine/,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /pw-never-printed/);
  });

  test('unknown platform: the catalog check fails at once and lists what exists', async () => {
    const result = await doctor(['--platform', 'blackberry'], { GRIDFLEET_API_URL: lab.apiUrl });
    const { report, status } = doctorJson(result);
    assert.equal(status.catalog, 'fail', explain(result));
    const check = report.checks.find((c) => c.id === 'catalog');
    assert.match(check?.summary ?? '', /blackberry/);
    assert.match(check?.summary ?? '', /android_mobile/, 'names platforms that would work');
    assert.equal(check?.attempts, 1, 'a configuration mistake is not retried');
  });

  test('invalid configuration is reported field by field', async () => {
    const result = await doctor([], { GRIDFLEET_API_URL: lab.apiUrl, GRIDFLEET_TTL_MINUTES: 'soon' });
    const { report, status } = doctorJson(result);
    assert.equal(status.config, 'fail', explain(result));
    assert.match(
      report.checks.find((c) => c.id === 'config')?.summary ?? '',
      /ttlMinutes = "soon" \(from env GRIDFLEET_TTL_MINUTES\)/,
    );
  });

  test('cucumber missing or unsupported: fails with the install command', async () => {
    const bare = await makeProject({}, false);
    const old = await makeProject(
      {
        'node_modules/@cucumber/cucumber/package.json': '{"name":"@cucumber/cucumber","version":"12.6.0"}',
      },
      false,
    );
    dirs.push(bare, old);
    for (const [dir, expected] of [
      [bare, /@cucumber\/cucumber is not installed/],
      [old, /@cucumber\/cucumber 12\.6\.0 is installed .*supports >=13\.2\.0 <14/],
    ] as const) {
      const result = await doctor(['--platform', 'android_mobile'], { GRIDFLEET_API_URL: lab.apiUrl }, dir);
      const { report, status } = doctorJson(result);
      assert.equal(status.cucumber, 'fail', explain(result));
      const check = report.checks.find((c) => c.id === 'cucumber');
      assert.match(check?.summary ?? '', expected);
      assert.equal(check?.fix, 'npm install --save-dev "@cucumber/cucumber@>=13.2.0 <14"');
    }
  });

  test('usage mistakes exit 2 with a hint', async () => {
    for (const args of [
      ['launch'],
      ['doctor', '--timeout', 'soon'],
      ['run', 'finish', '--status', 'green', 'x'],
      ['doctor', '--status', 'passed'],
    ]) {
      const result = await runCliProcess(args, { cwd: project });
      assert.equal(result.code, 2, `${args.join(' ')}: ${explain(result)}`);
      assert.match(result.stderr, /gridfleet-cucumber: .+\nRun "gridfleet-cucumber --help" for usage\./);
    }
    const help = await runCliProcess(['--help'], { cwd: project });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /run create/);
  });
});

test('the built bin (dist/cli/main.js, package.json bin) starts with a shebang and runs', async (t) => {
  const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  assert.equal(pkg.bin['gridfleet-cucumber'], './dist/cli/main.js');
  // The lab's bin moved with the lab into its own package (gridfleet-lab, folder lab/).
  assert.equal(pkg.bin['gridfleet-lab'], undefined, 'the product has no lab bin');
  const labPkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'lab', 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  assert.equal(labPkg.bin['gridfleet-lab'], './dist/cli.js', 'the lab package has the gridfleet-lab bin');
  const built = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (
    !(await access(built).then(
      () => true,
      () => false,
    ))
  ) {
    t.skip('dist/ not built (npm test builds before running this)');
    return;
  }
  assert.match(await readFile(built, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const { code, stdout } = await runProcess(process.execPath, [built, '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: gridfleet-cucumber <command>/);
});
