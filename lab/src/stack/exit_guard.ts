import fs from 'node:fs';

/** A detached server this process started and must not leave behind. */
export interface GuardedProcess {
  /** Its PID (also its process group id). */
  readonly pid: number;
  /** Its PID file, removed together with it. */
  readonly pidFile: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killNow(processes: readonly GuardedProcess[]): void {
  for (const p of processes) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    fs.rmSync(p.pidFile, { force: true });
  }
}

/**
 * Last resort for servers started detached (so a terminal Ctrl-C does not reach them): if this
 * process exits without `stop()`, kill them synchronously. Covers `process.exit()` and, when no
 * one else handles the signal, a fatal SIGINT/SIGTERM/SIGHUP (which would otherwise skip `exit`
 * hooks); the signal is then re-raised so the process still dies of it. When another listener
 * handles the signal (a CLI, cucumber), it owns the shutdown and this guard only acts on exit.
 *
 * @param current returns the processes to guard at the moment of exit.
 * @returns a function that removes the guard (call it once the servers are stopped).
 */
export function guardDetachedChildren(current: () => readonly GuardedProcess[]): () => void {
  const onExit = (): void => killNow(current());
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    killNow(current());
    dispose();
    process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const dispose = (): void => {
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  return dispose;
}
