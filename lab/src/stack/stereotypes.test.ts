import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_LAB_PATH, loadLabFile, parseLabFile } from '../manager/lab_file';
import { StackError } from './errors';
import { buildStackDevices, nonFakeDevices } from './stereotypes';

const APP = '/abs/fake-app.xml';

function lab(devices: Record<string, unknown>[], automation = 'Fake') {
  return parseLabFile(
    {
      packs: [
        {
          id: 'p',
          platforms: [{ id: 'fake_os', automation_name: automation, appium_platform_name: automation }],
        },
      ],
      devices: devices.map((d) => ({ pack_id: 'p', platform_id: 'fake_os', ...d })),
    },
    'inline-lab',
  );
}

test('every demo device advertises the manager keys (docs/manager-api.md §C9.1) plus the fake app', () => {
  const demo = loadLabFile(DEMO_LAB_PATH);
  const devices = buildStackDevices(demo, APP);
  assert.equal(devices.length, demo.devices.length);
  for (const [i, d] of devices.entries()) {
    const source = demo.devices[i];
    assert.ok(source);
    assert.equal(d.stereotype['appium:udid'], source.connection_target ?? source.identity_value);
    assert.equal(d.stereotype['appium:gridfleet:deviceId'], source.id);
    assert.equal(d.stereotype['appium:deviceName'], source.name);
    assert.equal(d.stereotype['appium:platform'], source.platform_id);
    assert.equal(d.stereotype['appium:device_type'], source.device_type);
    assert.equal(d.stereotype['appium:app'], APP);
    assert.equal(d.stereotype.platformName, 'Fake');
  }
  assert.deepEqual(nonFakeDevices(devices), []);
});

test('os_version is advertised unless unknown; connection_target falls back to identity_value', () => {
  const [known, unknown] = buildStackDevices(
    lab([
      { name: 'A', identity_value: 'id-a', os_version: '14' },
      { name: 'B', identity_value: 'id-b', connection_target: null },
    ]),
    APP,
  );
  assert.equal(known?.stereotype['appium:os_version'], '14');
  assert.equal(unknown && 'appium:os_version' in unknown.stereotype, false);
  assert.equal(unknown?.udid, 'id-b');
});

test('udids that differ only in case are refused (Grid matches case-insensitively)', () => {
  assert.throws(
    () =>
      buildStackDevices(
        lab([
          { name: 'A', identity_value: 'dev-1', connection_target: 'Serial-X' },
          { name: 'B', identity_value: 'dev-2', connection_target: 'serial-x' },
        ]),
        APP,
      ),
    (err: unknown) =>
      err instanceof StackError && /devices "A" and "B" share the connection target/.test(err.message),
  );
});

test('a lab without devices is refused with a hint', () => {
  assert.throws(() => buildStackDevices(lab([]), APP), /declares no devices; add at least one/);
});

test('devices whose platform is not Fake are reported', () => {
  const devices = buildStackDevices(lab([{ name: 'A', identity_value: 'x' }], 'UiAutomator2'), APP);
  assert.deepEqual(
    nonFakeDevices(devices).map((d) => d.name),
    ['A'],
  );
});
