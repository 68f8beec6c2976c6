import type { RunRead } from '../client/schemas/run';

/**
 * One summary line for a run, printed by the coordinator at the end of the cucumber run:
 * `gridfleet: run <id> "<name>" completed | devices 2 | sessions passed 3, failed 1, error 0`.
 *
 * @param run - the run as the manager reports it at the end.
 * @param owned - whether this process created it (joined runs are left as they are).
 */
export function formatRunSummary(run: RunRead, owned: boolean): string {
  const devices = run.reserved_devices?.length ?? 0;
  const c = run.session_counts;
  const joined = owned ? '' : ' (joined; left for its owner)';
  const error = run.error ? ` (${run.error})` : '';
  return (
    `gridfleet: run ${run.id} "${run.name}" ${run.state}${error}${joined} | devices ${devices} | ` +
    `sessions passed ${c.passed}, failed ${c.failed}, error ${c.error}${c.running ? `, running ${c.running}` : ''}`
  );
}

/** Summary line for a run the manager could not be asked about at the end. */
export function formatUnreachableSummary(runId: string, name: string, reason: string): string {
  return `gridfleet: run ${runId} "${name}" state unknown (manager unreachable: ${reason}); heartbeat stopped, so the manager will expire it`;
}
