import type { GridFleetClient, ReserveDevicesRequest } from '../client/client';
import { systemClock } from '../client/clock';
import { errorText } from '../client/error_text';
import { GridFleetError } from '../client/errors';
import { gridFleetLogger } from '../client/logger';
import type { RunCreateResponse } from '../client/schemas/run';
import { backoffDelayMs, isTransientFailure, RETRY_POLICIES } from '../client/transient_retry';

/** Attempts of `POST /runs` in all when the manager fails transiently (5xx, no answer). */
export const RESERVE_ATTEMPTS: number = RETRY_POLICIES.reserve.attempts;

/** Slack for clock differences when looking for a run our failed request may have created. */
const CLOCK_SLACK_MS = 60_000;

/** Options of {@link reserveRunWithRecovery}. */
export interface ReserveRecoveryOptions {
  /** Sleep between attempts (default: a real timer; tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  /** One line per recovered failure (default: stderr). */
  log?: (line: string) => void;
}

/**
 * `POST /runs`, retried after a transient failure (at most {@link RESERVE_ATTEMPTS} attempts, 1 s then
 * 2 s apart). `POST /runs` is not idempotent: a request whose answer was lost may still have created a
 * run that now holds devices. Before each retry, runs with the same name and creator, created since
 * shortly before the first attempt and still `preparing` (never activated, so no one is using them),
 * are cancelled. Another job reserving a run of the same name in the same instant and not activating it
 * yet is the one case this could touch; names that differ per job avoid even that.
 */
export async function reserveRunWithRecovery(
  client: GridFleetClient,
  request: ReserveDevicesRequest,
  options: ReserveRecoveryOptions = {},
): Promise<RunCreateResponse> {
  const sleep = options.sleep ?? ((ms: number) => systemClock.sleep(ms));
  const log = options.log ?? ((line: string) => gridFleetLogger().warn(line));
  const since = new Date(Date.now() - CLOCK_SLACK_MS).toISOString();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.reserveDevices(request);
    } catch (error) {
      if (!isTransientFailure(error) || attempt >= RESERVE_ATTEMPTS) throw error;
      const cancelled = await cancelOrphans(client, request, since).catch((lookupError: unknown) => {
        // Without the lookup a retry could leave a second run holding devices: give up with the cause.
        throw new GridFleetError(
          `${errorText(error)} (not retried: could not check for a run the failed request may have ` +
            `created: ${errorText(lookupError)})`,
        );
      });
      log(
        `gridfleet: reserving run "${request.name}" failed (${errorText(error)}); ` +
          `${cancelled.length ? `cancelled the run it had created (${cancelled.join(', ')}), ` : ''}` +
          `retrying (attempt ${attempt + 1} of ${RESERVE_ATTEMPTS})`,
      );
      await sleep(backoffDelayMs(RETRY_POLICIES.reserve, attempt));
    }
  }
}

async function cancelOrphans(
  client: GridFleetClient,
  request: ReserveDevicesRequest,
  since: string,
): Promise<string[]> {
  const runs = await client.listRuns({ state: 'preparing', createdFrom: since, limit: 200 });
  const orphans = runs.filter(
    (run) =>
      run.state === 'preparing' &&
      run.name === request.name &&
      run.created_by === (request.createdBy ?? null) &&
      Date.parse(String(run.created_at)) >= Date.parse(since),
  );
  for (const run of orphans) await client.cancelRun(run.id);
  return orphans.map((run) => run.id);
}
