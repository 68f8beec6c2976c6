/**
 * Contract: driver-pack catalog (docs/manager-api.md §C5, §C11.17) and how reservations react to pack states (docs/manager-api.md §C6.2 step 5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PACK, PLATFORM, RunTracker, uniqueName } from './support/fixtures';
import { assertFields } from './support/shapes';
import { type ContractTarget, openTarget } from './support/target';
import { expectError, expectOk, expectOkArray, type Json } from './support/wire';

const PACK_FIELDS = [
  'id',
  'display_name',
  'maintainer',
  'license',
  'state',
  'current_release',
  'platforms',
  'appium_server',
  'appium_driver',
  'workarounds',
  'doctor',
  'insecure_features',
  'features',
  'runtime_policy',
  'active_runs',
  'live_sessions',
  'derived_from',
  'runtime_summary',
];
const PLATFORM_FIELDS = [
  'id',
  'display_name',
  'automation_name',
  'appium_platform_name',
  'device_types',
  'connection_types',
  'grid_slots',
  'identity_scheme',
  'identity_scope',
  'lifecycle_actions',
  'health_checks',
  'device_fields_schema',
  'capabilities',
  'display_metadata',
  'default_capabilities',
  'connection_behavior',
  'parallel_resources',
  'device_type_overrides',
];

describe('driver-pack catalog', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  let packs: Json[];
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
    const catalog = expectOk(await target.api.get('/api/driver-packs/catalog'), 'catalog');
    assertFields(catalog, ['packs'], 'catalog');
    packs = catalog.packs as Json[];
  });
  after(async () => {
    await runs?.cleanup();
    await target?.close();
  });

  it('returns {packs} ordered by id, every Pack and Platform field present (docs/manager-api.md §C5)', () => {
    assert.ok(packs.length > 0, 'at least one pack');
    const packIds = packs.map((p) => String(p.id));
    assert.deepEqual(packIds, [...packIds].sort(), 'ordered by pack id');
    for (const pack of packs) {
      assertFields(pack, PACK_FIELDS, `pack ${pack.id}`);
      assert.ok(
        ['draft', 'enabled', 'draining', 'disabled'].includes(String(pack.state)),
        `pack ${pack.id} state`,
      );
      assert.ok(Array.isArray(pack.platforms), `pack ${pack.id} platforms`);
      assertFields(
        pack.runtime_policy,
        ['strategy', 'appium_server_version', 'appium_driver_version'],
        'runtime_policy',
      );
      assertFields(
        pack.runtime_summary,
        [
          'installed_hosts',
          'blocked_hosts',
          'actual_appium_server_versions',
          'actual_appium_driver_versions',
          'driver_drift_hosts',
        ],
        'runtime_summary',
      );
      for (const platform of pack.platforms as Json[]) {
        assertFields(platform, PLATFORM_FIELDS, `platform ${pack.id}/${platform.id}`);
        for (const check of platform.health_checks as Json[]) {
          assert.ok(
            'applies_when' in check,
            `${pack.id}/${platform.id}: health_checks[] always carry applies_when`,
          );
        }
        assertFields(
          platform.capabilities,
          ['stereotype', 'session_required'],
          `${platform.id}.capabilities`,
        );
      }
    }
  });

  it('lists every pack a device uses, enabled or not; the suite pack is enabled (docs/manager-api.md §C5, §C11.17)', async () => {
    const suitePack = packs.find((p) => p.id === PACK);
    assert.ok(suitePack, `the catalog lists the suite's pack ${PACK}`);
    assert.equal(suitePack.state, 'enabled');
    const devices = expectOkArray(await target.api.get('/api/devices'), 'devices');
    const listed = new Set(packs.map((p) => p.id));
    for (const device of devices)
      assert.ok(listed.has(device.pack_id), `pack ${device.pack_id} of ${device.id} is listed`);
    const expectedStates: Record<string, string[]> = {
      pack_disabled: ['draft', 'disabled'],
      pack_draining: ['draining'],
    };
    for (const device of devices) {
      const states = expectedStates[String(device.blocked_reason)];
      if (!states) continue;
      const pack = packs.find((p) => p.id === device.pack_id) as Json;
      assert.ok(
        states.includes(String(pack.state)),
        `device ${device.id}: ${device.blocked_reason} matches pack state ${pack.state}`,
      );
    }
  });

  it('device platform labels come from the catalog platform display_name (docs/manager-api.md §C4.1)', async () => {
    const devices = expectOkArray(await target.api.get('/api/devices'), 'devices');
    for (const device of devices) {
      const pack = packs.find((p) => p.id === device.pack_id);
      const platform = (pack?.platforms as Json[] | undefined)?.find((p) => p.id === device.platform_id);
      if (platform) assert.equal(device.platform_label, platform.display_name, `device ${device.id}`);
    }
  });

  it('reserving from a disabled/draft or draining pack is a 422 with the pack state code (docs/manager-api.md §C6.2 step 5)', async (t) => {
    const blocked = packs.filter((p) => p.state !== 'enabled' && (p.platforms as Json[]).length > 0);
    if (blocked.length === 0) return t.skip('no non-enabled pack with platforms on the target');
    for (const pack of blocked) {
      const platform = (pack.platforms as Json[])[0] as Json;
      const res = await runs.create({
        name: uniqueName('pack-state'),
        requirements: [{ pack_id: pack.id, platform_id: platform.id, count: 1 }],
      });
      const code = pack.state === 'draining' ? 'pack_draining' : 'pack_disabled';
      expectError(res, `reserve from ${pack.state} pack`, {
        status: 422,
        code: 'VALIDATION_ERROR',
        message: String(pack.id),
        details: { code, message: pack.id },
      });
    }
  });

  it('an unknown pack is pack_unavailable; a platform not in the pack is platform_removed (docs/manager-api.md §C6.2 step 5)', async () => {
    expectError(
      await runs.create({
        name: uniqueName('no-pack'),
        requirements: [{ pack_id: 'appium-foo', platform_id: PLATFORM }],
      }),
      'unknown pack',
      {
        status: 422,
        code: 'VALIDATION_ERROR',
        message: 'appium-foo',
        details: { code: 'pack_unavailable', message: 'appium-foo' },
      },
    );
    const missing = `${PACK}:no_such_platform`;
    expectError(
      await runs.create({
        name: uniqueName('no-platform'),
        requirements: [{ pack_id: PACK, platform_id: 'no_such_platform' }],
      }),
      'platform not in pack',
      {
        status: 422,
        code: 'VALIDATION_ERROR',
        message: missing,
        details: { code: 'platform_removed', message: missing },
      },
    );
  });
});
