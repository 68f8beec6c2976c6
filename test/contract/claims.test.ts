/**
 * Contract: worker claims and releases — any non-terminal state, distinct devices under concurrency,
 * anonymous owners, busy devices, the no-claimable 409, includes, and every row of the release table
 * (docs/manager-api.md §C7.1, §C7.2, §C11.9–§C11.11, §C12). Cooldowns are in cooldowns.test.ts.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { noClaimable } from './support/expected_errors';
import {
  claim,
  eligibleDevices,
  entryOf,
  getDevice,
  getRun,
  MISSING_UUID,
  passTime,
  RunTracker,
  release,
  requirement,
} from './support/fixtures';
import { assertClaim, assertDeviceReservation } from './support/shapes';
import { type ContractTarget, NEEDS_LAB, openTarget } from './support/target';
import {
  expectError,
  expectFrameworkError,
  expectOk,
  expectOkArray,
  expectValidationIssues,
  type Json,
} from './support/wire';

describe('claims and releases', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
    await eligibleDevices(target, 2);
  });
  afterEach(async () => runs.cleanup());
  after(async () => target?.close());

  const claimRaw = (runId: string, body?: unknown, query = '') =>
    target.api.post(`/api/runs/${runId}/claim${query}`, body);

  it('claims work in every non-terminal state: preparing, ready (claim era) and active (docs/manager-api.md §C7.1, §C11.9)', async () => {
    const run = await runs.reserve([requirement(2)]);
    const id = String(run.id);
    const first = await claim(target, id, 'w-preparing');
    assert.equal((await getRun(target, id)).state, 'preparing');
    expectOk(await target.api.post(`/api/runs/${id}/ready`), 'ready');
    const second = await claim(target, id, 'w-after-ready');
    assert.notEqual(second.device_id, first.device_id);
    if (target.era === 'claim-era') expectOk(await target.api.post(`/api/runs/${id}/active`), 'active');
    assert.equal((await getRun(target, id)).state, 'active');
    expectOk(await release(target, id, String(second.device_id), 'w-after-ready'), 'release');
    await claim(target, id, 'w-active');
  });

  it('ClaimResponse: exact fields, +00:00 claimed_at, includes opt-in (docs/manager-api.md §C7.1)', async () => {
    const run = await runs.reserve([requirement(2)]);
    const id = String(run.id);
    const bare = await claim(target, id, 'gw0');
    assert.equal(bare.claimed_by, 'gw0');
    for (const key of ['config', 'live_capabilities', 'test_data', 'unavailable_includes'])
      assert.equal(bare[key], null, key);
    const entry = (run.devices as Json[]).find((d) => d.device_id === bare.device_id) as Json;
    for (const key of [
      'identity_value',
      'name',
      'connection_target',
      'pack_id',
      'platform_id',
      'platform_label',
      'os_version',
      'host_ip',
    ]) {
      assert.deepEqual(bare[key], entry[key], `claim.${key} matches the reservation entry`);
    }
    const full = await claim(target, id, 'gw1', 'config,capabilities,test_data');
    const deviceId = String(full.device_id);
    assert.deepEqual(
      full.config,
      expectOk(await target.api.get(`/api/devices/${deviceId}/config`), 'config'),
    );
    assert.deepEqual(
      full.test_data,
      expectOk(await target.api.get(`/api/devices/${deviceId}/test_data`), 'test_data'),
    );
    assert.deepEqual(
      full.live_capabilities,
      expectOk(await target.api.get(`/api/devices/${deviceId}/capabilities`), 'caps'),
    );
    assert.equal(full.unavailable_includes, null);
  });

  it('include on claim gives {} (not null) for a device without config or test data (docs/manager-api.md §C7.1)', async () => {
    const run = await runs.reserve([requirement()]);
    const entry = (run.devices as Json[])[0] as Json;
    const path = `/api/devices/${entry.device_id}/test_data`;
    const saved = expectOk(await target.api.get(path), 'saved test_data');
    try {
      expectOk(await target.api.put(path, {}), 'clear test_data');
      const c = await claim(target, String(run.id), 'gw0', 'test_data,config');
      assert.deepEqual(c.test_data, {});
      const config = expectOk(await target.api.get(`/api/devices/${entry.device_id}/config`), 'config');
      assert.deepEqual(c.config, config);
    } finally {
      await target.api.put(path, saved);
    }
  });

  it('the claim route only accepts POST: framework 405 (docs/manager-api.md §C3)', async () => {
    const run = await runs.reserve([requirement()]);
    const res = await target.api.get(`/api/runs/${run.id}/claim`);
    expectFrameworkError(res, 'GET claim', 405);
    assert.match(res.headers.get('allow') ?? '', /POST/);
  });

  it('concurrent claims get distinct devices; then the no-claimable 409 with Retry-After: 5 (docs/manager-api.md §C7.1, §C11.9, §C11.10)', async () => {
    const { run, deviceIds } = await runs.reserveAll();
    const id = String(run.id);
    const results = await Promise.all(deviceIds.map((_, i) => claimRaw(id, { worker_id: `gw${i}` })));
    const claimed = results.map((r, i) => assertClaim(expectOk(r, `concurrent claim ${i}`), `claim ${i}`));
    const got = claimed.map((c) => String(c.device_id));
    assert.equal(new Set(got).size, got.length, `distinct devices: ${got.join(', ')}`);
    assert.deepEqual([...got].sort(), [...deviceIds].sort(), 'every reserved device handed out once');
    const none = await claimRaw(id, { worker_id: 'gw-late' });
    expectError(none, 'no claimable', noClaimable(null));
    assert.equal(none.headers.get('retry-after'), '5');
    const detail = await getRun(target, id);
    for (const c of claimed) {
      const e = entryOf(detail, String(c.device_id));
      assert.equal(e.claimed_by, c.claimed_by);
      assert.equal(e.claimed_at, c.claimed_at);
    }
  });

  it('the same worker may hold several claims (no idempotency, no per-worker limit) (docs/manager-api.md §C7.1)', async () => {
    const run = await runs.reserve([requirement(2)]);
    const a = await claim(target, String(run.id), 'same');
    const b = await claim(target, String(run.id), 'same');
    assert.notEqual(a.device_id, b.device_id);
  });

  it('no body, {} and null worker_id get an anonymous-<8 hex> owner (docs/manager-api.md §C7.1)', async () => {
    const { run, deviceIds } = await runs.reserveAll();
    const id = String(run.id);
    const bodies: unknown[] = [undefined, {}, { worker_id: null }];
    for (const body of bodies.slice(0, deviceIds.length)) {
      const c = assertClaim(
        expectOk(await claimRaw(id, body), `claim with ${JSON.stringify(body)}`),
        'anonymous claim',
      );
      assert.match(String(c.claimed_by), /^anonymous-[0-9a-f]{8}$/);
    }
  });

  it('bad claim input is 422 and consumes nothing: empty worker_id, extra keys, unknown include (docs/manager-api.md §C7.1, §C12)', async () => {
    const { run, deviceIds } = await runs.reserveAll();
    const id = String(run.id);
    assert.deepEqual(expectValidationIssues(await claimRaw(id, { worker_id: '' }), 'empty worker_id'), [
      {
        type: 'string_too_short',
        loc: ['body', 'worker_id'],
        msg: 'String should have at least 1 character',
        input: '',
        ctx: { min_length: 1 },
      },
    ]);
    const extra = expectValidationIssues(await claimRaw(id, { worker_id: 'w', extra: 1 }), 'extra key');
    assert.equal(extra[0]?.type, 'extra_forbidden');
    expectError(await claimRaw(id, { worker_id: 'w' }, '?include=caps,config'), 'unknown include', {
      status: 422,
      code: 'VALIDATION_ERROR',
      message: 'Request failed',
      details: { code: 'unknown_include', values: ['caps'] },
    });
    const detail = await getRun(target, id);
    assert.ok(
      (detail.devices as Json[]).every((e) => e.claimed_by === null),
      'nothing was claimed',
    );
    for (let i = 0; i < deviceIds.length; i++) await claim(target, id, `w${i}`);
  });

  it('a claimed device is busy and still reserved; its reservation has no claim fields (docs/manager-api.md §C7.1, §C4.1)', async () => {
    const run = await runs.reserve([requirement()]);
    const c = await claim(target, String(run.id), 'gw0');
    const device = await getDevice(target, String(c.device_id));
    assert.equal(device.operational_state, 'busy');
    assert.equal(device.hold, 'reserved');
    const reservation = assertDeviceReservation(device.reservation, 'reservation while claimed');
    assert.equal(reservation.run_id, run.id);
  });

  it('claims on a terminal run are 409 (docs/manager-api.md §C7.1, §C12)', async () => {
    const run = await runs.reserve([requirement()]);
    expectOk(await target.api.post(`/api/runs/${run.id}/complete`), 'complete');
    expectError(await claimRaw(String(run.id), { worker_id: 'gw0' }), 'claim on completed', {
      status: 409,
      code: 'CONFLICT',
      message: "Cannot claim device from run in terminal state 'completed'",
    });
    const other = await runs.reserve([requirement()]);
    expectOk(await target.api.post(`/api/runs/${other.id}/cancel`), 'cancel');
    expectError(await claimRaw(String(other.id), {}), 'claim on cancelled', {
      status: 409,
      code: 'CONFLICT',
      message: "Cannot claim device from run in terminal state 'cancelled'",
    });
  });

  it('release table: invalid id, not in run, not claimed, wrong worker, owner (docs/manager-api.md §C7.2, §C11.11)', async () => {
    const run = await runs.reserve([requirement(2)]);
    const id = String(run.id);
    const inRun = new Set((run.devices as Json[]).map((d) => d.device_id));
    const everyDevice = expectOkArray(await target.api.get('/api/devices'), 'devices');
    const outsiderId = String(everyDevice.find((d) => !inRun.has(d.id))?.id);
    const c = await claim(target, id, 'gw0');
    const deviceId = String(c.device_id);
    const unclaimed = String((run.devices as Json[]).find((d) => d.device_id !== deviceId)?.device_id);
    const conflict = (message: string) => ({ status: 409, code: 'CONFLICT', message });

    expectError(await release(target, id, 'null', 'gw0'), 'invalid device_id', {
      status: 422,
      code: 'VALIDATION_ERROR',
      message: 'Invalid device_id',
    });
    expectError(await release(target, MISSING_UUID, deviceId, 'gw0'), 'run missing', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Run not found',
    });
    expectError(
      await release(target, id, MISSING_UUID, 'gw0'),
      'device missing',
      conflict(`Device ${MISSING_UUID} is not reserved by this run`),
    );
    expectError(
      await release(target, id, outsiderId, 'gw0'),
      'device of another run',
      conflict(`Device ${outsiderId} is not reserved by this run`),
    );
    expectError(
      await release(target, id, unclaimed, 'gw0'),
      'never claimed',
      conflict(`Device ${unclaimed} is not claimed`),
    );
    expectError(
      await release(target, id, deviceId, 'gw9'),
      'wrong worker',
      conflict(`Device ${deviceId} is claimed by another worker`),
    );
    const extra = await target.api.post(`/api/runs/${id}/release`, {
      device_id: deviceId,
      worker_id: 'gw0',
      x: 1,
    });
    assert.equal(expectValidationIssues(extra, 'release extra key')[0]?.type, 'extra_forbidden');

    const other = await claim(target, id, 'gw1');
    assert.equal(other.device_id, unclaimed);
    assert.deepEqual(expectOk(await release(target, id, deviceId, 'gw0'), 'owner release'), {
      status: 'released',
    });
    const device = await getDevice(target, deviceId);
    assert.equal(device.operational_state, 'available', 'released device is no longer busy');
    assert.equal(device.hold, 'reserved', 'still reserved by the run');
    assert.equal(entryOf(await getRun(target, id), deviceId).claimed_by, null);
    expectError(
      await release(target, id, deviceId, 'gw0'),
      'second release',
      conflict(`Device ${deviceId} is not claimed`),
    );

    // Immediately claimable again: the other device is held, so the next claim must return this one.
    const again = await claim(target, id, 'gw0');
    assert.equal(again.device_id, deviceId);
  });

  it('an owner release keeps a device busy while a session still runs on it (docs/manager-api.md §C7.2)', async () => {
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    const c = await claim(target, id, 'gw0');
    const sessionId = `contract-rel-${Date.now()}`;
    expectOk(
      await target.api.post('/api/sessions', { session_id: sessionId, device_id: c.device_id }),
      'register',
    );
    try {
      expectOk(await release(target, id, String(c.device_id), 'gw0'), 'release');
      assert.equal(
        (await getDevice(target, String(c.device_id))).operational_state,
        'busy',
        'running session keeps it busy',
      );
      expectOk(
        await target.api.patch(`/api/sessions/${sessionId}/status`, { status: 'passed' }),
        'end session',
      );
      assert.equal((await getDevice(target, String(c.device_id))).operational_state, 'available');
    } finally {
      await target.api.patch(`/api/sessions/${sessionId}/status`, { status: 'passed' });
    }
  });

  it('release after the run ended is 200 whatever the worker (docs/manager-api.md §C7.2, §C11.11)', async () => {
    const run = await runs.reserve([requirement(2)]);
    const id = String(run.id);
    const c = await claim(target, id, 'gw0');
    const unclaimed = String((run.devices as Json[]).find((d) => d.device_id !== c.device_id)?.device_id);
    expectOk(await target.api.post(`/api/runs/${id}/complete`), 'complete');
    assert.deepEqual(
      expectOk(await release(target, id, String(c.device_id), 'someone-else'), 'late release'),
      { status: 'released' },
    );
    assert.deepEqual(expectOk(await release(target, id, String(c.device_id), 'gw0'), 'late release again'), {
      status: 'released',
    });
    assert.deepEqual(expectOk(await release(target, id, unclaimed, 'gw7'), 'late release of never-claimed'), {
      status: 'released',
    });
  });

  it('a claim older than the claim TTL (120 s) is swept and handed out again at the next claim (docs/manager-api.md §C7.1, §C11.9)', async (t) => {
    if (!target.isLab) return t.skip(NEEDS_LAB);
    const run = await runs.reserve([requirement()], { heartbeat_timeout_sec: 100_000 });
    const id = String(run.id);
    const first = await claim(target, id, 'slow-worker');
    expectError(await claimRaw(id, { worker_id: 'fast' }), 'still claimed', noClaimable(null));
    await passTime(target, 121);
    const taken = await claim(target, id, 'fast');
    assert.equal(taken.device_id, first.device_id);
    expectError(await release(target, id, String(first.device_id), 'slow-worker'), 'old owner', {
      status: 409,
      code: 'CONFLICT',
      message: `Device ${first.device_id} is claimed by another worker`,
    });
  });
});
