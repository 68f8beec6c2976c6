import fs from 'node:fs';

/**
 * PIDs of live (non-zombie) processes whose parent is `parentPid` (default: this process). Linux
 * only (reads `/proc`); returns `[]` elsewhere. Lets a test prove it left nothing running.
 */
export function liveChildPids(parentPid: number = process.pid): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, ...
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === parentPid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process exited while we were reading.
    }
  }
  return pids;
}
