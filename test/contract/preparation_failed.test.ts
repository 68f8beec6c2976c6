/**
 * Contract: preparation failure — permanent exclusion with the trimmed message, claim left in place,
 * device to maintenance + unhealthy (+ offline when it was available), run state unchanged, and the
 * 409 checks (docs/manager-api.md §C6.6, §C11.13, §C12). Destructive on a real manager (devices end in maintenance).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { conflict, noClaimable } from './support/expected_errors';
import {
  claim,
  eligibleDevices,
  entryOf,
  getDevice,
  getRun,
  MISSING_UUID,
  RunTracker,
  requirement,
} from './support/fixtures';
import { assertOffset, assertRun } from './support/shapes';
import { type ContractTarget, NEEDS_DESTRUCTIVE, openTarget } from './support/target';
import { expectError, expectOk, expectValidationIssues, type Json } from './support/wire';

describe('preparation-failed', () => {
  let target: ContractTarget;
  let runs: RunTracker;
  before(async () => {
    target = await openTarget();
    runs = new RunTracker(target);
  });
  afterEach(async () => runs.cleanup());
  after(async () => target?.close());

  const report = (runId: string, deviceId: string, body: unknown) =>
    target.api.post(`/api/runs/${runId}/devices/${deviceId}/preparation-failed`, body);

  it('checks: missing run, terminal run, device not reserved, blank message, schema (docs/manager-api.md §C6.6, §C12)', async () => {
    await eligibleDevices(target, 1);
    const run = await runs.reserve([requirement()]);
    const id = String(run.id);
    const deviceId = String((run.devices as Json[])[0]?.device_id);
    expectError(
      await report(MISSING_UUID, deviceId, { message: 'x' }),
      'run missing',
      conflict('Run not found'),
    );
    expectError(
      await report(id, MISSING_UUID, { message: 'x' }),
      'device not in run',
      conflict('Device is not actively reserved by this run'),
    );
    expectError(
      await report(id, deviceId, { message: '   ' }),
      'blank message',
      conflict('Preparation failure message is required'),
    );
    const missing = expectValidationIssues(await report(id, deviceId, { source: 'ci' }), 'no message');
    assert.ok(
      missing.some((i) => i.type === 'missing' && JSON.stringify(i.loc) === '["body","message"]'),
      JSON.stringify(missing),
    );
    assert.equal(
      expectValidationIssues(await report(id, deviceId, { message: 'x', extra: 1 }), 'extra key')[0]?.type,
      'extra_forbidden',
    );
    const malformed = expectValidationIssues(
      await report(id, 'not-a-uuid', { message: 'x' }),
      'malformed device id',
    );
    assert.deepEqual(malformed[0]?.loc, ['path', 'device_id']);
    expectOk(await target.api.post(`/api/runs/${id}/cancel`), 'cancel');
    expectError(
      await report(id, deviceId, { message: 'x' }),
      'terminal run',
      conflict("Cannot report preparation failure for terminal run 'cancelled'"),
    );
  });

  it('excludes the entry for good, sends the device to maintenance/unhealthy/offline, leaves the run alone (docs/manager-api.md §C6.6)', async (t) => {
    if (!target.destructive) return t.skip(NEEDS_DESTRUCTIVE);
    await eligibleDevices(target, 2);
    const run = await runs.reserve([requirement(2)], { created_by: 'contract' });
    const id = String(run.id);
    const name = String(run.name);
    const claimed = await claim(target, id, 'gw0');
    const failed = String((run.devices as Json[]).find((d) => d.device_id !== claimed.device_id)?.device_id);

    const message = 'adb install failed: INSTALL_FAILED_INSUFFICIENT_STORAGE';
    const read = assertRun(
      expectOk(await report(id, failed, { message: `  ${message}  `, source: 'ci_preparation' }), 'report'),
      'RunRead',
    );
    assert.equal('devices' in read, false, 'reply is a plain RunRead');
    assert.equal(read.state, 'preparing', 'run state unchanged');
    const entry = entryOf(read, failed);
    assert.equal(entry.excluded, true);
    assert.equal(entry.exclusion_reason, message, 'trimmed message is the reason');
    assertOffset(entry.excluded_at, 'excluded_at');
    assert.equal(entry.excluded_until, null);
    assert.equal(entry.cooldown_remaining_sec, null);
    assert.equal(entry.cooldown_count, 0);
    assert.equal(entry.cooldown_escalated, false);

    const device = await getDevice(target, failed);
    assert.equal(device.hold, 'maintenance');
    assert.equal(device.operational_state, 'offline', 'an available device goes offline at once');
    const health = device.health_summary as Json;
    assert.equal(health.healthy, false);
    assert.ok(
      String(health.summary).startsWith(message),
      `summary starts with the message: ${health.summary}`,
    );
    assertOffset(health.last_checked_at, 'health_summary.last_checked_at');
    assert.equal(device.needs_attention, true);
    const policy = device.lifecycle_policy_summary as Json;
    assert.deepEqual(
      [policy.state, policy.label, policy.detail],
      ['excluded', 'Excluded', `Excluded from ${name}`],
    );
    assert.equal((device.reservation as Json).excluded, true);

    const chip = async (status: string) =>
      (expectOk(await target.api.get(`/api/devices?status=${status}&limit=500`), status).items as Json[]).map(
        (d) => d.id,
      );
    assert.ok((await chip('maintenance')).includes(failed), 'status=maintenance lists it');
    assert.ok(!(await chip('offline')).includes(failed), 'status=offline needs no hold');
    const sibling = await getDevice(target, String(claimed.device_id));
    assert.equal(sibling.hold, 'reserved', 'siblings stay reserved');
    expectError(
      await target.api.post(`/api/runs/${id}/claim`, { worker_id: 'gw1' }),
      'excluded never claimable',
      noClaimable(null),
    );

    // A claimed entry keeps its claim; a busy device stays busy.
    const onClaimed = expectOk(
      await report(id, String(claimed.device_id), { message: 'second failure' }),
      'report on claimed',
    );
    const claimedEntry = entryOf(onClaimed, String(claimed.device_id));
    assert.equal(claimedEntry.excluded, true);
    assert.equal(claimedEntry.claimed_by, 'gw0', 'the claim on the entry is left in place');
    assert.equal(claimedEntry.claimed_at, claimed.claimed_at);
    const claimedDevice = await getDevice(target, String(claimed.device_id));
    assert.equal(claimedDevice.operational_state, 'busy', 'a busy device stays busy');
    assert.equal(claimedDevice.hold, 'maintenance');

    // Repeating overwrites the reason.
    const repeated = expectOk(await report(id, failed, { message: 'other reason' }), 'repeat');
    assert.equal(entryOf(repeated, failed).exclusion_reason, 'other reason');

    expectOk(await target.api.post(`/api/runs/${id}/complete`), 'complete');
    const after = await getDevice(target, failed);
    assert.equal(after.hold, 'maintenance', 'maintenance survives the run');
    assert.equal(after.reservation, null);
    assert.equal((after.lifecycle_policy_summary as Json).state, 'suppressed');
    const ended = await getRun(target, id);
    assert.equal(
      entryOf(ended, String(claimed.device_id)).claimed_by,
      null,
      'claims cleared when the run ends',
    );
  });
});
