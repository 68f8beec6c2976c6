/**
 * Consumer projects (`npm run test:consumers`): builds and packs this package once, installs the
 * tarball the way a user does, then for each project under `test/consumers/<name>/` type-checks it (if
 * TypeScript) and runs its own cucumber-js with `--parallel 2` against one local stack (lab + Grid +
 * Appium fake driver), then runs each again, unchanged and with no generation setting, against a
 * router-era stack (lab in the router generation + Appium + the router simulator). Checks, through the
 * manager API only: exit 0, one run completed, the scenario's session named after it and passed, no device
 * left claimed or busy. Not a `*.test.ts` file on purpose: it takes a few minutes and is not part of
 * `npm test`.
 *
 * By default the tarball is installed once and its `node_modules` shared by every consumer copy;
 * `CONSUMERS_INSTALL=each` installs it into each copy with that project's own devDependencies (npm's
 * cache, offline when it can; about 45 s more per project here).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  buildPackage,
  CONSUMER_PROJECTS,
  copyConsumer,
  installTarball,
  npmInstallTarball,
  type ProcessResult,
  packPackage,
  runConsumerCucumber,
  typeCheckConsumer,
} from '../../scripts/consumers';
import { ManagerView } from '../cucumber/support/manager_view';
import { assertNoLeaks, sessionTable } from '../cucumber/support/no_leaks';
import { withStack } from '../support';

const fixture = withStack();
/** Today's GridFleet: lab in the router generation + Appium + the router simulator (no Grid). */
const routerFixture = withStack({ generation: 'router' });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-consumers-'));
/** Install into every consumer copy instead of once (see the file comment). */
const installEach = process.env.CONSUMERS_INSTALL === 'each';
let tarball: string;
let modules: string | undefined;
let view: ManagerView;
let routerView: ManagerView;

function explain(what: string, result: ProcessResult): string {
  return `${what}: exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

describe('consumer projects install the packed tarball and run a device scenario', {
  timeout: 900_000,
}, () => {
  before(
    async () => {
      await buildPackage();
      const packed = await packPackage(workDir);
      tarball = path.join(workDir, packed.filename);
      if (!installEach) modules = await installTarball(workDir, tarball);
      view = new ManagerView(fixture.stack.apiUrl, fixture.stack.labUrl, fixture.stack.gridUrl);
      routerView = new ManagerView(
        routerFixture.stack.apiUrl,
        routerFixture.stack.labUrl,
        routerFixture.stack.gridUrl,
        'router',
      );
    },
    { timeout: 300_000 },
  );
  beforeEach(async () => {
    await view.reset();
    await routerView.reset();
  });
  after(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('the installed package is the tarball, not a link to this checkout', { skip: installEach }, () => {
    assert.ok(modules);
    const installed = path.join(modules, 'gridfleet-cucumber');
    assert.equal(fs.lstatSync(installed).isSymbolicLink(), false);
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'register.js')));
    assert.equal(fs.existsSync(path.join(installed, 'test')), false);
  });

  for (const project of CONSUMER_PROJECTS) {
    test(`${project.name}: ${project.typescript ? 'type-checks, ' : ''}passes with --parallel 2`, async () => {
      const dir = copyConsumer(project.name, workDir, modules);
      if (installEach) {
        await npmInstallTarball(dir, tarball);
        assert.equal(
          fs.lstatSync(path.join(dir, 'node_modules', 'gridfleet-cucumber')).isSymbolicLink(),
          false,
        );
      }
      if (project.typescript) {
        const checked = await typeCheckConsumer(dir);
        assert.equal(checked.exitCode, 0, explain(`tsc --noEmit in ${project.name}`, checked));
      }
      const result = await runConsumerCucumber(dir, fixture.stack.env);
      assert.equal(result.exitCode, 0, explain(`cucumber-js in ${project.name}`, result));
      const { runs, sessions } = await assertNoLeaks(view);
      assert.deepEqual(sessionTable(sessions), [[project.scenario, 'passed']]);
      assert.deepEqual(
        runs.map((r) => r.state),
        ['completed'],
        'one run, completed',
      );
    });
  }

  // The same project, the same Gherkin, the same env var names, no generation setting: the package finds
  // out that this manager is router era and creates the sessions at GRID_URL/run/{run_id}.
  for (const project of CONSUMER_PROJECTS) {
    test(`${project.name}: passes with --parallel 2 on a router-era GridFleet, detected`, async () => {
      const dir = copyConsumer(project.name, path.join(workDir, 'router'), modules);
      if (installEach) await npmInstallTarball(dir, tarball);
      const result = await runConsumerCucumber(dir, routerFixture.stack.env);
      assert.equal(result.exitCode, 0, explain(`cucumber-js in ${project.name} (router era)`, result));
      assert.match(result.stderr + result.stdout, /manager generation router era/);
      const { runs, sessions } = await assertNoLeaks(routerView);
      assert.deepEqual(sessionTable(sessions), [[project.scenario, 'passed']]);
      assert.deepEqual(
        runs.map((r) => r.state),
        ['completed'],
        'one run, completed',
      );
    });
  }
});
