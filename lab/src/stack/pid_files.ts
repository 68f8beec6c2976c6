import fs from 'node:fs';
import path from 'node:path';

/** One PID file of a state dir. */
export interface PidRecord {
  /** Server name (`lab`, `appium`, `grid`): the file is `<name>.pid`. */
  readonly name: string;
  /** The recorded process id (also its process group id: servers start detached). */
  readonly pid: number;
  /** Absolute path of the PID file. */
  readonly file: string;
}

/** Path of the PID file of `name` in `stateDir`. */
export function pidFilePath(stateDir: string, name: string): string {
  return path.join(stateDir, `${name}.pid`);
}

/** Records a started server's PID in `<stateDir>/<name>.pid`. */
export function writePidFile(stateDir: string, name: string, pid: number): PidRecord {
  const file = pidFilePath(stateDir, name);
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(file, `${pid}\n`);
  return { name, pid, file };
}

/** Every well-formed PID file in `stateDir` (none when the dir does not exist). */
export function readPidFiles(stateDir: string): PidRecord[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(stateDir);
  } catch {
    return [];
  }
  const records: PidRecord[] = [];
  for (const entry of entries.filter((e) => e.endsWith('.pid')).sort()) {
    const file = path.join(stateDir, entry);
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    if (Number.isInteger(pid) && pid > 1) records.push({ name: entry.slice(0, -'.pid'.length), pid, file });
  }
  return records;
}

/** Removes a PID file; a missing file is fine. */
export function removePidFile(file: string): void {
  fs.rmSync(file, { force: true });
}
