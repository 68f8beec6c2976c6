import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type RunningStack, type StackOptions, startStack } from '../../lab/src/stack';

/** Handle returned by {@link withStack}; `stack` is readable once `before` has run. */
export interface StackFixture {
  /** The running stack (throws when read before the `before` hook ran). */
  readonly stack: RunningStack;
  /** The temporary state dir (PID files, logs) of this fixture. */
  readonly stateDir: string;
}

/**
 * node:test fixture: starts a local stack on free ports in a fresh temporary state dir in
 * `before`, and stops it (by PID) and removes the dir in `after`. Call it at the top of a file or
 * inside a `describe`. By default the lab runs in-process; any option can be overridden.
 */
export function withStack(options: StackOptions = {}): StackFixture {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridfleet-stack-'));
  let running: RunningStack | undefined;
  before(
    async () => {
      running = await startStack({
        labInProcess: true,
        stateDir,
        ...options,
        ports: { lab: 0, grid: 0, appium: 0, ...options.ports },
      });
    },
    { timeout: 120_000 },
  );
  after(async () => {
    await running?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    get stack(): RunningStack {
      if (!running)
        throw new Error('withStack: the stack is not running (read .stack inside a test, after before())');
      return running;
    },
    stateDir,
  };
}
