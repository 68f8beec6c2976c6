import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningLab } from './server';
import { startLab } from './server';
import { call } from './test_support/http';

let lab: RunningLab;
// biome-ignore lint/suspicious/noExplicitAny: device JSON
let devices: any[];

before(async () => {
  lab = await startLab({ port: 0 });
  devices = (await call(lab.apiUrl, 'GET', '/devices')).body;
});
after(async () => {
  await lab.close();
});

const caps = async (name: string) => {
  const d = devices.find((x) => x.name === name);
  assert.ok(d, name);
  return { device: d, caps: (await call(lab.apiUrl, 'GET', `/devices/${d.id}/capabilities`)).body };
};

test('capabilities: pack defaults, config fields and operator caps, then the forced keys', async () => {
  const roku = await caps('Roku Ultra #1');
  assert.equal(roku.caps['appium:ip'], '192.168.1.100');
  assert.equal(roku.caps['appium:password'], 'rokudev');
  assert.equal(roku.caps.platformName, 'Fake');
  assert.equal(roku.caps['appium:automationName'], 'Fake');
  assert.equal(roku.caps['appium:udid'], roku.device.connection_target);
  assert.equal(roku.caps['appium:gridfleet:deviceId'], roku.device.id);
  const sim = await caps('iPhone 15 Simulator');
  assert.equal(sim.caps['appium:simulatorRunning'], true);
  const tv = await caps('Apple TV 4K #1');
  assert.equal(
    tv.caps['appium:platformVersion'],
    '17.4',
    'device-type override templated with the os_version',
  );
  assert.equal(tv.caps['appium:wdaBaseUrl'], 'http://192.168.1.90:8100');
  const pixel = await caps('Pixel 7 #1');
  assert.equal(pixel.caps['appium:noReset'], true);
});

test('catalog lists every pack by id, the disabled one included, with Fake stereotypes', async () => {
  const packs = (await call(lab.apiUrl, 'GET', '/driver-packs/catalog')).body.packs;
  const ids = packs.map((p: { id: string }) => p.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.ok(packs.some((p: { state: string }) => p.state === 'disabled'));
  for (const p of packs) {
    for (const pl of p.platforms) {
      assert.deepEqual(pl.capabilities.stereotype, {
        'appium:platformName': 'Fake',
        'appium:automationName': 'Fake',
      });
      for (const hc of pl.health_checks) assert.ok('applies_when' in hc);
    }
  }
});
