import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GridFleetClient } from '../../client/client';
import { silentLogger } from '../../client/logger';
import type { ReservedDevice } from '../../client/schemas/reserved_device';
import type { AllocationRun } from '../strategy';
import { routerMessage } from './router_messages';
import { RouterRunAllocation } from './router_run_allocation';

const device = (id: string, released = false): ReservedDevice =>
  ({
    device_id: id,
    platform_id: 'android_mobile',
    released_at: released ? '2026-01-01T00:00:00+00:00' : null,
  }) as ReservedDevice;

function runLevel(runs: AllocationRun[], closing = () => false): RouterRunAllocation {
  const client = { listDeviceGroups: async () => [{ key: 'qa-lab' }] } as unknown as GridFleetClient;
  return new RouterRunAllocation({ client, closing, logger: silentLogger, runs });
}

const owned = (devices: ReservedDevice[]): AllocationRun => ({
  runId: 'r1',
  runName: 'run',
  owned: true,
  devices,
});

/** Lets every pending promise callback run (no timers involved). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function slot(level: RouterRunAllocation, slotId: string, state: { granted: string[] }) {
  const reply = await level.handle(routerMessage({ kind: 'router-slot', runId: 'r1', slotId }));
  state.granted.push(slotId);
  return reply;
}

describe('router run level: held scenarios are woken when a session ends', () => {
  test('with every device busy a scenario is held, and the slot given back wakes the oldest one', async () => {
    const level = runLevel([owned([device('d1'), device('d2', true)])]);
    const state = { granted: [] as string[] };
    const first = await slot(level, 'a', state);
    assert.deepEqual(first.message, { kind: 'router-slot-granted', held: false });
    const second = slot(level, 'b', state);
    const third = slot(level, 'c', state);
    await settle();
    assert.deepEqual(state.granted, ['a'], 'the released device does not count; b and c wait');
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'a' }));
    assert.deepEqual((await second).message, { kind: 'router-slot-granted', held: true });
    await settle();
    assert.deepEqual(state.granted, ['a', 'b'], 'one slot back wakes exactly one waiter, the oldest');
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'b' }));
    await third;
    assert.deepEqual(state.granted, ['a', 'b', 'c']);
  });

  test('a waiter that gives up is dropped from the queue (its wake goes to the next one)', async () => {
    const level = runLevel([owned([device('d1')])]);
    const state = { granted: [] as string[] };
    await slot(level, 'a', state);
    const dropped = slot(level, 'b', state);
    const next = slot(level, 'c', state);
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'b' }));
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'a' }));
    await next;
    assert.deepEqual(state.granted, ['a', 'c']);
    void dropped;
  });

  test('a joined run (other shards use it too) is never held: the router queue decides', async () => {
    const level = runLevel([{ runId: 'r1', runName: 'shared', owned: false, devices: [device('d1')] }]);
    const state = { granted: [] as string[] };
    await slot(level, 'a', state);
    await slot(level, 'b', state);
    assert.deepEqual(state.granted, ['a', 'b']);
  });

  test('a device that left the run lowers the count; shutting down refuses new slots', async () => {
    let closing = false;
    const level = runLevel([owned([device('d1'), device('d2')])], () => closing);
    const state = { granted: [] as string[] };
    await slot(level, 'a', state);
    await slot(level, 'b', state);
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'a', deviceLeft: true }));
    const held = slot(level, 'c', state);
    await settle();
    assert.deepEqual(state.granted, ['a', 'b'], 'one device left: c waits for b');
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'b' }));
    await held;
    closing = true;
    const refused = await level.handle(routerMessage({ kind: 'router-slot', runId: 'r1', slotId: 'd' }));
    assert.match(refused.error ?? '', /shutting down/);
  });

  test('sessions started and not given back are the leftovers; run info carries devices and groups', async () => {
    const level = runLevel([owned([device('d1')])]);
    const session = { runId: 'r1', sessionId: 's1', deviceId: 'd1' };
    await level.handle(routerMessage({ kind: 'router-session-started', slotId: 'a', session }));
    assert.deepEqual(level.leftovers(), { count: 1, plan: { sessions: [session] } });
    await level.handle(routerMessage({ kind: 'router-slot-free', slotId: 'a' }));
    assert.equal(level.leftovers().count, 0);
    const info = await level.handle(routerMessage({ kind: 'router-runs' }));
    assert.equal(info.message?.kind, 'router-runs-info');
    assert.deepEqual(info.message?.groups, ['qa-lab']);
  });
});
