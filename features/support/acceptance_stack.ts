import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AfterAll, BeforeAll } from '@cucumber/cucumber';
import { type RunningStack, startStack } from '../../lab/src/stack';
import { ensurePackageBuilt } from './build_package';

let running: { stack: RunningStack; stateDir: string } | undefined;

/**
 * The lab + Appium + Grid stack shared by every acceptance scenario of this run.
 * @throws Error outside the scenarios (before `BeforeAll` ran or when it failed).
 */
export function acceptanceStack(): RunningStack {
  if (!running) throw new Error('The acceptance stack is not running; see the BeforeAll hook error above.');
  return running.stack;
}

BeforeAll({ name: 'build the package and start the lab stack', timeout: 240_000 }, async () => {
  ensurePackageBuilt((line) => process.stderr.write(`${line}\n`));
  // Own state dir and free ports: never collides with `npm run lab` or `npm run demo`.
  const stateDir = await mkdtemp(path.join(tmpdir(), 'gridfleet-acceptance-stack-'));
  const stack = await startStack({ ports: { lab: 0, grid: 0, appium: 0 }, stateDir });
  running = { stack, stateDir };
});

AfterAll({ name: 'stop the lab stack', timeout: 60_000 }, async () => {
  if (!running) return;
  await running.stack.stop();
  await rm(running.stateDir, { recursive: true, force: true });
  running = undefined;
});
