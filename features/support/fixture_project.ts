import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CucumberRun, runCucumberCli } from './cucumber_cli';
import { CUCUMBER_BIN, REPO_ROOT } from './paths';

/** The one-line support file of issue #4: World, hooks and step library, through the package exports. */
const SUPPORT_FILE = "require('gridfleet-cucumber/register');\n";

/**
 * A throwaway cucumber project in a temp dir that depends on this package the way a user's project does:
 * `node_modules/gridfleet-cucumber` and `node_modules/@cucumber/cucumber` link to this repository's copies,
 * so there is one cucumber instance and the package resolves through its `exports` map (built `dist/`).
 */
export class FixtureProject {
  private constructor(readonly dir: string) {}

  /** Creates the project with its package.json, dependency links and the one-line support file. */
  static async create(): Promise<FixtureProject> {
    const dir = await mkdtemp(path.join(tmpdir(), 'gridfleet-cucumber-acceptance-'));
    const project = new FixtureProject(dir);
    await project.writeFile(
      'package.json',
      JSON.stringify({ name: 'fixture', private: true, type: 'commonjs' }),
    );
    await mkdir(path.join(dir, 'node_modules', '@cucumber'), { recursive: true });
    await symlink(REPO_ROOT, path.join(dir, 'node_modules', 'gridfleet-cucumber'), 'dir');
    const cucumberDir = path.dirname(path.dirname(CUCUMBER_BIN));
    await symlink(cucumberDir, path.join(dir, 'node_modules', '@cucumber', 'cucumber'), 'dir');
    await project.writeFile('features/support/gridfleet.js', SUPPORT_FILE);
    return project;
  }

  /** Writes a file below the project dir, creating folders. */
  async writeFile(relativePath: string, content: string): Promise<void> {
    const file = path.join(this.dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }

  /** Runs the real cucumber-js CLI in the project with `args` (see {@link runCucumberCli}). */
  runCucumber(args: string[], env: Record<string, string>): Promise<CucumberRun> {
    return runCucumberCli({
      cwd: this.dir,
      args: ['--require', 'features/support/**/*.js', ...args],
      env,
      messagesFile: path.join(this.dir, 'reports', 'messages.ndjson'),
    });
  }

  /** Deletes the project dir. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
