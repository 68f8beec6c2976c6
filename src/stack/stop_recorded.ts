import path from 'node:path';
import { defaultStateDir } from './paths';
import { readPidFiles, removePidFile } from './pid_files';
import { waitForPortsFree } from './ports';
import { commandLineOf, isAlive, terminateAll } from './processes';
import { readStackInfo, removeStackInfo } from './stack_info';

/** What {@link stopRecordedStack} did with one PID file. */
export interface RecordedStop {
  /** Server name from the PID file. */
  readonly name: string;
  /** The recorded PID. */
  readonly pid: number;
  /** `terminated`/`killed`: stopped; `not-running`: stale file; `skipped`: the PID now belongs to something else. */
  readonly result: 'terminated' | 'killed' | 'not-running' | 'skipped';
}

/** What each server's command line contains, so a reused PID is never killed. */
const MARKERS: Record<string, string> = {
  cli: `stack${path.sep}cli`,
  lab: 'lab',
  appium: 'appium',
  grid: 'selenium-server',
  router: `router_sim${path.sep}cli`,
};

/**
 * Stops every server recorded in the PID files of `stateDir` (also after `npm run lab` was killed
 * hard) and removes those files.
 */
export async function stopRecordedStack(stateDir: string = defaultStateDir()): Promise<RecordedStop[]> {
  const dir = path.resolve(stateDir);
  const info = readStackInfo(dir);
  const records = readPidFiles(dir);
  const results: RecordedStop[] = [];
  const toStop: { name: string; pid: number }[] = [];
  for (const record of records) {
    const marker = MARKERS[record.name];
    const cmdline = commandLineOf(record.pid);
    if (!isAlive(record.pid)) {
      results.push({ name: record.name, pid: record.pid, result: 'not-running' });
    } else if (marker && cmdline !== undefined && !cmdline.includes(marker)) {
      results.push({ name: record.name, pid: record.pid, result: 'skipped' });
    } else {
      toStop.push(record);
    }
  }
  const outcomes = await terminateAll(toStop.map((r) => r.pid));
  toStop.forEach((r, i) => {
    results.push({ name: r.name, pid: r.pid, result: outcomes[i]?.result ?? 'not-running' });
  });
  for (const record of records) removePidFile(record.file);
  if (info && toStop.length > 0) await waitForPortsFree(Object.values(info.ports), 5_000);
  removeStackInfo(dir);
  return results;
}
