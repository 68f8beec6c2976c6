import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyLab } from '../test_support/http';
import { LabClock } from './clock';
import { LabStore } from './store';
import {
  gridStatusParts,
  mintTicket,
  stopWaiters,
  sweepTickets,
  waitForChange,
  wakeWaiters,
} from './tickets';

function routerStore(): LabStore {
  const lab = tinyLab({ generation: 'router', queue_timeout_sec: 60, ticket_stale_sec: 20 });
  return new LabStore(lab, lab.settings, new LabClock());
}

test('gridStatusParts counts pending and running rows and lists waiting tickets only', () => {
  const store = routerStore();
  const waiting = mintTicket(store, null, [{}]);
  const cancelled = mintTicket(store, null, [{}]);
  cancelled.status = 'cancelled';
  const base = { requested_pack_id: null, requested_platform_id: null, requested_device_type: null };
  for (const [session_id, status] of [
    ['alloc-1', 'pending'],
    ['s-2', 'running'],
    ['s-3', 'passed'],
  ] as const) {
    store.sessions.push({
      ...base,
      id: session_id,
      session_id,
      status,
      test_name: null,
      started_at: 0,
      ended_at: null,
      requested_connection_type: null,
      requested_capabilities: null,
      error_type: null,
      error_message: null,
      run_id: null,
      device_id: null,
    });
  }
  assert.deepEqual(gridStatusParts(store), {
    active_sessions: 2,
    active_session_ids: ['alloc-1', 's-2'],
    queue_size: 1,
    queued_request_ids: [waiting.id],
  });
});

test('sweepTickets expires stale and timed-out tickets, not fresh ones', () => {
  const store = routerStore();
  const old = mintTicket(store, null, [{}]);
  store.clock.advance(15);
  const fresh = mintTicket(store, null, [{}]);
  old.last_polled_at = store.clock.now();
  store.clock.advance(10);
  sweepTickets(store);
  assert.equal(old.status, 'waiting', '10 s since its last poll, 25 s old');
  store.clock.advance(11);
  fresh.last_polled_at = store.clock.now();
  old.last_polled_at = store.clock.now();
  store.clock.advance(25);
  sweepTickets(store);
  assert.equal(old.status, 'expired', 'stale after 25 s without a poll');
  assert.equal(fresh.status, 'expired');
  const young = mintTicket(store, null, [{}]);
  store.clock.advance(61);
  young.last_polled_at = store.clock.now();
  sweepTickets(store);
  assert.equal(young.status, 'expired', 'past the 60 s queue timeout although just polled');
});

/** Whether `promise` has settled once every pending callback ran (no clock involved). */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

test('waitForChange: a freed device wakes a waiting slice, unless allocation_wake_on_release is false', async () => {
  const lab = tinyLab({ generation: 'router' });
  const eager = new LabStore(lab, lab.settings, new LabClock());
  const eagerWait = waitForChange(eager, 60_000);
  wakeWaiters(eager);
  assert.equal(await settled(eagerWait), true, 'the lab shortcut re-tries at once');

  const tickLab = tinyLab({ generation: 'router', allocation_wake_on_release: false });
  const ticking = new LabStore(tickLab, tickLab.settings, new LabClock());
  const tickWait = waitForChange(ticking, 60_000);
  wakeWaiters(ticking);
  assert.equal(await settled(tickWait), false, 'the real manager waits for its next tick');
  stopWaiters(ticking);
  assert.equal(await settled(tickWait), true, 'closing the lab still ends the wait');
});
