import { parseLabFile, type ResolvedLab } from '../lab/src/manager';

/** Number of devices of the bench lab (enough for the 4-worker scaling point). */
export const BENCH_DEVICES = 4;

/** Pack and platform every bench device belongs to. */
export const BENCH_LANE = { pack_id: 'appium-uiautomator2', platform_id: 'android_mobile' } as const;

/**
 * The bench lab: one pack, one platform, {@link BENCH_DEVICES} identical fake-driver devices, so every
 * measurement varies only the number of workers and devices, never the device kind. `settings`: lab
 * settings (src/lab/lab_file.ts), e.g. the router era's allocation cadence.
 */
export function benchLab(settings: Record<string, unknown> = {}): ResolvedLab {
  const devices = Array.from({ length: BENCH_DEVICES }, (_, i) => ({
    name: `Bench phone ${i + 1}`,
    pack_id: BENCH_LANE.pack_id,
    platform_id: BENCH_LANE.platform_id,
    identity_value: `BENCH${String(i + 1).padStart(4, '0')}`,
    connection_target: `BENCH${String(i + 1).padStart(4, '0')}`,
    os_version: '14',
    device_type: 'real_device',
    connection_type: 'usb',
    manufacturer: 'Google',
    model: 'Pixel 7',
    config: { app_username: `bench-${i + 1}` },
    test_data: { n: i + 1 },
  }));
  const raw = {
    packs: [
      {
        id: BENCH_LANE.pack_id,
        display_name: 'Appium UiAutomator2',
        state: 'enabled',
        platforms: [
          {
            id: BENCH_LANE.platform_id,
            display_name: 'Android',
            automation_name: 'Fake',
            appium_platform_name: 'Fake',
            device_types: ['real_device'],
            connection_types: ['usb'],
          },
        ],
      },
    ],
    devices,
    settings,
  };
  return parseLabFile(raw, 'bench lab (bench/bench_lab.ts)');
}
