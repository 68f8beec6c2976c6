import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** Appium processes this suite restarted (stopped by PID in the matrix's `after`). */
export const restartedAppiums: ChildProcess[] = [];

/**
 * Kills the stack's Appium (its process group, SIGKILL: a crash, not a shutdown) and starts it again with
 * the same command line, working directory and APPIUM_HOME; resolves when its `/status` is ready.
 * Returns the new PID (the stack's own `stop()` no longer knows it; {@link stopRestartedAppiums} does).
 */
export async function killAndRestartAppium(pid: number, appiumUrl: string, downMs = 2000): Promise<number> {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const cwd = readlinkSync(`/proc/${pid}/cwd`);
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const appiumHome = environ.find((e) => e.startsWith('APPIUM_HOME='))?.slice('APPIUM_HOME='.length);
  process.kill(-pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, downMs));
  const [command, ...args] = argv;
  if (!command) throw new Error(`no command line for Appium pid ${pid}`);
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...(appiumHome ? { APPIUM_HOME: appiumHome } : {}) },
    detached: true,
    stdio: 'ignore',
  });
  restartedAppiums.push(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const body = (await (await fetch(`${appiumUrl}/status`)).json()) as { value?: { ready?: boolean } };
      if (body.value?.ready) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('restarted Appium never became ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  return child.pid as number;
}

/** Stops every Appium this suite restarted (process group, by PID). */
export async function stopRestartedAppiums(): Promise<void> {
  for (const child of restartedAppiums.splice(0)) {
    if (child.pid === undefined || child.exitCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      continue;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
