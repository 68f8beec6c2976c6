/**
 * Child process for the run-cleanup tests: registers cleanup for RUN_ID against GRIDFLEET_API_URL with
 * the policies given in the environment, prints "ready", then either ends naturally or waits for a
 * signal (WAIT_FOR_SIGNAL=1).
 */
import { type CleanupPolicy, GridFleetClient, registerRunCleanup } from '../../../src/client';

const client = new GridFleetClient();
const runId = process.env.RUN_ID ?? '';
const heartbeat = process.env.HEARTBEAT_SEC
  ? client.startHeartbeat(runId, Number(process.env.HEARTBEAT_SEC))
  : null;
registerRunCleanup(client, runId, heartbeat, {
  onExit: (process.env.ON_EXIT ?? 'noop') as CleanupPolicy,
  onSignal: (process.env.ON_SIGNAL ?? 'cancel') as CleanupPolicy,
  installSignalHandlers: process.env.WAIT_FOR_SIGNAL === '1',
});
process.stdout.write('ready\n');
if (process.env.WAIT_FOR_SIGNAL === '1') setInterval(() => {}, 60_000);
