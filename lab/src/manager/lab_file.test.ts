import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_LAB_PATH, deterministicDeviceId, LabFileError, loadLabFile, parseLabFile } from './lab_file';

const pack = {
  id: 'appium-uiautomator2',
  platforms: [
    { id: 'android_mobile', automation_name: 'Fake', appium_platform_name: 'Fake' },
    { id: 'android_tv', automation_name: 'Fake', appium_platform_name: 'Fake' },
  ],
};
const device = {
  name: 'd1',
  pack_id: 'appium-uiautomator2',
  platform_id: 'android_mobile',
  identity_value: 'S1',
};

function errorOf(fn: () => unknown): LabFileError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LabFileError, `expected LabFileError, got ${err}`);
    return err;
  }
  assert.fail('expected a LabFileError');
}

test('demo lab: every platform is served by the fake driver, two devices or more per enabled platform', () => {
  const lab = loadLabFile(DEMO_LAB_PATH);
  for (const p of lab.packs) {
    for (const pl of p.platforms) {
      assert.equal(pl.automation_name, 'Fake', `${p.id}/${pl.id}`);
      assert.equal(pl.appium_platform_name, 'Fake', `${p.id}/${pl.id}`);
      if (p.state === 'enabled') {
        const n = lab.devices.filter((d) => d.pack_id === p.id && d.platform_id === pl.id).length;
        assert.ok(n >= 2, `${pl.id} has ${n} devices`);
      }
    }
  }
  assert.ok(
    lab.packs.some((p) => p.state === 'disabled'),
    'a disabled pack proves clients filter on state',
  );
  const firetv = lab.devices.filter((d) => d.platform_id === 'firetv_real').map((d) => d.os_version);
  assert.deepEqual(new Set(firetv), new Set(['8.1.0.9', '7.6.2.9']));
  assert.ok(lab.devices.filter((d) => d.platform_id === 'ios').some((d) => d.device_type === 'simulator'));
});

test('omitted device ids are deterministic uuids of pack + identity', () => {
  const a = parseLabFile({ packs: [pack], devices: [device] }, 'a.yaml');
  const b = parseLabFile({ packs: [pack], devices: [device] }, 'b.yaml');
  assert.equal(a.devices[0]?.id, b.devices[0]?.id);
  assert.match(
    a.devices[0]?.id ?? '',
    /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(a.devices[0]?.id, deterministicDeviceId('appium-uiautomator2', 'S1'));
  assert.notEqual(deterministicDeviceId('appium-uiautomator2', 'S2'), a.devices[0]?.id);
});

test('defaults: settings, connection target, device type', () => {
  const lab = parseLabFile({ packs: [pack], devices: [device] }, 'x.yaml');
  assert.equal(lab.settings.retry_after_sec, 5);
  assert.equal(lab.settings.lifecycle, 'claim-era');
  assert.equal(lab.settings.sweep_interval_sec, 15);
  assert.equal(lab.devices[0]?.connection_target, 'S1');
  assert.equal(lab.devices[0]?.device_type, 'real_device');
  assert.equal(lab.devices[0]?.os_version, 'unknown');
});

test('unknown platform names the file, the field path and the known platforms', () => {
  const err = errorOf(() =>
    parseLabFile(
      { packs: [pack], devices: [device, device, device, { ...device, name: 'd4', platform_id: 'foo' }] },
      'demo.yaml',
    ),
  );
  assert.match(
    err.message,
    /lab file demo\.yaml: devices\[3\]\.platform_id: platform "foo" is not in pack "appium-uiautomator2" \(known: android_mobile, android_tv\)/,
  );
});

test('schema problems are listed one per line with their paths', () => {
  const err = errorOf(() =>
    parseLabFile(
      {
        packs: [pack],
        devices: [{ ...device, name: undefined, tagz: {} }],
        settings: { lifecycle: 'x', reaper: 1 },
      },
      'lab.json',
    ),
  );
  assert.match(err.message, /lab file lab\.json: devices\[0\]\.name: required field is missing/);
  assert.match(err.message, /devices\[0\]: unknown field\(s\) "tagz"/);
  assert.match(err.message, /settings\.lifecycle: must be one of "claim-era", "target"/);
  assert.match(err.message, /settings: unknown field\(s\) "reaper"/);
});

test('duplicates, unknown pack, bad device type and auth without credentials are rejected', () => {
  const err = errorOf(() =>
    parseLabFile(
      {
        packs: [pack],
        devices: [
          device,
          { ...device, name: 'd1' },
          { ...device, name: 'd3', pack_id: 'nope' },
          { ...device, name: 'd4', identity_value: 'S4', device_type: 'simulator' },
        ],
        settings: { auth: { enabled: true } },
      },
      'x.yaml',
    ),
  );
  assert.match(err.message, /devices\[1\]\.id: duplicate device id/);
  assert.match(err.message, /devices\[1\]\.name: duplicate device name "d1"/);
  assert.match(
    err.message,
    /devices\[2\]\.pack_id: pack "nope" is not declared \(known: appium-uiautomator2\)/,
  );
  assert.match(
    err.message,
    /devices\[3\]\.device_type: "simulator" is not allowed on platform "android_mobile"/,
  );
  assert.match(err.message, /settings\.auth: enabled auth needs a non-empty username and password/);
});

test('numbers where strings belong get a quoting hint; bad files name the problem', () => {
  const err = errorOf(() => parseLabFile('packs: []\ndevices:\n  - identity_value: 0421\n', 'n.yaml'));
  assert.match(err.message, /packs: declare at least one pack/);
  assert.match(
    err.message,
    /devices\[0\]\.identity_value: must be a string, got a number \(quote it in YAML/,
  );
  assert.match(
    errorOf(() => parseLabFile('{', 'broken.json')).message,
    /lab file broken\.json: not valid JSON/,
  );
  assert.match(errorOf(() => parseLabFile('a: 1', 'lab.toml')).message, /unsupported extension "\.toml"/);
  assert.match(
    errorOf(() => loadLabFile('/nonexistent/lab.yaml')).message,
    /cannot read it \(file not found\)/,
  );
});

test('os_version: YAML integers are fine, floats (8.10 -> 8.1) are rejected with a hint', () => {
  const version = errorOf(() =>
    parseLabFile({ packs: [pack], devices: [{ ...device, os_version: 8.1 }] }, 'v.yaml'),
  );
  assert.match(version.message, /devices\[0\]\.os_version: must be a string such as "14"/);
  const lab = parseLabFile({ packs: [pack], devices: [{ ...device, os_version: 14 }] }, 'v.yaml');
  assert.equal(lab.devices[0]?.os_version, '14');
});
