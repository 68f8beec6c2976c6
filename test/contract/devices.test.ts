/**
 * Contract: devices — list filters and shapes, by-connection-target, detail, config, capabilities
 * (docs/manager-api.md §C4.1–§C4.6, §C11.3, §C11.4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  claim,
  eligibleDevices,
  MISSING_UUID,
  PACK,
  PLATFORM,
  RunTracker,
  requirement,
} from './support/fixtures';
import { assertDevice, assertFields, DEVICE_PAGE_FIELDS } from './support/shapes';
import { type ContractTarget, openTarget } from './support/target';
import {
  expectError,
  expectFrameworkError,
  expectOk,
  expectOkArray,
  expectValidationIssues,
  type Json,
} from './support/wire';

describe('devices', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  let all: Json[];
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
    all = expectOkArray(await target.api.get('/api/devices'), 'GET /api/devices');
    assert.ok(all.length > 0, 'the manager must have devices');
  });
  after(async () => {
    await runs?.cleanup();
    await target?.close();
  });

  const list = async (query: string): Promise<Json[]> =>
    expectOkArray(await target.api.get(`/api/devices?${query}`), `GET /api/devices?${query}`);
  const ids = (devices: Json[]): string[] => devices.map((d) => String(d.id));

  it('lists a JSON array of Device objects with every field present (docs/manager-api.md §C4.1, §C4.2)', () => {
    for (const [i, d] of all.entries()) assertDevice(d, `devices[${i}]`);
  });

  it('default order is created_at desc, ties by id desc (docs/manager-api.md §C4.2)', () => {
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1] as Json;
      const b = all[i] as Json;
      const ca = Date.parse(String(a.created_at));
      const cb = Date.parse(String(b.created_at));
      assert.ok(
        ca > cb || (ca === cb && String(a.id) > String(b.id)),
        `order at ${i}: ${a.id} before ${b.id}`,
      );
    }
  });

  it('limit switches to the page shape {items,total,limit,offset} (docs/manager-api.md §C4.2, §C11.3)', async () => {
    const page = expectOk(await target.api.get('/api/devices?limit=1'), 'limit=1');
    assertFields(page, DEVICE_PAGE_FIELDS, 'device page');
    assert.equal(page.total, all.length);
    assert.equal(page.limit, 1);
    assert.equal(page.offset, 0);
    assert.deepEqual(ids(page.items as Json[]), ids(all.slice(0, 1)));
    if (all.length > 1) {
      const second = expectOk(await target.api.get('/api/devices?limit=1&offset=1'), 'limit=1&offset=1');
      assert.equal(second.offset, 1);
      assert.deepEqual(ids(second.items as Json[]), ids(all.slice(1, 2)));
    }
    const filtered = expectOk(await target.api.get(`/api/devices?pack_id=${PACK}&limit=1`), 'filtered page');
    assert.equal(
      filtered.total,
      all.filter((d) => d.pack_id === PACK).length,
      'total counts the filtered matches',
    );
    const full = expectOk(await target.api.get('/api/devices?limit=500'), 'limit=500');
    assert.deepEqual(ids(full.items as Json[]), ids(all));
  });

  it('limit outside 1..500 and invalid enums are 422 (docs/manager-api.md §C4.2)', async () => {
    for (const query of [
      'limit=0',
      'limit=501',
      'status=bogus',
      'device_type=phone',
      'connection_type=wifi',
      'host_id=nope',
    ]) {
      expectValidationIssues(await target.api.get(`/api/devices?${query}`), `GET /api/devices?${query}`);
    }
  });

  it('pack_id, platform_id, identity_value, connection_target and os_version match exactly (docs/manager-api.md §C4.2)', async () => {
    const sample = all.find((d) => d.connection_target) as Json;
    const byPack = await list(`pack_id=${sample.pack_id}&platform_id=${sample.platform_id}`);
    assert.ok(byPack.every((d) => d.pack_id === sample.pack_id && d.platform_id === sample.platform_id));
    assert.deepEqual(
      ids(byPack),
      ids(all.filter((d) => d.pack_id === sample.pack_id && d.platform_id === sample.platform_id)),
    );
    assert.deepEqual(ids(await list(`identity_value=${encodeURIComponent(String(sample.identity_value))}`)), [
      sample.id,
    ]);
    const byTarget = await list(`connection_target=${encodeURIComponent(String(sample.connection_target))}`);
    assert.deepEqual(ids(byTarget), ids(all.filter((d) => d.connection_target === sample.connection_target)));
    const byOs = await list(`os_version=${encodeURIComponent(String(sample.os_version))}`);
    assert.deepEqual(ids(byOs), ids(all.filter((d) => d.os_version === sample.os_version)));
    assert.deepEqual(await list('pack_id=no-such-pack'), []);
    const partial = String(sample.identity_value).slice(0, -1);
    assert.ok(
      !ids(await list(`identity_value=${encodeURIComponent(partial)}`)).includes(String(sample.id)),
      'no prefix match',
    );
  });

  it('search is a case-insensitive substring of name, identity_value or connection_target (docs/manager-api.md §C4.2)', async () => {
    const sample = all[0] as Json;
    const needle = String(sample.name).slice(1, 5).toUpperCase();
    const found = await list(`search=${encodeURIComponent(needle)}`);
    assert.ok(ids(found).includes(String(sample.id)));
    const lower = needle.toLowerCase();
    for (const d of found) {
      const hay = [d.name, d.identity_value, d.connection_target].map((v) => String(v ?? '').toLowerCase());
      assert.ok(
        hay.some((h) => h.includes(lower)),
        `${d.id} matches ${needle}`,
      );
    }
  });

  it('tags.K=V filters by exact tag values, ANDed; the last repeated key wins; bare "tags." is ignored (docs/manager-api.md §C4.2)', async (t) => {
    const tagged = all.find((d) => Object.keys((d.tags as Json | null) ?? {}).length > 0);
    if (!tagged) return t.skip('no device on the target has tags');
    const tags = tagged.tags as Record<string, string>;
    const [key, value] = Object.entries(tags)[0] as [string, string];
    const q = (k: string, v: string) => `tags.${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    const matches = await list(q(key, value));
    assert.ok(ids(matches).includes(String(tagged.id)));
    assert.deepEqual(ids(matches), ids(all.filter((d) => (d.tags as Json | null)?.[key] === value)));
    const allTags = Object.entries(tags)
      .map(([k, v]) => q(k, v))
      .join('&');
    const anded = await list(allTags);
    assert.ok(ids(anded).includes(String(tagged.id)));
    for (const d of anded) for (const [k, v] of Object.entries(tags)) assert.equal((d.tags as Json)[k], v);
    assert.ok(
      !ids(await list(`${q(key, value)}&${q(key, `${value}-nope`)}`)).includes(String(tagged.id)),
      'last value wins',
    );
    assert.ok(
      ids(await list(`${q(key, `${value}-nope`)}&${q(key, value)}`)).includes(String(tagged.id)),
      'last value wins',
    );
    assert.deepEqual(ids(await list('tags.=x')), ids(all), 'bare tags. is ignored');
  });

  it('sort_by/sort_dir: desc is the exact reverse of asc (ties broken in the same direction) (docs/manager-api.md §C4.2)', async () => {
    for (const key of ['name', 'platform', 'os_version', 'created_at']) {
      const asc = ids(await list(`sort_by=${key}&sort_dir=asc`));
      const desc = ids(await list(`sort_by=${key}&sort_dir=desc`));
      assert.deepEqual(desc, [...asc].reverse(), `sort_by=${key}`);
      assert.deepEqual([...asc].sort(), ids(all).sort(), `sort_by=${key} lists every device`);
    }
    const byName = await list('sort_by=name&sort_dir=asc');
    const first = String(byName[0]?.name);
    const last = String(byName[byName.length - 1]?.name);
    assert.ok(first.localeCompare(last, 'en', { sensitivity: 'base' }) <= 0, `${first} sorts before ${last}`);
  });

  it('hardware_health_status and hardware_telemetry_state filter exactly (docs/manager-api.md §C4.2)', async () => {
    for (const field of ['hardware_health_status', 'hardware_telemetry_state']) {
      const value = String((all[0] as Json)[field]);
      const found = await list(`${field}=${value}`);
      assert.deepEqual(ids(found), ids(all.filter((d) => d[field] === value)), `${field}=${value}`);
    }
  });

  it('GET /availability counts available, verified, healthy devices of a platform (docs/manager-api.md §C4.8)', async () => {
    const eligible = await eligibleDevices(target, 1);
    const res = expectOk(
      await target.api.get(`/api/availability?platform_id=${PLATFORM}&count=2`),
      'availability',
    );
    assert.deepEqual(res, {
      available: eligible.length >= 2,
      requested: 2,
      matched: eligible.length,
      platform_id: PLATFORM,
    });
  });

  it('needs_attention accepts booleans (docs/manager-api.md §C4.2)', async () => {
    const no = await list('needs_attention=false');
    assert.ok(no.every((d) => d.needs_attention === false));
    const yes = await list('needs_attention=true');
    assert.ok(yes.every((d) => d.needs_attention === true));
    assert.equal(no.length + yes.length, all.length);
  });

  it('status reflects the chip: available, reserved while held, busy while claimed (docs/manager-api.md §C4.1, §C4.2)', async () => {
    const available = await list('status=available');
    assert.ok(available.every((d) => d.operational_state === 'available' && d.hold === null));
    await eligibleDevices(target, 1);
    const run = await runs.reserve([requirement()]);
    const reservedId = String((run.devices as Json[])[0]?.device_id);
    const reserved = await list('status=reserved');
    assert.ok(ids(reserved).includes(reservedId), 'reserved device listed as reserved');
    assert.ok(reserved.every((d) => d.hold === 'reserved' && d.operational_state !== 'busy'));
    assert.ok(!ids(await list('status=available')).includes(reservedId), 'no longer available');
    await claim(target, String(run.id), 'contract-status');
    const busy = await list('status=busy');
    assert.ok(ids(busy).includes(reservedId), 'claimed device is busy');
    assert.ok(!ids(await list('status=reserved')).includes(reservedId), 'busy wins over reserved');
  });

  it('GET /devices/{id} is the Device plus appium_node and sessions (docs/manager-api.md §C4.4)', async () => {
    const sample = all[0] as Json;
    const detail = assertDevice(
      expectOk(await target.api.get(`/api/devices/${sample.id}`), 'device detail'),
      'detail',
      true,
    );
    const { appium_node: _node, sessions: _sessions, ...base } = detail;
    for (const key of [
      'id',
      'pack_id',
      'platform_id',
      'identity_value',
      'connection_target',
      'name',
      'tags',
      'device_config',
    ]) {
      assert.deepEqual(base[key], sample[key], key);
    }
    expectError(await target.api.get(`/api/devices/${MISSING_UUID}`), 'missing device', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Device not found',
    });
  });

  it('by-connection-target: framework 404 on the claim era, a Device on the target era (docs/manager-api.md §C4.3)', async () => {
    const sample = all.find((d) => typeof d.connection_target === 'string') as Json;
    const encoded = encodeURIComponent(String(sample.connection_target));
    const res = await target.api.get(`/api/devices/by-connection-target/${encoded}`);
    if (target.era === 'claim-era') {
      expectFrameworkError(res, 'by-connection-target (claim era)', 404);
      const fallback = await list(`connection_target=${encoded}`);
      assert.equal(fallback[0]?.id, sample.id, 'claim-era clients resolve via ?connection_target=');
      return;
    }
    const device = assertDevice(expectOk(res, 'by-connection-target'), 'by-connection-target device');
    assert.equal(device.connection_target, sample.connection_target);
    const raw = await target.api.get(`/api/devices/by-connection-target/${String(sample.connection_target)}`);
    assert.equal(raw.status, 200, 'an unencoded target (e.g. with ":") works too');
    expectFrameworkError(
      await target.api.get('/api/devices/by-connection-target/a/b'),
      'target with "/"',
      404,
    );
    expectError(await target.api.get('/api/devices/by-connection-target/no-such-target-xyz'), 'miss', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Device not found for connection_target',
    });
  });

  it('config returns device_config verbatim; keys= selects top-level keys (docs/manager-api.md §C4.5)', async () => {
    const withConfig = all.find((d) => Object.keys(d.device_config as Json).length > 0) ?? (all[0] as Json);
    const config = expectOk(await target.api.get(`/api/devices/${withConfig.id}/config`), 'config');
    assert.deepEqual(config, withConfig.device_config);
    const keys = Object.keys(config);
    if (keys.length > 0) {
      const first = keys[0] as string;
      const some = expectOk(
        await target.api.get(`/api/devices/${withConfig.id}/config?keys=${first},no_such_key`),
        'keys=',
      );
      assert.deepEqual(some, { [first]: config[first] });
    }
    const none = expectOk(
      await target.api.get(`/api/devices/${withConfig.id}/config?keys=no_such_key`),
      'keys=unknown',
    );
    assert.deepEqual(none, {});
    expectError(await target.api.get(`/api/devices/${MISSING_UUID}/config`), 'config of missing device', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Device not found',
    });
  });

  it('capabilities carry the forced keys platformName, udid, deviceName, deviceId, automationName (docs/manager-api.md §C4.6)', async () => {
    const catalog = expectOk(await target.api.get('/api/driver-packs/catalog'), 'catalog');
    const device = all.find((d) => d.pack_id === PACK && d.platform_id === PLATFORM) ?? (all[0] as Json);
    const pack = (catalog.packs as Json[]).find((p) => p.id === device.pack_id) as Json;
    const platform = (pack.platforms as Json[]).find((p) => p.id === device.platform_id) as Json;
    const caps = expectOk(await target.api.get(`/api/devices/${device.id}/capabilities`), 'capabilities');
    assert.equal(caps.platformName, platform.appium_platform_name);
    assert.equal(caps['appium:udid'], device.connection_target);
    assert.equal(caps['appium:deviceName'], device.name);
    assert.equal(caps['appium:gridfleet:deviceId'], device.id);
    assert.equal(caps['appium:automationName'], platform.automation_name);
    expectError(
      await target.api.get(`/api/devices/${MISSING_UUID}/capabilities`),
      'capabilities of missing device',
      {
        status: 404,
        code: 'NOT_FOUND',
        message: 'Device not found',
      },
    );
  });
});
