import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GridFleetConfigError } from './config_error';
import { defaultRunName } from './default_run_name';
import { loadGridFleetConfig } from './load_config';
import { CONFIG_ENV, CONFIG_FIELDS, CONFIG_KEYS } from './schema';

const LANE_ENV = {
  GRIDFLEET_TESTKIT_PLATFORM_ID: 'firetv_real',
  GRIDFLEET_TESTKIT_PACK_ID: 'appium-uiautomator2',
};

function issuesOf(fn: () => unknown): GridFleetConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GridFleetConfigError, `expected GridFleetConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be rejected');
}

describe('loadGridFleetConfig', () => {
  it('uses defaults and builds one all_available lane from the testkit pack/platform env', () => {
    const config = loadGridFleetConfig({}, { ...LANE_ENV, BUILD_TAG: 'jenkins-job-7' });
    assert.equal(config.apiUrl, 'http://localhost:8000/api');
    assert.equal(config.gridUrl, 'http://localhost:4444');
    assert.equal(config.runName, 'jenkins-job-7');
    assert.deepEqual(config.requirements, [
      {
        pack_id: 'appium-uiautomator2',
        platform_id: 'firetv_real',
        allocation: 'all_available',
        min_count: 1,
      },
    ]);
    assert.equal(config.ttlMinutes, 60);
    assert.equal(config.heartbeatTimeoutSec, 120);
    assert.equal(config.heartbeatIntervalSec, 30);
    assert.equal(config.deviceWaitSec, 300);
    assert.deepEqual(config.deviceInclude, ['config', 'test_data']);
    assert.deepEqual(config.noDeviceTags, ['@no-device']);
    assert.equal(config.onFailure, 'cancel');
    assert.equal(config.runId, undefined);
  });

  it('prefers worldParameters over env over defaults', () => {
    const config = loadGridFleetConfig(
      { gridfleet: { apiUrl: 'http://from-params:1/api/', ttlMinutes: 5 } },
      {
        ...LANE_ENV,
        GRIDFLEET_API_URL: 'http://from-env:2/api',
        GRIDFLEET_TTL_MINUTES: '7',
        GRID_URL: 'http://g:3',
      },
    );
    assert.equal(config.apiUrl, 'http://from-params:1/api');
    assert.equal(config.ttlMinutes, 5);
    assert.equal(config.gridUrl, 'http://g:3');
  });

  it('parses every env kind (int, list, json)', () => {
    const config = loadGridFleetConfig(
      {},
      {
        GRIDFLEET_REQUIREMENTS:
          '[{"pack_id":"p","platform_id":"a","count":2},{"platform_id":"b","os_version":"8"}]',
        GRIDFLEET_DEVICE_INCLUDE: 'config, capabilities',
        GRIDFLEET_NO_DEVICE_TAGS: '@no-device,@api',
        GRIDFLEET_CAPABILITIES: '{"*":{"appium:newCommandTimeout":90}}',
        GRIDFLEET_HEARTBEAT_TIMEOUT_SEC: '40',
        GRIDFLEET_ON_FAILURE: 'complete',
      },
    );
    assert.equal(config.requirements.length, 2);
    assert.deepEqual(config.deviceInclude, ['config', 'capabilities']);
    assert.deepEqual(config.noDeviceTags, ['@no-device', '@api']);
    assert.deepEqual(config.capabilities, { '*': { 'appium:newCommandTimeout': 90 } });
    assert.equal(config.heartbeatIntervalSec, 10, 'default interval is a quarter of the timeout');
    assert.equal(config.onFailure, 'complete');
  });

  it('joining GRIDFLEET_RUN_ID needs no requirements', () => {
    const runId = '7d0c6c2e-3f1a-4c8e-9a2b-5e4f1d2c3b4a';
    const config = loadGridFleetConfig({}, { GRIDFLEET_RUN_ID: runId });
    assert.equal(config.runId, runId);
    assert.deepEqual(config.requirements, []);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['apiUrl', 'manager:8000', /http\(s\) URL/],
    ['gridUrl', 'ftp://grid', /Selenium Grid hub/],
    ['runName', '   ', /non-empty run name/],
    ['createdBy', '', /non-empty string/],
    ['ttlMinutes', 500, /1 to 180/],
    ['heartbeatTimeoutSec', 'soon', /seconds ≥ 10/],
    ['heartbeatIntervalSec', 0, /seconds ≥ 1/],
    ['requirements', [{ pack_id: 'p' }], /JSON array of lanes/],
    ['runId', 'run-123', /UUID of an existing GridFleet run/],
    ['deviceWaitSec', -1, /0 to 86400/],
    ['deviceInclude', ['config', 'everything'], /config, capabilities, test_data/],
    ['capabilities', ['appium:udid'], /keyed by platform id/],
    ['cooldownSec', 99999, /1 to 3600/],
    ['screenshotDir', '', /directory path/],
    ['noDeviceTags', ['no-device'], /tags starting with "@"/],
    ['onFailure', 'ignore', /"cancel" or "complete"/],
  ];
  for (const [field, value, expected] of bad) {
    it(`rejects a bad ${field} from worldParameters, naming field, value and expectation`, () => {
      const error = issuesOf(() => loadGridFleetConfig({ gridfleet: { [field]: value } }, LANE_ENV));
      const issue = error.issues.find((i) => i.field === field);
      assert.ok(issue, `no issue for ${field}: ${error.message}`);
      assert.equal(issue.source, `worldParameters.gridfleet.${field}`);
      assert.match(error.message, new RegExp(`${field} = `));
      assert.match(error.message, expected);
    });
  }

  it('rejects bad env values and names the variable', () => {
    const error = issuesOf(() =>
      loadGridFleetConfig({}, { ...LANE_ENV, GRIDFLEET_TTL_MINUTES: '1.5', GRIDFLEET_REQUIREMENTS: '[{' }),
    );
    assert.match(error.message, /ttlMinutes = "1.5" \(from env GRIDFLEET_TTL_MINUTES\)/);
    assert.match(error.message, /requirements = .*\(from env GRIDFLEET_REQUIREMENTS\)/);
    assert.equal(error.issues.length, 2, 'every problem is reported at once');
  });

  it('rejects count with all_available and min_count without it', () => {
    const error = issuesOf(() =>
      loadGridFleetConfig({
        gridfleet: { requirements: [{ platform_id: 'a', count: 1, allocation: 'all_available' }] },
      }),
    );
    assert.match(error.message, /cannot be combined/);
    const error2 = issuesOf(() =>
      loadGridFleetConfig({ gridfleet: { requirements: [{ platform_id: 'a', min_count: 2 }] } }),
    );
    assert.match(error2.message, /only allowed with/);
  });

  it('rejects an interval not below the timeout', () => {
    const error = issuesOf(() =>
      loadGridFleetConfig({ gridfleet: { heartbeatTimeoutSec: 30, heartbeatIntervalSec: 30 } }, LANE_ENV),
    );
    assert.match(error.message, /heartbeatIntervalSec = 30 .*fewer seconds than heartbeatTimeoutSec \(30\)/);
  });

  it('rejects missing lanes with a hint on how to set them', () => {
    const error = issuesOf(() => loadGridFleetConfig({}, {}));
    assert.match(error.message, /GRIDFLEET_REQUIREMENTS/);
    assert.match(error.message, /GRIDFLEET_RUN_ID/);
  });

  it('rejects requirements together with a run to join', () => {
    const error = issuesOf(() =>
      loadGridFleetConfig(
        { gridfleet: { requirements: [{ platform_id: 'a' }] } },
        { GRIDFLEET_RUN_ID: '7d0c6c2e-3f1a-4c8e-9a2b-5e4f1d2c3b4a' },
      ),
    );
    assert.match(error.message, /no requirements when joining run/);
  });

  it('rejects unknown keys and credentials in config without printing the secret', () => {
    const error = issuesOf(() =>
      loadGridFleetConfig({ gridfleet: { password: 's3cret-value', ttl: 5 } }, LANE_ENV),
    );
    assert.doesNotMatch(error.message, /s3cret-value/);
    assert.match(error.message, /password = <redacted>.*GRIDFLEET_TESTKIT_PASSWORD/);
    assert.match(error.message, /ttl = 5 .*a known key/);
  });

  it('rejects a non-object gridfleet parameter', () => {
    const error = issuesOf(() => loadGridFleetConfig({ gridfleet: 'http://x' }, LANE_ENV));
    assert.match(error.message, /gridfleet = "http:\/\/x".*an object/);
  });
});

describe('defaultRunName', () => {
  it('uses CI variables when present', () => {
    assert.equal(
      defaultRunName({ GITHUB_RUN_ID: '42', GITHUB_REPOSITORY: 'o/r', GITHUB_JOB: 'e2e' }),
      'o/r #42 e2e',
    );
    assert.equal(defaultRunName({ CI_PIPELINE_ID: '9', CI_PROJECT_PATH: 'g/p' }), 'g/p pipeline 9');
  });
  it('falls back to a readable timestamp', () => {
    assert.equal(defaultRunName({}, new Date('2026-11-26T21:30:05Z')), 'cucumber 2026-11-26 21:30:05 UTC');
  });
});

it('unparseable JSON in an env var says it is not valid JSON, quotes it and names the variable', () => {
  assert.throws(
    () => loadGridFleetConfig(undefined, { GRIDFLEET_REQUIREMENTS: '[{"platform_id":' }),
    (error: unknown) => {
      const message = (error as Error).message;
      assert.match(message, /requirements = "\[\{\\"platform_id\\":" \(from env GRIDFLEET_REQUIREMENTS\)/);
      assert.match(message, /expected valid JSON \(this is not: .+\); a JSON array of lanes/);
      return true;
    },
  );
});

describe('deprecated keys (claimMaxWaitSec, claimInclude) still work', () => {
  const warnings: string[] = [];
  const logger = { warn: (line: string) => warnings.push(line) };

  it('reads the old key and the old env var, and warns naming the new ones', () => {
    const fromParams = loadGridFleetConfig({ gridfleet: { claimMaxWaitSec: 42 } }, LANE_ENV, logger);
    assert.equal(fromParams.deviceWaitSec, 42);
    const fromEnv = loadGridFleetConfig(
      {},
      { ...LANE_ENV, GRIDFLEET_CLAIM_INCLUDE: 'capabilities', GRIDFLEET_CLAIM_MAX_WAIT_SEC: '7' },
      logger,
    );
    assert.deepEqual(fromEnv.deviceInclude, ['capabilities']);
    assert.equal(fromEnv.deviceWaitSec, 7);
    assert.ok(
      warnings.some((w) => /claimMaxWaitSec .*deprecated: use deviceWaitSec/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /GRIDFLEET_CLAIM_INCLUDE.*use deviceInclude \/ GRIDFLEET_DEVICE_INCLUDE/.test(w)),
    );
  });

  it('the new key wins over the old one', () => {
    const config = loadGridFleetConfig(
      { gridfleet: { deviceWaitSec: 5, claimMaxWaitSec: 50 } },
      { ...LANE_ENV, GRIDFLEET_CLAIM_MAX_WAIT_SEC: '500' },
      logger,
    );
    assert.equal(config.deviceWaitSec, 5);
  });

  it('a bad old value is reported under the old name, with the new one to use', () => {
    const error = issuesOf(() =>
      loadGridFleetConfig({}, { ...LANE_ENV, GRIDFLEET_CLAIM_MAX_WAIT_SEC: '-1' }, logger),
    );
    assert.match(error.message, /claimMaxWaitSec = -1 \(from env GRIDFLEET_CLAIM_MAX_WAIT_SEC\)/);
    assert.match(error.message, /0 to 86400.*use deviceWaitSec/);
  });
});

it('every key is declared once: type keys, env table and defaults come from CONFIG_FIELDS', () => {
  const config = loadGridFleetConfig({}, LANE_ENV);
  assert.deepEqual(Object.keys(config).sort(), [...CONFIG_KEYS].sort());
  for (const key of CONFIG_KEYS) assert.equal(CONFIG_ENV[key], CONFIG_FIELDS[key].env);
});
