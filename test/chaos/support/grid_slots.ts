import { DEMO_LAB_PATH, loadLabFile, type ResolvedLab } from '../../../lab/src/manager/lab_file';
import { FAKE_APP_PATH } from '../../../lab/src/stack';

/** The chaos stack's Grid `session-request-timeout` (seconds): short, so the queue-timeout row is quick. */
export const GRID_QUEUE_TIMEOUT_SEC = 10;

/** A WebDriver session started directly on the Grid, outside the manager. */
export interface SlotHolder {
  /** Grid session id. */
  readonly sessionId: string;
  /** Ends the session (idempotent). */
  release(): Promise<void>;
}

/**
 * Takes the Grid slot of the device pinned by `udid` with a session of its own (as a developer's local
 * Appium Inspector session would), so a session request for that device queues.
 */
export async function occupySlot(gridUrl: string, udid: string): Promise<SlotHolder> {
  const response = await fetch(`${gridUrl}/session`, {
    method: 'POST',
    // The Grid insists on the charset.
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      capabilities: {
        alwaysMatch: {
          platformName: 'Fake',
          'appium:automationName': 'Fake',
          'appium:udid': udid,
          'appium:app': FAKE_APP_PATH,
        },
      },
    }),
  });
  const body = (await response.json()) as { value?: { sessionId?: string; message?: string } };
  const sessionId = body.value?.sessionId;
  if (!response.ok || !sessionId)
    throw new Error(`could not occupy the Grid slot of ${udid}: ${response.status} ${body.value?.message}`);
  let released = false;
  return {
    sessionId,
    release: async () => {
      if (released) return;
      released = true;
      await fetch(`${gridUrl}/session/${sessionId}`, { method: 'DELETE' });
    },
  };
}

/** The android_mobile devices a two-device chaos lab keeps (in the demo lab's order). */
export interface TwoDeviceLab {
  lab: ResolvedLab;
  /** The device whose Grid slot a row disturbs (the second one). */
  target: { id: string; connectionTarget: string };
}

/**
 * The demo lab with its android_mobile lane cut to two devices: with `--parallel 2` both workers' first
 * claims then cover both devices, so a row that disturbs one device is sure to hit it. `goneTarget`
 * changes that device's connection target to a udid no Grid slot has (a device gone from the Grid).
 */
export function twoDeviceLab(options: { goneTarget?: string } = {}): TwoDeviceLab {
  const demo = loadLabFile(DEMO_LAB_PATH);
  const android = demo.devices.filter((d) => d.platform_id === 'android_mobile').slice(0, 2);
  const [first, second] = android;
  if (!first || !second) throw new Error('the demo lab has fewer than two android_mobile devices');
  const disturbed = options.goneTarget ? { ...second, connection_target: options.goneTarget } : second;
  const lab: ResolvedLab = {
    ...demo,
    devices: [...demo.devices.filter((d) => d.platform_id !== 'android_mobile'), first, disturbed],
  };
  return {
    lab,
    target: { id: disturbed.id, connectionTarget: disturbed.connection_target ?? disturbed.identity_value },
  };
}
