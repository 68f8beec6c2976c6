/**
 * The lab as its own package (`npm run test:consumers`): packs `gridfleet-cucumber` and `gridfleet-lab`,
 * installs both tarballs into a fresh folder the way a user does, and runs `npx gridfleet-lab up` there
 * (lab + Appium fake driver + Selenium Grid, every binary resolved from that folder's `node_modules`), then
 * `npx gridfleet-lab down`. Also checks that the product tarball carries no simulator. Not a `*.test.ts`
 * file: the install takes about a minute.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readPidFiles } from '../../lab/src/stack/pid_files';
import { isAlive } from '../../lab/src/stack/processes';
import { buildPackage, LAB_PACKAGE_DIR, npmInstallTarball, packPackage } from '../../scripts/consumers';
import { runProcess, waitFor } from '../support';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-lab-package-'));
const project = path.join(workDir, 'project');
const stateDir = path.join(project, '.lab');
let productFiles: string[] = [];

/** `npx gridfleet-lab ...` in the fresh project, with the repository's Node on PATH (cucumber needs ≥ 22). */
function npxEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
}

after(async () => {
  await runProcess('npx', ['--no-install', 'gridfleet-lab', 'down', '--state-dir', stateDir], {
    cwd: project,
    env: npxEnv(),
    limitMs: 60_000,
  }).catch(() => undefined);
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('gridfleet-lab installed from its tarball', { timeout: 600_000 }, () => {
  before(
    async () => {
      await buildPackage();
      const product = await packPackage(workDir);
      const lab = await packPackage(workDir, LAB_PACKAGE_DIR);
      productFiles = product.files.map((f) => f.path);
      fs.mkdirSync(project, { recursive: true });
      fs.writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'lab-user', private: true }),
      );
      await npmInstallTarball(project, path.join(workDir, lab.filename));
      await npmInstallTarball(project, path.join(workDir, product.filename));
    },
    { timeout: 400_000 },
  );

  test('the product tarball ships no simulator, stack launcher or lab assets', () => {
    const simulator = productFiles.filter((p) =>
      /^(lab\/|assets\/|dist\/(lab|stack|manager|router_sim)\/)/.test(p),
    );
    assert.deepEqual(simulator, []);
  });

  test('npx gridfleet-lab up starts the stack from the fresh folder; down stops it', async () => {
    const child = spawn(
      'npx',
      ['--no-install', 'gridfleet-lab', 'up', '--lab-port', '0', '--grid-port', 'auto', '--appium-port', '0'],
      { cwd: project, env: npxEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let pids: number[] = [];
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    try {
      const apiUrl = await waitFor(() => /GRIDFLEET_API_URL=(\S+)/.exec(output)?.[1], {
        timeoutMs: 120_000,
        what: `gridfleet-lab up to print GRIDFLEET_API_URL\n${output}`,
      });
      const gridUrl = /GRID_URL=(\S+)/.exec(output)?.[1];
      assert.ok(gridUrl, output);
      const devices = (await (await fetch(`${apiUrl}/devices`)).json()) as unknown[];
      assert.ok(devices.length > 0, 'the demo lab has devices');
      const grid = (await (await fetch(`${gridUrl}/status`)).json()) as { value: { ready: boolean } };
      assert.equal(grid.value.ready, true);
      // Every server binary came from the fresh folder, not from this repository.
      const appiumFromProject = fs.existsSync(path.join(project, 'node_modules', 'appium'));
      assert.ok(appiumFromProject, 'appium is installed as a dependency of gridfleet-lab');
      pids = readPidFiles(stateDir).map((r) => r.pid);
      assert.ok(pids.length >= 3, `PID files of the cli, lab, Appium and Grid: ${pids}`);
    } finally {
      const down = await runProcess(
        'npx',
        ['--no-install', 'gridfleet-lab', 'down', '--state-dir', stateDir],
        {
          cwd: project,
          env: npxEnv(),
          limitMs: 60_000,
        },
      );
      assert.equal(down.code, 0, down.output);
    }
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, {
      timeoutMs: 30_000,
      what: 'every stack process to exit after gridfleet-lab down',
    });
    await waitFor(() => (child.exitCode !== null || child.signalCode !== null ? true : undefined), {
      timeoutMs: 30_000,
      what: 'gridfleet-lab up to exit',
    });
  });
});
