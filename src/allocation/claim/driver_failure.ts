import { AppiumDriverCreationError } from '../../appium';

const QUEUE_TIMEOUT = /New session request timed out/i;

/**
 * The error a scenario shows when no Appium session could be started on its claimed device: the
 * {@link AppiumDriverCreationError} itself (Grid URL, capabilities with the pinned `appium:udid`, and a
 * hint), not webdriverio's bare message. A Grid queue timeout gets a hint of its own: the request for a
 * pinned device waits for that device's one slot, so the timeout means the slot stayed taken.
 */
export function explainDriverFailure(
  error: AppiumDriverCreationError,
  device: { deviceId: string; cooldownSec: number },
): AppiumDriverCreationError {
  const original = error.cause instanceof Error ? error.cause.message : String(error.cause ?? error.message);
  if (!QUEUE_TIMEOUT.test(original)) return error;
  const udid = error.capabilities['appium:udid'];
  const pinned = typeof udid === 'string' ? `appium:udid "${udid}"` : 'the pinned device';
  return withHint(
    error,
    `The Grid's new-session queue timed out (its session-request-timeout) waiting for the slot of device ` +
      `${device.deviceId} (${pinned}): another session holds that slot (started outside GridFleet, or leaked), ` +
      `or its node takes no sessions. The device was released with a ${device.cooldownSec} s cooldown.`,
  );
}

/** The same driver-creation failure (cause, Grid URL, capabilities, lane) with `hint` as its last line. */
export function withHint(error: AppiumDriverCreationError, hint: string): AppiumDriverCreationError {
  return new AppiumDriverCreationError({
    cause: error.cause,
    gridUrl: error.gridUrl,
    capabilities: error.capabilities,
    packId: error.packId,
    platformId: error.platformId,
    hint,
  });
}
