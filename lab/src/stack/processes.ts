import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to start one server process. */
export interface ServerSpawn {
  /** Short name used in messages and file names. */
  readonly name: string;
  /** The executable itself (never a shell). */
  readonly command: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** Working directory. */
  readonly cwd: string;
  /** Full environment of the child. */
  readonly env: NodeJS.ProcessEnv;
  /** stdout and stderr go here (truncated first). */
  readonly logFile: string;
}

/**
 * Spawns a server binary directly, detached into its own process group (so a terminal Ctrl-C
 * reaches only us and we decide how to stop it), with output appended to its log file.
 */
export function spawnServer(spec: ServerSpawn): ChildProcess {
  const fd = fs.openSync(spec.logFile, 'w');
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      windowsHide: true,
    });
    // Stopping is by PID through stop(); the child must not keep the caller's event loop alive.
    child.unref();
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A zombie still answers kill(0); on Linux its state letter is Z.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The command line of `pid` (Linux `/proc`), or undefined when it cannot be read. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // Negative pid = the whole process group the server leads (it was spawned detached).
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** What happened to one process on stop. */
export interface StopOutcome {
  /** The process id. */
  readonly pid: number;
  /** `terminated` (exited after SIGTERM), `killed` (needed SIGKILL) or `not-running`. */
  readonly result: 'terminated' | 'killed' | 'not-running';
}

/**
 * SIGTERMs every process group, waits up to `graceMs` for all to exit, then SIGKILLs leftovers
 * and waits for them to disappear.
 */
export async function terminateAll(pids: readonly number[], graceMs = 10_000): Promise<StopOutcome[]> {
  const outcomes = new Map<number, StopOutcome['result']>();
  const live = pids.filter((pid) => {
    const alive = isAlive(pid);
    if (!alive) outcomes.set(pid, 'not-running');
    return alive;
  });
  for (const pid of live) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of live) {
    if (isAlive(pid)) {
      signal(pid, 'SIGKILL');
      outcomes.set(pid, 'killed');
    } else {
      outcomes.set(pid, 'terminated');
    }
  }
  const killDeadline = Date.now() + 5_000;
  while (live.some(isAlive) && Date.now() < killDeadline) await sleep(50);
  return pids.map((pid) => ({ pid, result: outcomes.get(pid) ?? 'not-running' }));
}

/** Last `lines` lines of a log file, for failure messages ('' when unreadable). */
export function tailFile(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
