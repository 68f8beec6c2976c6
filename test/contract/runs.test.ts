/**
 * Contract: run creation — 201 shape and defaults, include handling, validations in their documented
 * order, eligibility without partial reservation, all_available + min_count, run listing
 * (docs/manager-api.md §C6.1–§C6.3, §C11.8, §C11.14, §C12).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  allAvailable,
  eligibleDevices,
  getDevice,
  getRun,
  PACK,
  PLATFORM,
  RunTracker,
  requirement,
  uniqueName,
} from './support/fixtures';
import {
  assertDeviceReservation,
  assertFields,
  assertReservedDevice,
  assertRun,
  assertZ,
  CURSOR_PAGE_FIELDS,
  RUN_CREATE_FIELDS,
} from './support/shapes';
import { type ContractTarget, openTarget } from './support/target';
import { expectError, expectOk, expectValidationIssues, issueAt, type Json } from './support/wire';

const notEnough = (extra: string, matched: number) =>
  `Not enough devices for requirement: pack_id=${PACK}, platform_id=${PLATFORM}, ${extra} (matched ${matched} eligible devices right now). Check /api/availability for current platform capacity or retry later.`;

describe('run creation', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  let eligible: Json[];
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
    eligible = await eligibleDevices(target, 2);
  });
  afterEach(async () => runs.cleanup());
  after(async () => target?.close());

  it('201 RunCreateResponse in "preparing" with documented defaults and clean entries (docs/manager-api.md §C6.2)', async () => {
    const res = await runs.create({ name: uniqueName('create'), requirements: [requirement()] });
    const run = assertFields(expectOk(res, 'POST /runs', 201), RUN_CREATE_FIELDS, 'RunCreateResponse');
    assert.equal(run.state, 'preparing');
    assert.equal(run.ttl_minutes, 60, 'default ttl_minutes');
    assert.equal(run.heartbeat_timeout_sec, 120, 'default heartbeat_timeout_sec');
    assert.equal(typeof run.grid_url, 'string');
    assertZ(run.created_at, 'created_at');
    const [entry] = run.devices as Json[];
    assertReservedDevice(entry, 'devices[0]');
    const clean: Json = {
      pack_id: PACK,
      platform_id: PLATFORM,
      excluded: false,
      exclusion_reason: null,
      excluded_at: null,
      excluded_until: null,
      cooldown_remaining_sec: null,
      cooldown_count: 0,
      cooldown_escalated: false,
      claimed_by: null,
      claimed_at: null,
      config: null,
      live_capabilities: null,
      test_data: null,
      unavailable_includes: null,
    };
    for (const [key, value] of Object.entries(clean))
      assert.deepEqual(entry?.[key], value, `devices[0].${key}`);
    const detail = await getRun(target, String(run.id));
    assert.equal(detail.created_by, null, 'created_by null when omitted');
    assert.equal(detail.started_at, null);
    assert.ok(detail.last_heartbeat !== null, 'last_heartbeat set at creation');
  });

  it('reserved devices get hold "reserved" and a reservation object; operational state unchanged (docs/manager-api.md §C6.2)', async () => {
    const run = await runs.reserve([requirement()], { created_by: 'contract' });
    const deviceId = String((run.devices as Json[])[0]?.device_id);
    const device = await getDevice(target, deviceId);
    assert.equal(device.hold, 'reserved');
    assert.equal(device.operational_state, 'available');
    const reservation = assertDeviceReservation(device.reservation, 'device.reservation');
    assert.deepEqual(reservation, {
      run_id: run.id,
      run_name: run.name,
      run_state: 'preparing',
      excluded: false,
      exclusion_reason: null,
      excluded_until: null,
      cooldown_remaining_sec: null,
      cooldown_count: 0,
      cooldown_escalated: false,
    });
  });

  it('include=config,test_data inlines both; includes are opt-in; whitespace and empty items are ignored (docs/manager-api.md §C6.2)', async () => {
    const run = await runs.reserve([requirement()], {}, encodeURIComponent(' config, ,test_data '));
    const entry = (run.devices as Json[])[0] as Json;
    const config = expectOk(await target.api.get(`/api/devices/${entry.device_id}/config`), 'config');
    const testData = expectOk(await target.api.get(`/api/devices/${entry.device_id}/test_data`), 'test_data');
    assert.deepEqual(entry.config, config);
    assert.deepEqual(entry.test_data, testData);
    assert.equal(entry.unavailable_includes, null);
    await runs.cleanup();
    const only = await runs.reserve([requirement()], {}, 'config');
    assert.equal(((only.devices as Json[])[0] as Json).test_data, null, 'test_data not asked → null');
    assert.notEqual(((only.devices as Json[])[0] as Json).config, null);
  });

  it('schema problems are 422 issues: count+all_available, min_count without it, extra top-level keys (docs/manager-api.md §C6.2 step 1)', async () => {
    const both = await runs.create({ name: 'x', requirements: [allAvailable({ count: 1 })] });
    const issue = issueAt(
      expectValidationIssues(both, 'count+all_available'),
      ['body', 'requirements', 0],
      'count+all_available',
    );
    assert.equal(issue.type, 'value_error');
    assert.equal(issue.msg, 'Value error, count cannot be provided when allocation is all_available');
    assert.deepEqual(issue.ctx, { error: {} });
    const min = await runs.create({ name: 'x', requirements: [requirement(1, { min_count: 2 })] });
    const minIssue = issueAt(
      expectValidationIssues(min, 'min_count without all_available'),
      ['body', 'requirements', 0],
      'min_count',
    );
    assert.equal(
      minIssue.msg,
      'Value error, min_count can only be provided when allocation is all_available',
    );
    const extra = await runs.create({ name: 'x', requirements: [], wait_for_devices_sec: 0 });
    assert.deepEqual(expectValidationIssues(extra, 'extra key'), [
      {
        type: 'extra_forbidden',
        loc: ['body', 'wait_for_devices_sec'],
        msg: 'Extra inputs are not permitted',
        input: 0,
      },
    ]);
    const zero = await runs.create({ name: 'x', requirements: [requirement(0)] });
    assert.equal(
      issueAt(expectValidationIssues(zero, 'count 0'), ['body', 'requirements', 0, 'count'], 'count 0').type,
      'greater_than_equal',
    );
  });

  it('checks run in order: schema, unknown include, capabilities include, TTL, pack, devices (docs/manager-api.md §C6.2)', async () => {
    const body = (extra: Json = {}) => ({
      name: uniqueName('order'),
      requirements: [requirement()],
      ...extra,
    });
    // 1 before 2: a schema error wins over an unknown include.
    expectValidationIssues(await runs.create({ ...body(), bogus: 1 }, 'garbage'), 'schema before include');
    // 2: unknown tokens, sorted, and before the capabilities check.
    expectError(await runs.create(body(), 'zeta,capabilities,garbage,config'), 'unknown include', {
      status: 422,
      code: 'VALIDATION_ERROR',
      message: 'Request failed',
      details: { code: 'unknown_include', values: ['garbage', 'zeta'] },
    });
    // 3 before 4: capabilities wins over a TTL above max.
    expectError(await runs.create(body({ ttl_minutes: 240 }), 'capabilities'), 'capabilities before ttl', {
      status: 422,
      code: 'VALIDATION_ERROR',
      message: /^include=capabilities is not supported on reserve/,
      details: (d: unknown) => assert.equal((d as Json).code, 'reserve_capabilities_unsupported'),
    });
    // 4 before 5: TTL wins over an unknown pack.
    const ttlMessage = 'TTL 240 exceeds maximum allowed TTL of 180 minutes';
    expectError(
      await runs.create({
        name: 'x',
        requirements: [{ pack_id: 'appium-foo', platform_id: 'x' }],
        ttl_minutes: 240,
      }),
      'ttl',
      {
        status: 409,
        code: 'CONFLICT',
        message: ttlMessage,
      },
    );
    expectOk(await runs.create(body({ ttl_minutes: 180 })), 'ttl == max is fine', 201);
    await runs.cleanup();
    // 5/6 per requirement: an unsatisfiable first requirement is reported before a later pack error.
    const many = eligible.length + 1;
    expectError(
      await runs.create({
        name: 'x',
        requirements: [requirement(many), { pack_id: 'appium-foo', platform_id: 'x' }],
      }),
      'first requirement fails first',
      { status: 409, code: 'CONFLICT', message: /^Not enough devices for requirement/ },
    );
    expectError(
      await runs.create({
        name: 'x',
        requirements: [requirement(), { pack_id: 'appium-foo', platform_id: 'x' }],
      }),
      'later pack error',
      {
        status: 422,
        code: 'VALIDATION_ERROR',
        message: 'appium-foo',
        details: { code: 'pack_unavailable', message: 'appium-foo' },
      },
    );
  });

  it('not enough devices → 409 with the exact message and nothing reserved (docs/manager-api.md §C6.2 step 6, docs/manager-api.md §C11.8)', async () => {
    const { deviceIds } = await runs.reserveAll();
    const n = deviceIds.length;
    await runs.cleanup();
    expectError(await runs.create({ name: 'x', requirements: [requirement(n + 1)] }), 'count too high', {
      status: 409,
      code: 'CONFLICT',
      message: notEnough(`os_version=None, count=${n + 1}`, n),
    });
    expectError(
      await runs.create({ name: 'x', requirements: [allAvailable({ min_count: n + 1 })] }),
      'min_count too high',
      {
        status: 409,
        code: 'CONFLICT',
        message: notEnough(`os_version=None, allocation=all_available, min_count=${n + 1}`, n),
      },
    );
    expectError(
      await runs.create({ name: 'x', requirements: [requirement(1, { os_version: 'contract-os' })] }),
      'os_version',
      {
        status: 409,
        code: 'CONFLICT',
        message: notEnough('os_version=contract-os, count=1', 0),
      },
    );
    // No partial reservation: the first requirement could be met, the second cannot.
    const res = await runs.create({ name: 'x', requirements: [requirement(1), requirement(n)] });
    expectError(res, 'second requirement unsatisfiable', {
      status: 409,
      code: 'CONFLICT',
      message: notEnough(`os_version=None, count=${n}`, n - 1),
    });
    for (const id of deviceIds) {
      const device = await getDevice(target, id);
      assert.equal(device.hold, null, `device ${id} was not reserved by the failed request`);
      assert.equal(device.reservation, null);
    }
  });

  it('devices held by a run are not eligible for another (docs/manager-api.md §C6.2)', async () => {
    const { deviceIds } = await runs.reserveAll();
    assert.equal(deviceIds.length, eligible.length, 'all_available takes every eligible device');
    expectError(await runs.create({ name: 'x', requirements: [requirement()] }), 'second run', {
      status: 409,
      code: 'CONFLICT',
      message: notEnough('os_version=None, count=1', 0),
    });
  });

  it('requirements are stored with defaults filled; unknown requirement keys are ignored (docs/manager-api.md §C6.1, §C6.2)', async () => {
    const { run } = await runs.reserveAll();
    const stored = (await getRun(target, String(run.id))).requirements;
    assert.deepEqual(stored, [
      { pack_id: PACK, platform_id: PLATFORM, allocation: 'all_available', min_count: 1 },
    ]);
    await runs.cleanup();
    const plain = await runs.reserve([
      { pack_id: PACK, platform_id: PLATFORM, device_type: 'no-such-type', connection_type: 'x' },
    ]);
    assert.equal((plain.devices as Json[]).length, 1, 'unknown keys do not filter');
    assert.deepEqual((await getRun(target, String(plain.id))).requirements, [
      { pack_id: PACK, platform_id: PLATFORM, count: 1 },
    ]);
  });

  it('candidates are taken oldest-created first, ties by ascending id; earlier requirements are not reused (docs/manager-api.md §C6.2)', async () => {
    const ordered = [...eligible].sort(
      (a, b) =>
        Date.parse(String(a.created_at)) - Date.parse(String(b.created_at)) ||
        String(a.id).localeCompare(String(b.id)),
    );
    const run = await runs.reserve([requirement(), requirement()], {
      ttl_minutes: null,
      heartbeat_timeout_sec: null,
    });
    const got = (run.devices as Json[]).map((d) => d.device_id);
    assert.deepEqual(
      got,
      ordered.slice(0, 2).map((d) => d.id),
      'oldest first, then ascending id, in requirement order',
    );
    assert.equal(run.ttl_minutes, 60, 'null ttl_minutes → default');
    assert.equal(run.heartbeat_timeout_sec, 120, 'null heartbeat_timeout_sec → default');
    await runs.cleanup();
    const os = String(ordered[0]?.os_version);
    const byOs = await runs.reserve([requirement(1, { os_version: os })]);
    assert.equal(((byOs.devices as Json[])[0] as Json).os_version, os, 'os_version matches exactly');
  });

  it('tags in a requirement must all match exactly (docs/manager-api.md §C6.2)', async () => {
    const tagged = eligible.find((d) => Object.keys((d.tags as Json | null) ?? {}).length > 0);
    expectError(
      await runs.create({ name: 'x', requirements: [requirement(1, { tags: { 'contract-tag': 'none' } })] }),
      'tags miss',
      {
        status: 409,
        code: 'CONFLICT',
        message: /^Not enough devices for requirement/,
      },
    );
    if (!tagged) return;
    const run = await runs.reserve([requirement(1, { tags: tagged.tags })]);
    const got = String((run.devices as Json[])[0]?.device_id);
    const device = await getDevice(target, got);
    for (const [k, v] of Object.entries(tagged.tags as Json)) assert.equal((device.tags as Json)[k], v);
  });

  it('an empty requirements list makes a run with no devices (docs/manager-api.md §C6.2)', async () => {
    const run = await runs.reserve([]);
    assert.deepEqual(run.devices, []);
    const detail = await getRun(target, String(run.id));
    assert.equal(detail.reserved_devices, null, 'RunRead.reserved_devices is null without reservations');
    assert.deepEqual(detail.devices, [], 'RunDetail.devices is [] instead');
  });

  it('GET /runs lists RunRead items (no devices) newest first in an offset page (docs/manager-api.md §C6.3)', async () => {
    const first = await runs.reserve([requirement()], {
      ttl_minutes: 30,
      heartbeat_timeout_sec: 300,
      created_by: 'contract',
    });
    const second = await runs.reserve([requirement()]);
    const page = assertFields(
      expectOk(await target.api.get('/api/runs?limit=2'), 'GET /runs'),
      CURSOR_PAGE_FIELDS,
      'runs page',
      true,
    );
    assert.equal(page.limit, 2);
    assert.equal(page.offset, 0);
    assert.ok(Number(page.total) >= 2);
    const items = page.items as Json[];
    for (const [i, item] of items.entries()) assertRun(item, `runs.items[${i}]`);
    assert.deepEqual(
      items.map((r) => r.id),
      [second.id, first.id],
      'newest first',
    );
    const firstRead = items[1] as Json;
    assert.equal(firstRead.ttl_minutes, 30);
    assert.equal(firstRead.heartbeat_timeout_sec, 300);
    assert.equal(firstRead.created_by, 'contract');
    const preparing = expectOk(await target.api.get('/api/runs?state=preparing&limit=200'), 'state filter');
    assert.ok((preparing.items as Json[]).every((r) => r.state === 'preparing'));
    assert.ok((preparing.items as Json[]).some((r) => r.id === first.id));
    const at = Date.parse(String(first.created_at));
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const window = async (query: string) =>
      (expectOk(await target.api.get(`/api/runs?limit=200&${query}`), query).items as Json[]).map(
        (r) => r.id,
      );
    assert.ok((await window(`created_from=${iso(at - 60_000)}`)).includes(first.id), 'created_from before');
    assert.ok(!(await window(`created_from=${iso(at + 60_000)}`)).includes(first.id), 'created_from after');
    assert.ok(!(await window(`created_to=${iso(at - 60_000)}`)).includes(first.id), 'created_to before');
    assert.ok((await window(`created_to=${iso(at + 60_000)}`)).includes(first.id), 'created_to after');
  });
});
