import { appendFileSync } from 'node:fs';
import { GridFleetClient } from '../client/client';
import { errorText } from '../client/error_text';
import { GridFleetError } from '../client/errors';
import { isTerminalRunState } from '../client/schemas/common';
import type { RunDetail, RunRead } from '../client/schemas/run';
import { toDeviceRequirements } from '../run/lane_requirements';
import { reserveRunWithRecovery } from '../run/reserve_run';
import { formatRunSummary } from '../run/summary';
import type { ProjectConfig } from './project_config';

/** Where a run command writes: results to `out` (stdout), progress and warnings to `err` (stderr). */
export interface RunCommandIo {
  /** Result lines (machine-readable: `export GRIDFLEET_RUN_ID=…`, the summary line). */
  out: (line: string) => void;
  /** Progress and warnings. */
  err: (line: string) => void;
}

/** Raised when a run command cannot do its job; printed without a stack, exit code 1. */
export class RunCommandError extends GridFleetError {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = 'RunCommandError';
  }
}

function validConfig(project: ProjectConfig): NonNullable<ProjectConfig['config']> {
  if (project.config === undefined) throw new RunCommandError(project.error ?? 'invalid configuration');
  return project.config;
}

/**
 * `run create`: reserves ONE run holding every configured lane (shards join it through
 * `GRIDFLEET_RUN_ID` and take their lanes from it), activates it, prints `export GRIDFLEET_RUN_ID=<id>` and
 * optionally appends `GRIDFLEET_RUN_ID=<id>` to `outputEnv` (e.g. `$GITHUB_ENV`). Returns the run id.
 */
export async function createRun(
  project: ProjectConfig,
  options: { outputEnv?: string | undefined },
  io: RunCommandIo,
): Promise<string> {
  const config = validConfig(project);
  if (config.runId !== undefined) {
    throw new RunCommandError(
      `GRIDFLEET_RUN_ID is already set (${config.runId}); \`run create\` reserves a new run. Unset it in the step that creates the run.`,
    );
  }
  if (project.lanes.length === 0) {
    throw new RunCommandError(
      'No lanes to reserve: set worldParameters.gridfleet.requirements, GRIDFLEET_REQUIREMENTS or GRIDFLEET_TESTKIT_PLATFORM_ID, or pass --platform.',
    );
  }
  const client = new GridFleetClient(config.apiUrl);
  const requirements = await toDeviceRequirements(client, project.lanes);
  io.err(
    `gridfleet: reserving run "${config.runName}" at ${config.apiUrl} (${requirements.map((r) => `${r.packId}/${r.platformId}`).join(', ')})`,
  );
  const run = await reserveRunWithRecovery(
    client,
    {
      name: config.runName,
      requirements,
      ttlMinutes: config.ttlMinutes,
      heartbeatTimeoutSec: config.heartbeatTimeoutSec,
      createdBy: config.createdBy,
    },
    { log: io.err },
  );
  try {
    await client.activateRun(run.id);
  } catch (error) {
    // A run nobody can use must not hold devices until its heartbeat times out.
    await client.cancelRun(run.id).catch(() => undefined);
    throw new RunCommandError(
      `run ${run.id} was reserved but could not be activated (cancelled it): ${errorText(error)}`,
    );
  }
  io.err(
    `gridfleet: run ${run.id} "${run.name}" active with ${run.devices.length} device(s); ` +
      `expires without a heartbeat after ${run.heartbeat_timeout_sec} s, and at the latest after ${run.ttl_minutes} min`,
  );
  if (options.outputEnv) {
    appendFileSync(options.outputEnv, `GRIDFLEET_RUN_ID=${run.id}\n`);
    io.err(`gridfleet: appended GRIDFLEET_RUN_ID to ${options.outputEnv}`);
  }
  io.out(`export GRIDFLEET_RUN_ID=${run.id}`);
  return run.id;
}

function claimedDevices(run: RunDetail): RunDetail['devices'] {
  return run.devices.filter((d) => d.claimed_by !== null);
}

function summaryLine(run: RunDetail): string {
  return `${formatRunSummary(run as RunRead, true)} | devices still claimed ${claimedDevices(run).length}`;
}

/**
 * `run finish`: completes the run when the shards passed; when they failed, applies the same policy as
 * the cucumber layer (`onFailure`: cancel by default, complete when configured). Prints the run summary
 * line. A run that already ended is reported, not touched; an expired or failed one makes the command fail.
 *
 * @returns the exit code (0 finished or already completed/cancelled; 1 expired/failed before finishing).
 */
export async function finishRun(
  project: ProjectConfig,
  runId: string,
  status: 'passed' | 'failed',
  io: RunCommandIo,
): Promise<number> {
  const config = validConfig(project);
  const client = new GridFleetClient(config.apiUrl);
  const before = await client.getRun(runId);
  if (isTerminalRunState(before.state)) {
    io.out(summaryLine(before));
    if (before.state === 'expired' || before.state === 'failed') {
      io.err(
        `gridfleet: run ${runId} had already ${before.state === 'expired' ? 'expired' : 'failed'} before \`run finish\`` +
          `${before.error ? ` (${before.error})` : ''}. Raise GRIDFLEET_HEARTBEAT_TIMEOUT_SEC / GRIDFLEET_TTL_MINUTES for \`run create\`, ` +
          'or keep `gridfleet-cucumber run heartbeat <id> --every 30` running while the shards run.',
      );
      return 1;
    }
    io.err(`gridfleet: run ${runId} was already ${before.state}; left as it is`);
    return 0;
  }
  const leftClaimed = claimedDevices(before);
  if (leftClaimed.length > 0) {
    io.err(
      `gridfleet: ${leftClaimed.length} device(s) still claimed when finishing (${leftClaimed
        .map((d) => `${d.device_id} by ${d.claimed_by}`)
        .join(', ')}); finishing the run releases them`,
    );
  }
  const complete = status === 'passed' || config.onFailure === 'complete';
  try {
    await (complete ? client.completeRun(runId) : client.cancelRun(runId));
  } catch (error) {
    // Ended meanwhile (reaper, operator): report what it is now.
    if (!/terminal state/.test(errorText(error))) throw error;
  }
  const after = await client.getRun(runId);
  io.out(summaryLine(after));
  return 0;
}

/**
 * `run heartbeat`: one heartbeat, or one every `everySec` until the run ends or the process is stopped
 * (SIGINT/SIGTERM). Keeps a run alive while shards that only join it run.
 *
 * @returns the exit code: 0 while the run is open (or stopped by a signal), 1 when it has ended.
 */
export async function heartbeatRun(
  project: ProjectConfig,
  runId: string,
  everySec: number | undefined,
  io: RunCommandIo,
): Promise<number> {
  const config = validConfig(project);
  const client = new GridFleetClient(config.apiUrl);
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (;;) {
      let beat: Awaited<ReturnType<GridFleetClient['heartbeat']>>;
      try {
        beat = await client.heartbeat(runId);
      } catch (error) {
        if (everySec === undefined) throw error;
        io.err(`gridfleet: heartbeat of run ${runId} failed (will retry): ${errorText(error)}`);
        beat = { state: 'active', last_heartbeat: null };
      }
      if (beat.last_heartbeat !== null || everySec === undefined) {
        io.out(`gridfleet: run ${runId} ${beat.state}, last heartbeat ${beat.last_heartbeat ?? 'never'}`);
      }
      if (isTerminalRunState(beat.state)) return 1;
      if (everySec === undefined || stopped) return 0;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everySec * 1000);
      });
      if (stopped) return 0;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
