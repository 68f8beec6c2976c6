/**
 * Contract: release-with-cooldown — the cooldown_set reply, claims blocked until excluded_until, expiry
 * cleared on the next claim, checks in order, and escalation to maintenance at the threshold
 * (docs/manager-api.md §C7.3, §C11.9, §C11.10, §C11.12, §C12).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { conflict, noClaimable, notFound } from './support/expected_errors';
import {
  claim,
  eligibleDevices,
  entryOf,
  getDevice,
  getRun,
  MISSING_UUID,
  passTime,
  RunTracker,
  releaseWithCooldown,
  requirement,
} from './support/fixtures';
import {
  assertDeviceReservation,
  assertFields,
  assertOffset,
  assertReservedDevice,
  assertZ,
  COOLDOWN_SET_FIELDS,
  ESCALATED_FIELDS,
  instant,
} from './support/shapes';
import { type ContractTarget, NEEDS_DESTRUCTIVE, openSideLab, openTarget } from './support/target';
import { expectError, expectOk, expectOkArray, expectValidationIssues, type Json } from './support/wire';

describe('release-with-cooldown', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  /** Cooldown length: long on the lab (virtual clock), short on a real manager (real waiting). */
  let ttl: number;
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
    await eligibleDevices(target, 2);
    ttl = target.isLab ? 20 : 3;
  });
  afterEach(async () => runs.cleanup());
  after(async () => target?.close());

  /** Reserves every eligible device and claims them all; returns run id and the claims. */
  const claimAll = async (): Promise<{ id: string; claims: Json[] }> => {
    const { run, deviceIds } = await runs.reserveAll({ heartbeat_timeout_sec: 100_000 });
    const id = String(run.id);
    const claims: Json[] = [];
    for (let i = 0; i < deviceIds.length; i++) claims.push(await claim(target, id, `gw${i}`));
    return { id, claims };
  };

  it('cooldown_set: exact reply, device reserved and available, claims refused until excluded_until (docs/manager-api.md §C7.3)', async () => {
    const { id, claims } = await claimAll();
    const cooled = claims[0] as Json;
    const deviceId = String(cooled.device_id);
    const res = await releaseWithCooldown(target, id, deviceId, {
      worker_id: 'gw0',
      reason: '  flaky adb  ',
      ttl_seconds: ttl,
    });
    const reply = assertFields(expectOk(res, 'cooldown'), COOLDOWN_SET_FIELDS, 'cooldown_set', true);
    assert.equal(reply.status, 'cooldown_set');
    assert.equal(reply.device_operational_state, 'available');
    assert.equal(reply.device_hold, 'reserved');
    assert.equal(reply.retry_after_sec, ttl);
    assertZ(reply.excluded_until, 'top-level excluded_until uses Z');
    const entry = assertReservedDevice(reply.reservation, 'cooldown reservation');
    assert.equal(entry.device_id, deviceId);
    assert.equal(entry.excluded, true);
    assert.equal(entry.exclusion_reason, 'flaky adb', 'reason is trimmed');
    assertOffset(entry.excluded_at, 'reservation.excluded_at');
    assertOffset(entry.excluded_until, 'reservation.excluded_until uses +00:00');
    assert.equal(
      instant(entry.excluded_until),
      instant(reply.excluded_until),
      'same instant in both spellings',
    );
    assert.equal(
      instant(entry.excluded_until) - instant(entry.excluded_at),
      ttl * 1000,
      'excluded_until = excluded_at + ttl',
    );
    assert.ok(
      Number(entry.cooldown_remaining_sec) <= ttl && Number(entry.cooldown_remaining_sec) >= ttl - 2,
      'remaining ≈ ttl',
    );
    assert.equal(entry.cooldown_count, 1);
    assert.equal(entry.cooldown_escalated, false);
    assert.equal(entry.claimed_by, null);
    assert.equal(entry.claimed_at, null);

    const device = await getDevice(target, deviceId);
    assert.equal(device.hold, 'reserved');
    assert.equal(device.operational_state, 'available');
    const reservation = assertDeviceReservation(device.reservation, 'device.reservation in cooldown');
    assert.equal(reservation.excluded, true);
    assert.equal(reservation.cooldown_count, 1);

    const refused = await target.api.post(`/api/runs/${id}/claim`, { worker_id: 'gw-next' });
    expectError(refused, 'claim during cooldown', noClaimable(String(entry.excluded_until)));
    assert.equal(refused.headers.get('retry-after'), '5', 'Retry-After is the default, not the cooldown');

    await passTime(target, ttl + 1);
    assert.equal(
      entryOf(await getRun(target, id), deviceId).excluded,
      true,
      'raw flag stays true until the next claim',
    );
    assert.equal(
      assertDeviceReservation((await getDevice(target, deviceId)).reservation, 'after expiry').excluded,
      false,
    );
    const back = await claim(target, id, 'gw-next');
    assert.equal(back.device_id, deviceId, 'the expired cooldown makes the device claimable again');
    const cleared = entryOf(await getRun(target, id), deviceId);
    assert.deepEqual(
      [
        cleared.excluded,
        cleared.exclusion_reason,
        cleared.excluded_at,
        cleared.excluded_until,
        cleared.cooldown_count,
      ],
      [false, null, null, null, 1],
      'claim clears the expired cooldown but keeps cooldown_count',
    );
  });

  it("next_available_at is the earliest cooldown expiry among the run's entries (docs/manager-api.md §C7.1)", async () => {
    const { id, claims } = await claimAll();
    const [a, b] = claims as [Json, Json];
    const long = expectOk(
      await releaseWithCooldown(target, id, String(a.device_id), {
        worker_id: 'gw0',
        reason: 'long',
        ttl_seconds: 900,
      }),
      'long cooldown',
    );
    const short = expectOk(
      await releaseWithCooldown(target, id, String(b.device_id), {
        worker_id: 'gw1',
        reason: 'short',
        ttl_seconds: 300,
      }),
      'short cooldown',
    );
    const soonest = String((short.reservation as Json).excluded_until);
    assert.ok(instant(soonest) < instant((long.reservation as Json).excluded_until));
    expectError(
      await target.api.post(`/api/runs/${id}/claim`, { worker_id: 'gw9' }),
      'no claimable',
      noClaimable(soonest),
    );
  });

  it('cooldown recomputes the device state even while a session still runs on it (docs/manager-api.md §C7.3)', async () => {
    const { id, claims } = await claimAll();
    const deviceId = String((claims[0] as Json).device_id);
    const sessionId = `contract-cool-${Date.now()}`;
    expectOk(
      await target.api.post('/api/sessions', { session_id: sessionId, device_id: deviceId }),
      'register',
    );
    try {
      const reply = expectOk(
        await releaseWithCooldown(target, id, deviceId, { worker_id: 'gw0', reason: 'r', ttl_seconds: 600 }),
        'cooldown with a running session',
      );
      assert.equal(reply.device_operational_state, 'available', 'recomputed unconditionally');
    } finally {
      await target.api.patch(`/api/sessions/${sessionId}/status`, { status: 'passed' });
    }
  });

  it('checks in order: ttl max (422) before run lookup, then reason, run, state, device, reservation, claim (docs/manager-api.md §C7.3)', async () => {
    const { id, claims } = await claimAll();
    const owned = String((claims[0] as Json).device_id);
    const body = (extra: Json = {}) => ({ worker_id: 'gw0', reason: 'r', ttl_seconds: 60, ...extra });
    const tooLong = { status: 422, code: 'VALIDATION_ERROR', message: 'ttl_seconds must be <= 3600' };
    expectError(
      await releaseWithCooldown(target, id, owned, body({ ttl_seconds: 999999 })),
      'ttl too large',
      tooLong,
    );
    expectError(
      await releaseWithCooldown(target, MISSING_UUID, owned, body({ ttl_seconds: 3601 })),
      'ttl before run',
      tooLong,
    );
    const malformed = expectValidationIssues(
      await releaseWithCooldown(target, id, 'nope', body({ ttl_seconds: 999999 })),
      'malformed device id wins',
    );
    assert.deepEqual(malformed[0]?.loc, ['path', 'device_id']);
    expectError(
      await releaseWithCooldown(target, id, owned, body({ reason: '   ' })),
      'blank reason',
      conflict('Cooldown reason is required'),
    );
    expectError(
      await releaseWithCooldown(target, MISSING_UUID, owned, body()),
      'run missing',
      notFound('Run not found'),
    );
    expectError(
      await releaseWithCooldown(target, id, MISSING_UUID, body()),
      'device missing',
      notFound('Device not found'),
    );
    const inRun = new Set(claims.map((c) => c.device_id));
    const everyDevice = expectOkArray(await target.api.get('/api/devices'), 'devices');
    const outsider = String(everyDevice.find((d) => !inRun.has(d.id))?.id ?? '');
    if (outsider) {
      expectError(
        await releaseWithCooldown(target, id, outsider, body()),
        'device not in run',
        conflict(`Device ${outsider} is not actively reserved by this run`),
      );
    }
    expectError(
      await releaseWithCooldown(target, id, owned, body({ worker_id: 'gw9' })),
      'other owner',
      conflict(`Device ${owned} is claimed by another worker`),
    );
    expectOk(
      await target.api.post(`/api/runs/${id}/release`, { device_id: owned, worker_id: 'gw0' }),
      'release',
    );
    expectError(
      await releaseWithCooldown(target, id, owned, body()),
      'not claimed',
      conflict(`Device ${owned} is not claimed`),
    );
    for (const [label, bad] of [
      ['ttl 0', body({ ttl_seconds: 0 })],
      ['empty reason', body({ reason: '' })],
      ['reason > 200', body({ reason: 'x'.repeat(201) })],
      ['empty worker', body({ worker_id: '' })],
      ['extra key', body({ extra: true })],
    ] as const) {
      expectValidationIssues(await releaseWithCooldown(target, id, owned, bad), label);
    }
    expectOk(await target.api.post(`/api/runs/${id}/complete`), 'complete');
    expectError(
      await releaseWithCooldown(target, id, owned, body()),
      'terminal run',
      conflict("Cannot release device from terminal run 'completed'"),
    );
  });

  it('cooldowns vanish with the run: the device is free afterwards (docs/manager-api.md §C7.3)', async () => {
    const { id, claims } = await claimAll();
    const deviceId = String((claims[0] as Json).device_id);
    expectOk(
      await releaseWithCooldown(target, id, deviceId, { worker_id: 'gw0', reason: 'r', ttl_seconds: 600 }),
      'cooldown',
    );
    expectOk(await target.api.post(`/api/runs/${id}/cancel`), 'cancel');
    const device = await getDevice(target, deviceId);
    assert.equal(device.hold, null);
    assert.equal(device.reservation, null);
    const next = await runs.reserve([requirement(1)]);
    assert.ok(next.devices, 'a new run can reserve again');
  });

  it('the 3rd cooldown escalates: permanent exclusion, maintenance hold, never claimable (docs/manager-api.md §C7.3, §C11.12)', async (t) => {
    if (!target.destructive) return t.skip(NEEDS_DESTRUCTIVE);
    const { id, claims } = await claimAll();
    const deviceId = String((claims[0] as Json).device_id);
    let owner = 'gw0';
    for (let round = 1; round <= 2; round++) {
      const res = await releaseWithCooldown(target, id, deviceId, {
        worker_id: owner,
        reason: 'boom',
        ttl_seconds: ttl,
      });
      const reply = expectOk(res, `cooldown ${round}`);
      assert.equal(reply.status, 'cooldown_set');
      assert.equal((reply.reservation as Json).cooldown_count, round);
      await passTime(target, ttl + 1);
      owner = `again-${round}`;
      const back = await claim(target, id, owner);
      assert.equal(back.device_id, deviceId, `round ${round}: the cooled device comes back`);
    }
    const res = await releaseWithCooldown(target, id, deviceId, {
      worker_id: owner,
      reason: 'boom',
      ttl_seconds: ttl,
    });
    const reply = assertFields(expectOk(res, 'escalation'), ESCALATED_FIELDS, 'maintenance_escalated');
    assert.equal(reply.status, 'maintenance_escalated');
    assert.equal(reply.device_hold, 'maintenance');
    assert.equal(reply.cooldown_count, 3);
    assert.equal(reply.threshold, 3);
    assert.equal(
      reply.device_operational_state,
      'busy',
      'not recomputed on escalation: still busy from the claim',
    );
    const entry = assertReservedDevice(reply.reservation, 'escalated reservation');
    assert.equal(entry.excluded, true);
    assert.equal(entry.excluded_until, null);
    assert.equal(entry.cooldown_remaining_sec, null);
    assert.equal(entry.cooldown_escalated, true);
    assert.equal(entry.cooldown_count, 3);
    assert.equal(entry.exclusion_reason, 'Exceeded cooldown threshold (3/3): boom');
    assert.equal(entry.claimed_by, null);
    assert.equal((await getDevice(target, deviceId)).hold, 'maintenance');
    await passTime(target, ttl + 1);
    expectError(
      await target.api.post(`/api/runs/${id}/claim`, { worker_id: 'late' }),
      'never claimable again',
      noClaimable(null),
    );
    expectOk(await target.api.post(`/api/runs/${id}/complete`), 'complete');
    assert.equal((await getDevice(target, deviceId)).hold, 'maintenance', 'maintenance survives the run');
  });

  it('escalation threshold 0 disables escalation (docs/manager-api.md §C7.3, §C11.12; lab side instance with the setting)', async (t) => {
    if (!target.isLab)
      return t.skip('needs a manager configured with device_cooldown_escalation_threshold 0 (lab only)');
    const side = await openSideLab({ cooldown_escalation_threshold: 0 });
    try {
      const sideTarget: ContractTarget = {
        ...target,
        api: side.api,
        url: side.url,
        apiUrl: `${side.url}/api`,
      };
      const sideRuns = new RunTracker(sideTarget);
      const run = await sideRuns.reserve([requirement()], { heartbeat_timeout_sec: 100_000 });
      const id = String(run.id);
      let deviceId = '';
      for (let round = 1; round <= 4; round++) {
        const c = await claim(sideTarget, id, `w${round}`);
        deviceId ||= String(c.device_id);
        assert.equal(c.device_id, deviceId);
        const reply = expectOk(
          await releaseWithCooldown(sideTarget, id, deviceId, {
            worker_id: `w${round}`,
            reason: 'r',
            ttl_seconds: 5,
          }),
          `cooldown ${round}`,
        );
        assert.equal(reply.status, 'cooldown_set', `round ${round} still a plain cooldown`);
        assert.equal((reply.reservation as Json).cooldown_count, round);
        await passTime(sideTarget, 6);
      }
      await sideRuns.cleanup();
    } finally {
      await side.close();
    }
  });
});
