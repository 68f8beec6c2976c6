/**
 * Router era devices and groups (docs/manager-api.md §R3.2, §R3.3, §R3.12; transcript B.8–B.10):
 * DeviceRead shape, `reserved` / `group` filters, retired `status=reserved` and `tags.K=V`, groups.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  expectError,
  expectOk,
  expectOkArray,
  expectValidationIssues,
  issueAt,
  type Json,
} from '../support/wire';
import {
  assertRouterDevice,
  freeDevices,
  NEEDS_ROUTER_ERA,
  openRouterTarget,
  RouterRuns,
  type RouterTarget,
  req,
} from './support';

const UNKNOWN_GROUP = 'zz-contract-no-such-group';

describe('router era: devices and groups (docs/manager-api.md §R3.2, §R3.3, §R3.12)', () => {
  let target: RouterTarget;
  let runs: RouterRuns;
  before(async () => {
    target = await openRouterTarget();
    runs = new RouterRuns(target);
  });
  after(async () => {
    await runs?.cleanup();
    await target?.close();
  });

  it('GET /api/devices: every device in the router-era shape, no hold/tags/telemetry', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const devices = expectOkArray(await target.api.get('/api/devices'), 'devices');
    assert.ok(devices.length > 0, 'the manager has devices');
    for (const [i, d] of devices.entries()) assertRouterDevice(d, `devices[${i}]`);
    const page = expectOk(await target.api.get('/api/devices?limit=1'), 'devices page');
    assert.deepEqual(Object.keys(page), ['items', 'total', 'limit', 'offset']);
    assert.equal(page.total, devices.length);
  });

  it('GET /api/devices/{id}: DeviceDetail adds appium_node and orchestration (null), no sessions', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const [first] = await freeDevices(target, 1);
    const detail = assertRouterDevice(
      expectOk(await target.api.get(`/api/devices/${String(first?.id)}`), 'device detail'),
      'detail',
      true,
    );
    assert.equal(detail.orchestration, null);
    expectError(await target.api.get('/api/devices/00000000-0000-0000-0000-000000000000'), 'missing device', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Device not found',
    });
  });

  it('reserved=true|false follows is_reserved; a reserved device reads unavailable_reason "reserved"', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    await freeDevices(target, 1);
    const run = await runs.reserve([req(1)]);
    const id = String((run.devices as Json[])[0]?.device_id);
    const reserved = expectOkArray(await target.api.get('/api/devices?reserved=true'), 'reserved=true');
    const mine = reserved.find((d) => d.id === id);
    assert.ok(mine, 'the reserved device is listed by reserved=true');
    assert.equal(mine.is_reserved, true);
    assert.equal(mine.operational_state, 'available', 'reserving leaves the operational state alone');
    assert.equal(mine.unavailable_reason, 'reserved');
    assert.equal(mine.allocatable, false);
    assert.equal((mine.reservation as Json).run_id, run.id);
    assert.ok(reserved.every((d) => d.is_reserved === true));
    const free = expectOkArray(await target.api.get('/api/devices?reserved=false'), 'reserved=false');
    assert.ok(free.every((d) => d.is_reserved === false) && !free.some((d) => d.id === id));
    // status filters on the operational state only: available includes the reserved device.
    const available = expectOkArray(await target.api.get('/api/devices?status=available'), 'available');
    assert.ok(available.some((d) => d.id === id));
    await target.api.post(`/api/runs/${String(run.id)}/cancel`);
  });

  it('status=reserved is a 422 (enum of operational states)', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const issues = expectValidationIssues(
      await target.api.get('/api/devices?status=reserved'),
      'status=reserved',
    );
    assert.equal(issueAt(issues, ['query', 'status'], 'status issue').type, 'enum');
  });

  it('tags.K=V is ignored: the same list as without it', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const all = expectOkArray(await target.api.get('/api/devices'), 'all');
    const tagged = expectOkArray(await target.api.get('/api/devices?tags.team=nobody-has-this'), 'tags');
    assert.deepEqual(
      tagged.map((d) => d.id),
      all.map((d) => d.id),
    );
  });

  it('group filters: unknown key 422 "unknown device groups: …", malformed key 422 pattern', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    expectError(
      await target.api.get(`/api/devices?group=${UNKNOWN_GROUP}&group=${UNKNOWN_GROUP}-2`),
      'unknown groups',
      {
        status: 422,
        code: 'VALIDATION_ERROR',
        message: `unknown device groups: ${UNKNOWN_GROUP}, ${UNKNOWN_GROUP}-2`,
      },
    );
    const issues = expectValidationIssues(
      await target.api.get('/api/devices?group=Bad_Key'),
      'malformed key',
    );
    assert.equal(issueAt(issues, ['query', 'group', 0], 'group issue').type, 'string_pattern_mismatch');
  });

  it('device groups: list, detail with members (nulls dropped), repeated group= is ANDed, 404', async (t) => {
    if (!target.routerEra) return t.skip(NEEDS_ROUTER_ERA);
    const groups = expectOkArray(await target.api.get('/api/device-groups'), 'device groups');
    for (const g of groups) {
      for (const key of ['key', 'name', 'group_type', 'created_at', 'updated_at', 'device_count']) {
        assert.ok(key in g, `group ${String(g.key)} has ${key}`);
      }
      assert.ok(!Object.values(g).includes(null), 'null fields are dropped');
    }
    const withMembers = groups.filter((g) => Number(g.device_count) > 0);
    if (withMembers.length === 0) return t.skip('the target has no device group with members');
    const key = String(withMembers[0]?.key);
    const detail = expectOk(await target.api.get(`/api/device-groups/${key}`), `group ${key}`);
    const members = detail.devices as Json[];
    assert.equal(members.length, detail.device_count);
    for (const m of members)
      assert.ok(!Object.values(m).includes(null), 'null fields dropped in devices too');
    const listed = expectOkArray(await target.api.get(`/api/devices?group=${key}`), `group=${key}`);
    assert.deepEqual(listed.map((d) => d.id).sort(), members.map((d) => d.id).sort());
    if (withMembers.length > 1) {
      const other = String(withMembers[1]?.key);
      const both = expectOkArray(await target.api.get(`/api/devices?group=${key}&group=${other}`), 'both');
      const otherIds = new Set(
        (expectOk(await target.api.get(`/api/device-groups/${other}`), other).devices as Json[]).map(
          (d) => d.id,
        ),
      );
      assert.deepEqual(
        both.map((d) => d.id).sort(),
        members
          .filter((d) => otherIds.has(d.id))
          .map((d) => d.id)
          .sort(),
        'repeated group= is ANDed',
      );
    }
    expectError(await target.api.get(`/api/device-groups/${UNKNOWN_GROUP}`), 'unknown group', {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Group not found',
    });
    expectValidationIssues(await target.api.get('/api/device-groups/Bad_Key'), 'malformed group key');
  });
});
