import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { z } from 'zod';
import { exchange } from '../../../test/client/fixtures/transcript';
import {
  claimResponseSchema,
  cooldownResultSchema,
  deviceDetailSchema,
  deviceListResponseSchema,
  driverPackCatalogSchema,
  enabledPacks,
  heartbeatResponseSchema,
  isTerminalRunState,
  jsonObjectSchema,
  releaseResponseSchema,
  runCreateResponseSchema,
  runDetailSchema,
  runReadSchema,
  runStateSchema,
  sessionSchema,
  timestampSchema,
} from './index';

// Transcript section → schema of its 2xx body (every success body the client reads).
const CASES: ReadonlyArray<[number, z.ZodType]> = [
  [3, driverPackCatalogSchema],
  [4, deviceListResponseSchema],
  [7, jsonObjectSchema],
  [8, jsonObjectSchema],
  [9, jsonObjectSchema],
  [12, runCreateResponseSchema],
  [15, runDetailSchema],
  [16, deviceDetailSchema],
  [17, runReadSchema],
  [19, runReadSchema],
  [20, claimResponseSchema],
  [21, claimResponseSchema],
  [22, claimResponseSchema],
  [24, deviceDetailSchema],
  [25, runDetailSchema],
  [27, releaseResponseSchema],
  [29, claimResponseSchema],
  [30, cooldownResultSchema],
  [33, runDetailSchema],
  [34, claimResponseSchema],
  [35, heartbeatResponseSchema],
  [37, sessionSchema],
  [38, sessionSchema],
  [39, sessionSchema],
  [40, sessionSchema],
  [41, sessionSchema],
  [42, sessionSchema],
  [45, runDetailSchema],
  [46, runReadSchema],
  [47, deviceDetailSchema],
  [49, runReadSchema],
  [51, heartbeatResponseSchema],
  [52, deviceListResponseSchema],
  [53, runCreateResponseSchema],
  [54, claimResponseSchema],
  [55, runReadSchema],
];

describe('schemas parse every recorded claim-era success body', () => {
  for (const [n, schema] of CASES) {
    const recorded = exchange(n);
    test(`#${n} ${recorded.method} ${recorded.path.split('?')[0]} (${recorded.title})`, () => {
      const result = schema.safeParse(recorded.body);
      assert.ok(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 1));
    });
  }
});

describe('schema details', () => {
  test('the run list page items parse as RunRead', () => {
    const page = exchange(57).body as { items: unknown[] };
    assert.ok(page.items.length > 0);
    for (const item of page.items) assert.ok(runReadSchema.safeParse(item).success);
  });

  test('timestamps accept Z and +00:00, with and without fractions, and reject other text', () => {
    for (const ok of [
      '2026-05-11T14:02:07.512331Z',
      '2026-05-11T14:02:07.512331+00:00',
      '2026-05-11T14:02:07Z',
      '2026-05-11T14:02:07+00:00',
    ]) {
      assert.ok(timestampSchema.safeParse(ok).success, ok);
    }
    for (const bad of ['2026-05-11', 'yesterday', '2026-05-11 14:02:07']) {
      assert.equal(timestampSchema.safeParse(bad).success, false, bad);
    }
  });

  test('unknown extra fields are kept, a missing required field fails', () => {
    const body = { ...(exchange(35).body as object), brand_new_field: 1 };
    const parsed = heartbeatResponseSchema.parse(body);
    assert.equal((parsed as Record<string, unknown>).brand_new_field, 1);
    const { state: _dropped, ...withoutState } = exchange(35).body as Record<string, unknown>;
    assert.equal(heartbeatResponseSchema.safeParse(withoutState).success, false);
  });

  test('the cooldown union discriminates on status', () => {
    const parsed = cooldownResultSchema.parse(exchange(30).body);
    assert.equal(parsed.status, 'cooldown_set');
    if (parsed.status === 'cooldown_set') assert.equal(typeof parsed.retry_after_sec, 'number');
  });

  test('the paged device list shape parses too', () => {
    const items = exchange(4).body as unknown[];
    const page = deviceListResponseSchema.parse({ items, total: items.length, limit: 50, offset: 0 });
    assert.ok(!Array.isArray(page) && page.items.length === items.length);
  });

  test('enabledPacks keeps only enabled packs', () => {
    const catalog = driverPackCatalogSchema.parse(exchange(3).body);
    const mixed = {
      packs: [...catalog.packs, { ...catalog.packs[0], id: 'off', state: 'disabled' as const }],
    };
    const enabled = enabledPacks(driverPackCatalogSchema.parse(mixed));
    assert.ok(enabled.every((pack) => pack.state === 'enabled'));
    assert.ok(!enabled.some((pack) => pack.id === 'off'));
  });
});

test('isTerminalRunState: the four ended states, and only those', () => {
  assert.deepEqual(runStateSchema.options.filter((state) => isTerminalRunState(state)).sort(), [
    'cancelled',
    'completed',
    'expired',
    'failed',
  ]);
  assert.equal(isTerminalRunState('not-a-state'), false);
});
