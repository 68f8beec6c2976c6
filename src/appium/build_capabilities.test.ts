import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildAppiumCapabilities,
  buildAppiumRequest,
  MANAGER_OWNED_CAPABILITIES,
} from './build_capabilities';
import { CapabilityResolutionError } from './errors';
import { catalogWithFork, catalogWithPackState, realCatalog } from './test_support/fixtures';

const NO_ENV = {};

function resolutionError(code: string, ...fragments: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof CapabilityResolutionError, `expected CapabilityResolutionError, got ${error}`);
    assert.equal(error.code, code);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  };
}

describe('buildAppiumCapabilities: lane mode against the real catalog', () => {
  test('pack + platform inject platformName, automationName, platform and testName', () => {
    const caps = buildAppiumCapabilities({
      packId: 'appium-uiautomator2',
      platformId: 'firetv_real',
      testName: 'Login works',
      catalog: realCatalog(),
      env: NO_ENV,
    });
    assert.deepEqual(caps, {
      platformName: 'Android',
      'appium:automationName': 'UiAutomator2',
      'appium:platform': 'firetv_real',
      'gridfleet:testName': 'Login works',
    });
  });

  test('a platform id alone resolves when exactly one enabled pack provides it', () => {
    const request = buildAppiumRequest({ platformId: 'tvos', catalog: realCatalog(), env: NO_ENV });
    assert.equal(request.packId, 'appium-xcuitest');
    assert.equal(request.mode, 'lane');
    assert.equal(request.capabilities.platformName, 'tvOS');
    assert.equal(request.capabilities['appium:automationName'], 'XCUITest');
    assert.equal('gridfleet:testName' in request.capabilities, false);
  });

  test('env fallbacks GRIDFLEET_TESTKIT_PACK_ID / PLATFORM_ID apply, explicit values win', () => {
    const env = {
      GRIDFLEET_TESTKIT_PACK_ID: 'appium-roku-dlenroc',
      GRIDFLEET_TESTKIT_PLATFORM_ID: 'roku_network',
    };
    const fromEnv = buildAppiumRequest({ catalog: realCatalog(), env });
    assert.equal(fromEnv.packId, 'appium-roku-dlenroc');
    assert.equal(fromEnv.capabilities.platformName, 'roku');
    const explicit = buildAppiumRequest({
      packId: 'appium-uiautomator2',
      platformId: 'android_tv',
      catalog: realCatalog(),
      env,
    });
    assert.equal(explicit.capabilities['appium:platform'], 'android_tv');
  });

  test('caller capabilities are passed through and override injected keys, testName wins over them', () => {
    const caps = buildAppiumCapabilities({
      platformId: 'android_mobile',
      capabilities: {
        'appium:automationName': 'Espresso',
        'appium:os_version': '14',
        'gridfleet:testName': 'from caps',
      },
      testName: 'from option',
      catalog: realCatalog(),
      env: NO_ENV,
    });
    assert.equal(caps['appium:automationName'], 'Espresso');
    assert.equal(caps['appium:os_version'], '14');
    assert.equal(caps['gridfleet:testName'], 'from option');
  });

  test('never injects manager-owned ports or paths', () => {
    const catalog = realCatalog();
    for (const pack of catalog.packs) {
      for (const platform of pack.platforms) {
        const caps = buildAppiumCapabilities({
          packId: pack.id,
          platformId: platform.id,
          catalog,
          env: NO_ENV,
        });
        const owned = [
          ...MANAGER_OWNED_CAPABILITIES,
          ...(platform.parallel_resources?.ports ?? []).map((port) => port.capability_name),
        ];
        for (const key of owned)
          assert.equal(key in caps, false, `${pack.id}:${platform.id} injected ${key}`);
        assert.deepEqual(Object.keys(caps).sort(), [
          'appium:automationName',
          'appium:platform',
          'platformName',
        ]);
      }
    }
  });

  test('a manager-owned capability from the caller is refused in lane mode, naming it', () => {
    assert.throws(
      () =>
        buildAppiumCapabilities({
          platformId: 'android_mobile',
          capabilities: { 'appium:systemPort': 8201 },
          catalog: realCatalog(),
          env: NO_ENV,
        }),
      resolutionError('manager_owned_capability', 'appium:systemPort', 'appium-uiautomator2:android_mobile'),
    );
  });
});

describe('buildAppiumCapabilities: seed errors', () => {
  test('unknown pack lists the known packs and the env var', () => {
    assert.throws(
      () =>
        buildAppiumCapabilities({
          packId: 'appium-foo',
          platformId: 'android_mobile',
          catalog: realCatalog(),
          env: NO_ENV,
        }),
      resolutionError(
        'unknown_pack',
        '"appium-foo"',
        'appium-roku-dlenroc, appium-uiautomator2, appium-xcuitest',
        'GRIDFLEET_TESTKIT_PACK_ID',
      ),
    );
  });

  test('a pack that is not enabled is refused with its state', () => {
    assert.throws(
      () =>
        buildAppiumCapabilities({
          packId: 'appium-roku-dlenroc',
          platformId: 'roku_network',
          catalog: catalogWithPackState('appium-roku-dlenroc', 'disabled'),
          env: NO_ENV,
        }),
      resolutionError(
        'pack_not_enabled',
        '"appium-roku-dlenroc" is disabled',
        'enabled: appium-uiautomator2, appium-xcuitest',
      ),
    );
  });

  test('a platform not in the pack lists the pack platforms and who provides it', () => {
    assert.throws(
      () =>
        buildAppiumCapabilities({
          packId: 'appium-xcuitest',
          platformId: 'firetv_real',
          catalog: realCatalog(),
          env: NO_ENV,
        }),
      resolutionError(
        'platform_not_in_pack',
        '"appium-xcuitest" does not provide platform "firetv_real"',
        'its platforms: ios, tvos',
        'providing "firetv_real": appium-uiautomator2',
      ),
    );
  });

  test('a platform provided by several enabled packs is ambiguous: both named, packId or env suggested', () => {
    assert.throws(
      () =>
        buildAppiumCapabilities({ platformId: 'android_mobile', catalog: catalogWithFork(), env: NO_ENV }),
      resolutionError(
        'ambiguous_platform',
        'appium-uiautomator2, appium-uiautomator2-fork',
        'pass packId or set GRIDFLEET_TESTKIT_PACK_ID',
      ),
    );
    const chosen = buildAppiumRequest({
      platformId: 'android_mobile',
      catalog: catalogWithFork(),
      env: { GRIDFLEET_TESTKIT_PACK_ID: 'appium-uiautomator2-fork' },
    });
    assert.equal(chosen.packId, 'appium-uiautomator2-fork');
  });

  test('a platform in no enabled pack is refused; a disabled provider is mentioned', () => {
    assert.throws(
      () => buildAppiumCapabilities({ platformId: 'windows', catalog: realCatalog(), env: NO_ENV }),
      resolutionError('platform_not_found', '"windows"', 'appium-uiautomator2:firetv_real'),
    );
    assert.throws(
      () =>
        buildAppiumCapabilities({
          platformId: 'roku_network',
          catalog: catalogWithPackState('appium-roku-dlenroc', 'draining'),
          env: NO_ENV,
        }),
      resolutionError('platform_not_found', 'appium-roku-dlenroc (draining)'),
    );
  });

  test('no platform at all says what is needed', () => {
    assert.throws(
      () => buildAppiumCapabilities({ catalog: realCatalog(), env: NO_ENV }),
      resolutionError('missing_platform', 'packId + platformId', 'GRIDFLEET_TESTKIT_PLATFORM_ID'),
    );
  });

  test('lane mode without a catalog says to pass one', () => {
    assert.throws(
      () => buildAppiumCapabilities({ platformId: 'ios', env: NO_ENV }),
      resolutionError('missing_catalog'),
    );
  });

  test('a catalog of the wrong shape is a TypeError naming its keys', () => {
    assert.throws(
      () => buildAppiumCapabilities({ platformId: 'ios', catalog: { items: [] } as never, env: NO_ENV }),
      /GET \/api\/driver-packs\/catalog.*keys \[items\]/,
    );
  });

  test('a bare pack array is accepted as the catalog', () => {
    const caps = buildAppiumCapabilities({ platformId: 'ios', catalog: realCatalog().packs, env: NO_ENV });
    assert.equal(caps.platformName, 'iOS');
  });
});

describe('buildAppiumCapabilities: raw platformName mode', () => {
  test('raw platformName skips the catalog and env, keeps the caller capabilities', () => {
    const request = buildAppiumRequest({
      capabilities: { platformName: 'Fake', 'appium:automationName': 'Fake', 'appium:systemPort': 8200 },
      testName: 'raw',
      env: { GRIDFLEET_TESTKIT_PACK_ID: 'appium-uiautomator2', GRIDFLEET_TESTKIT_PLATFORM_ID: 'firetv_real' },
    });
    assert.equal(request.mode, 'raw');
    assert.equal(request.packId, undefined);
    assert.deepEqual(request.capabilities, {
      platformName: 'Fake',
      'appium:automationName': 'Fake',
      'appium:systemPort': 8200,
      'gridfleet:testName': 'raw',
    });
  });

  test('raw platformName together with packId or platformId is an error', () => {
    assert.throws(
      () =>
        buildAppiumCapabilities({
          platformId: 'android_mobile',
          capabilities: { platformName: 'Android' },
          catalog: realCatalog(),
        }),
      resolutionError(
        'conflicting_platform_selection',
        'not both',
        'platformId "android_mobile"',
        'platformName "Android"',
      ),
    );
    assert.throws(
      () =>
        buildAppiumCapabilities({ packId: 'appium-uiautomator2', capabilities: { platformName: 'Android' } }),
      resolutionError('conflicting_platform_selection', 'packId "appium-uiautomator2"'),
    );
  });

  test('bad capabilities and test names are TypeErrors saying what was expected', () => {
    assert.throws(
      () => buildAppiumCapabilities({ capabilities: ['a'] as never }),
      /plain object.*got an array/,
    );
    assert.throws(
      () => buildAppiumCapabilities({ capabilities: { platformName: 'Fake' }, testName: '  ' }),
      /testName must be a non-empty string/,
    );
  });
});
