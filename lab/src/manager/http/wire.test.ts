import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUuid } from './uuid';
import { isoOffset, isoZ, jsonbOrder, pythonJsonDumps } from './wire';

test('timestamps: Z and +00:00 spellings, six fractional digits, none when zero', () => {
  const ms = Date.UTC(2026, 4, 11, 14, 2, 7) + 512.331;
  assert.equal(isoZ(ms), '2026-05-11T14:02:07.512331Z');
  assert.equal(isoOffset(ms), '2026-05-11T14:02:07.512331+00:00');
  assert.equal(isoZ(Date.UTC(2026, 4, 11, 14, 2, 7)), '2026-05-11T14:02:07Z');
});

test('JSONB key order: shorter keys first, then bytewise, recursively', () => {
  const out = jsonbOrder({ account: { user: 'a', pin: '1' }, locale: 'de', flags: ['b'] });
  assert.equal(JSON.stringify(out), '{"flags":["b"],"locale":"de","account":{"pin":"1","user":"a"}}');
});

test('Python json.dumps text used for size limits', () => {
  assert.equal(pythonJsonDumps({ a: [1, 'é'], b: null }), '{"a": [1, "\\u00e9"], "b": null}');
  assert.equal(
    pythonJsonDumps({ b: 1, a: { d: true, c: 2.5 } }, true, true),
    '{"a":{"c":2.5,"d":true},"b":1}',
  );
});

test('UUID parsing accepts the forms pydantic accepts and explains failures like it', () => {
  assert.deepEqual(parseUuid('3F2B8C1E-9D4A-4E7B-8A61-2C5D9E0F1A7B'), {
    ok: true,
    value: '3f2b8c1e-9d4a-4e7b-8a61-2c5d9e0f1a7b',
  });
  assert.deepEqual(parseUuid('3f2b8c1e9d4a4e7b8a612c5d9e0f1a7b'), {
    ok: true,
    value: '3f2b8c1e-9d4a-4e7b-8a61-2c5d9e0f1a7b',
  });
  assert.deepEqual(parseUuid('not-a-uuid'), { ok: false, error: 'invalid character: found `n` at 1' });
  assert.deepEqual(parseUuid('null'), { ok: false, error: 'invalid character: found `n` at 1' });
  assert.deepEqual(parseUuid('abc'), {
    ok: false,
    error: 'invalid length: expected length 32 for simple format, found 3',
  });
  assert.deepEqual(parseUuid('abc-def'), { ok: false, error: 'invalid group count: expected 5, found 2' });
  assert.deepEqual(parseUuid('3f2b8c1-e9d4a-4e7b-8a61-2c5d9e0f1a7b'), {
    ok: false,
    error: 'invalid group length in group 0: expected 8, found 7',
  });
});
