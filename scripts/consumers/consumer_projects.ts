import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runProcess } from '../../test/support/run_process';
import { REPO_ROOT } from './pack_package';

const run = promisify(execFile);

/** Where the consumer projects live in this repository. */
export const CONSUMERS_DIR = path.join(REPO_ROOT, 'test', 'consumers');

/** One consumer project under `test/consumers/<name>/`. */
export interface ConsumerProject {
  /** Folder name. */
  name: string;
  /** Whether it is TypeScript (it then has a strict `tsconfig.json` that must type-check). */
  typescript: boolean;
  /** The scenario it runs (also the `test_name` of its manager session). */
  scenario: string;
}

/** Every consumer project: how each kind of project loads gridfleet-cucumber. */
export const CONSUMER_PROJECTS: readonly ConsumerProject[] = [
  { name: 'cjs-require', typescript: false, scenario: 'cjs-require takes a screenshot' },
  { name: 'esm-import', typescript: false, scenario: 'esm-import takes a screenshot' },
  { name: 'ts-tsx', typescript: true, scenario: 'ts-tsx takes a screenshot' },
  { name: 'ts-ts-node', typescript: true, scenario: 'ts-ts-node takes a screenshot' },
  { name: 'custom-world', typescript: true, scenario: 'custom-world visits two screens' },
];

/** Dev tools the TypeScript consumers use, taken from this repository's install (same versions). */
const LINKED_TOOLS = ['tsx', 'ts-node', 'typescript', '@types/node'] as const;

/**
 * `npm install <tarball>` in `cwd` (plus whatever its package.json lists), from npm's cache when it
 * can (`--offline`), from the registry only for what the cache lacks (`--prefer-offline`).
 *
 * @throws Error with npm's output when both attempts fail.
 */
export async function npmInstallTarball(cwd: string, tarball: string): Promise<void> {
  const install = (mode: string) =>
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', mode, '--ignore-scripts', '--loglevel=error', tarball],
      {
        cwd,
        maxBuffer: 1 << 24,
      },
    );
  await install('--offline').catch(async () => {
    try {
      await install('--prefer-offline');
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`npm install ${tarball} failed in ${cwd}:\n${stdout}${stderr}`);
    }
  });
}

/**
 * Installs the packed tarball once, the way a user does (`npm install <tarball>` next to
 * `@cucumber/cucumber`), into `<workDir>/deps`, then links the TypeScript tools from this repository.
 * Consumer copies then share this `node_modules` (see {@link copyConsumer}): one install instead of one
 * per consumer, because an install takes 20-45 s on this machine.
 *
 * @returns the installed `node_modules` directory.
 */
export async function installTarball(workDir: string, tarball: string): Promise<string> {
  const deps = path.join(workDir, 'deps');
  fs.mkdirSync(deps, { recursive: true });
  const cucumberVersion = readVersion('@cucumber/cucumber');
  fs.writeFileSync(
    path.join(deps, 'package.json'),
    JSON.stringify({
      name: 'consumer-deps',
      private: true,
      devDependencies: { '@cucumber/cucumber': cucumberVersion },
    }),
  );
  await npmInstallTarball(deps, tarball);
  const modules = path.join(deps, 'node_modules');
  for (const tool of LINKED_TOOLS) {
    const target = path.join(modules, tool);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', tool), target, 'dir');
  }
  return modules;
}

function readVersion(pkg: string): string {
  const file = require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] });
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Copies consumer `name` to `<workDir>/<name>`. With `modules` (from {@link installTarball}) it links that
 * shared `node_modules` into the copy; without, the caller installs into the copy
 * ({@link npmInstallTarball}), which also installs the project's own devDependencies.
 */
export function copyConsumer(name: string, workDir: string, modules?: string): string {
  const dir = path.join(workDir, name);
  fs.cpSync(path.join(CONSUMERS_DIR, name), dir, {
    recursive: true,
    filter: (src) =>
      !/(^|[/\\])(node_modules|reports|screenshots)([/\\]|$)/.test(path.relative(CONSUMERS_DIR, src)),
  });
  if (modules) fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Output of a child process. */
export interface ProcessResult {
  /** Exit code (null when a signal ended it). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Type-checks a TypeScript consumer with its own strict tsconfig (`tsc --noEmit -p tsconfig.json`). */
export function typeCheckConsumer(dir: string): Promise<ProcessResult> {
  const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  return spawnCollect(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], dir, process.env);
}

/** Longest a consumer's cucumber run may take before it is killed (it takes seconds). */
const RUN_LIMIT_MS = 180_000;

/**
 * Runs the consumer's own cucumber-js (from its `node_modules`) with its config file and `--parallel 2`,
 * on this process's Node (24), with `env` on top of this process's environment.
 */
export function runConsumerCucumber(
  dir: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<ProcessResult> {
  const bin = path.join(dir, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, FORCE_COLOR: '0' };
  // Our own ts-node settings (TS_NODE_*) and cucumber worker variables must not leak into the consumer.
  for (const key of Object.keys(childEnv)) {
    if (key.startsWith('CUCUMBER_') || key.startsWith('TS_NODE_')) delete childEnv[key];
  }
  return spawnCollect(process.execPath, [bin, '--parallel', '2', ...args], dir, childEnv, RUN_LIMIT_MS);
}

async function spawnCollect(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  limitMs = RUN_LIMIT_MS,
): Promise<ProcessResult> {
  const { code: exitCode, stdout, stderr } = await runProcess(command, args, { cwd, env, limitMs });
  return { exitCode, stdout, stderr };
}
