/** Device, test_data and catalog calls of the client against an in-process lab over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enabledPacks, GridFleetApiError, GridFleetClient, silentLogger } from '../../src/client';
import { startTestLab, type TestLab } from './support/lab';

const S21_TARGET = '192.168.1.60:5555';

describe('devices on a target-era lab (by-connection-target route present)', () => {
  let lab: TestLab;
  let client: GridFleetClient;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'target' });
    client = new GridFleetClient(lab.apiUrl, { logger: silentLogger, env: {} });
  });
  after(() => lab.close());

  test('listDevices returns every device, and filters narrow it (pack, platform, status, tags, booleans)', async () => {
    const all = await client.listDevices();
    assert.ok(all.length >= 5);
    const android = await client.listDevices({ packId: 'appium-uiautomator2', platformId: 'android_mobile' });
    assert.ok(android.length > 0 && android.every((d) => d.platform_id === 'android_mobile'));
    const available = await client.listDevices({ status: 'available', needsAttention: false });
    assert.ok(
      available.every((d) => d.operational_state === 'available' && d.hold === null && !d.needs_attention),
    );
    const tagged = all.find((d) => d.tags && Object.keys(d.tags).length > 0);
    assert.ok(tagged?.tags, 'demo lab has a tagged device');
    const tags = tagged.tags as Record<string, string>;
    const byTags = await client.listDevices({ tags });
    assert.ok(byTags.some((d) => d.id === tagged.id));
    assert.ok(byTags.every((d) => Object.entries(tags).every(([k, v]) => d.tags?.[k] === v)));
    assert.deepEqual(await client.listDevices({ tags: { team: 'no-such-team-anywhere' } }), []);
    assert.equal(
      (await client.listDevices({ connectionTarget: S21_TARGET }))[0]?.connection_target,
      S21_TARGET,
    );
  });

  test('listDevices with limit unwraps the page', async () => {
    const page = await client.listDevices({ limit: 2, offset: 0, sortBy: 'name', sortDir: 'asc' });
    assert.equal(page.length, 2);
    assert.ok((page[0]?.name ?? '') <= (page[1]?.name ?? ''));
  });

  test('getDevice, lookup by target, resolve id, config by target and by id with keys', async () => {
    const device = await client.getDeviceByConnectionTarget(S21_TARGET);
    assert.equal(device.connection_target, S21_TARGET);
    assert.equal(await client.resolveDeviceIdByConnectionTarget(S21_TARGET), device.id);
    const detail = await client.getDevice(device.id);
    assert.equal(detail.id, device.id);
    assert.ok(Array.isArray(detail.sessions));
    const config = await client.getDeviceConfig(S21_TARGET);
    assert.deepEqual(config, detail.device_config);
    const [firstKey] = Object.keys(config);
    assert.ok(firstKey, 'the demo S21 has config');
    assert.deepEqual(Object.keys(await client.getDeviceConfigById(device.id, [firstKey])), [firstKey]);
    await lab.clearRequests();
    await client.getDeviceByConnectionTarget(S21_TARGET);
    assert.deepEqual(await lab.requests(), [`GET /api/devices/by-connection-target/${S21_TARGET}`]);
  });

  test('capabilities carry the forced keys', async () => {
    const device = await client.getDeviceByConnectionTarget(S21_TARGET);
    const caps = await client.getDeviceCapabilities(device.id);
    assert.equal(caps['appium:gridfleet:deviceId'], device.id);
    assert.equal(caps['appium:udid'], S21_TARGET);
  });

  test('test data: get, replace, deep merge', async () => {
    const device = await client.getDeviceByConnectionTarget(S21_TARGET);
    await client.replaceDeviceTestData(device.id, { account: { user: 'alice' }, flags: ['beta'] });
    const merged = await client.mergeDeviceTestData(device.id, { account: { region: 'eu' }, build: 42 });
    assert.deepEqual(merged, { account: { user: 'alice', region: 'eu' }, flags: ['beta'], build: 42 });
    assert.deepEqual(await client.getDeviceTestData(device.id), merged);
    await assert.rejects(client.replaceDeviceTestData(device.id, ['no'] as never), TypeError);
  });

  test('catalog lists packs; enabledPacks filters them', async () => {
    const catalog = await client.getDriverPackCatalog();
    assert.ok(catalog.packs.length > 0);
    assert.ok(enabledPacks(catalog).some((p) => p.platforms.some((pl) => pl.id === 'android_mobile')));
  });

  test('errors: unknown device 404, malformed id 422, unknown target 404 (all GridFleetApiError)', async () => {
    await assert.rejects(client.getDevice('00000000-0000-4000-8000-000000000000'), (error: unknown) => {
      assert.ok(error instanceof GridFleetApiError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'NOT_FOUND');
      assert.equal(error.serverMessage, 'Device not found');
      assert.ok(error.requestId);
      return true;
    });
    await assert.rejects(client.getDeviceTestData('not-a-uuid'), { status: 422, code: 'VALIDATION_ERROR' });
    await assert.rejects(client.getDeviceByConnectionTarget('no-such-target'), {
      status: 404,
      serverMessage: 'Device not found for connection_target',
    });
  });
});

describe('devices on a claim-era lab (no by-connection-target route)', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ lifecycle: 'claim-era' });
  });
  after(() => lab.close());

  test('lookup by target falls back to the list filter once, then goes straight to it', async () => {
    const client = new GridFleetClient(lab.apiUrl, { env: {} });
    await lab.clearRequests();
    const device = await client.getDeviceByConnectionTarget(S21_TARGET);
    assert.equal(device.connection_target, S21_TARGET);
    assert.equal(await client.resolveDeviceIdByConnectionTarget(S21_TARGET), device.id);
    assert.deepEqual(await lab.requests(), [
      `GET /api/devices/by-connection-target/${S21_TARGET}`,
      `GET /api/devices?connection_target=${encodeURIComponent(S21_TARGET)}`,
      `GET /api/devices?connection_target=${encodeURIComponent(S21_TARGET)}`,
    ]);
    await assert.rejects(client.getDeviceConfig('no-such-target'), { status: 404, code: 'NOT_FOUND' });
  });
});
