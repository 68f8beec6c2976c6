/**
 * Contract: device test_data — GET/PUT/PATCH, deep merge, null stored, arrays replaced, object root,
 * 64 KiB request-body limit, history (docs/manager-api.md §C4.7, §C11.16). On a real manager the original data is restored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eligibleDevices, MISSING_UUID } from './support/fixtures';
import { assertFields, assertZ, UUID } from './support/shapes';
import { type ContractTarget, openTarget } from './support/target';
import { expectError, expectOk, expectOkArray, expectValidationIssues, type Json } from './support/wire';

/** Python `json.dumps` default separators with ASCII escaping, as the manager measures the body. */
function pythonJsonLength(value: unknown): number {
  const spaced = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(spaced).join(', ')}]`;
    if (v !== null && typeof v === 'object') {
      return `{${Object.entries(v)
        .map(([k, x]) => `${ascii(JSON.stringify(k))}: ${spaced(x)}`)
        .join(', ')}}`;
    }
    return ascii(JSON.stringify(v));
  };
  const ascii = (s: string): string =>
    s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.byteLength(spaced(value));
}

describe('device test_data', () => {
  let target: ContractTarget;
  let deviceId: string;
  let original: Json;
  const path = () => `/api/devices/${deviceId}/test_data`;

  before(async () => {
    target = await openTarget();
    const [device] = await eligibleDevices(target, 1);
    deviceId = String(device?.id);
    original = expectOk(await target.api.get(path()), 'GET test_data');
  });
  after(async () => {
    if (deviceId && original) await target.api.put(path(), original);
    await target?.close();
  });

  it('GET returns the stored object; PUT replaces it entirely (docs/manager-api.md §C4.7)', async () => {
    const body = { account: { user: 'contract', pin: '0000' }, flags: ['beta'] };
    assert.deepEqual(expectOk(await target.api.put(path(), body), 'PUT'), body);
    assert.deepEqual(expectOk(await target.api.get(path()), 'GET after PUT'), body);
    assert.deepEqual(expectOk(await target.api.put(path(), { only: 1 }), 'PUT again'), { only: 1 });
    assert.deepEqual(expectOk(await target.api.put(path(), {}), 'PUT {}'), {});
  });

  it('PATCH deep-merges objects, replaces arrays and scalars, stores null (docs/manager-api.md §C4.7)', async () => {
    await target.api.put(path(), {
      flags: ['beta'],
      account: { pin: '0000', user: 'qa-a2' },
      keep: 'me',
      gone: 1,
    });
    const merged = expectOk(
      await target.api.patch(path(), {
        account: { pin: '9999', extra: { deep: true } },
        locale: 'de_DE',
        flags: ['x'],
        gone: null,
      }),
      'PATCH',
    );
    const expected = {
      flags: ['x'],
      account: { pin: '9999', user: 'qa-a2', extra: { deep: true } },
      keep: 'me',
      locale: 'de_DE',
      gone: null,
    };
    assert.deepEqual(merged, expected);
    assert.deepEqual(expectOk(await target.api.get(path()), 'GET after PATCH'), expected);
    const replaced = expectOk(await target.api.patch(path(), { account: 'flat' }), 'PATCH object→scalar');
    assert.equal(replaced.account, 'flat');
    const again = expectOk(await target.api.patch(path(), { account: { a: 1 } }), 'PATCH scalar→object');
    assert.deepEqual(again.account, { a: 1 });
  });

  it('the root must be an object: dict_type issue at ["body"] (docs/manager-api.md §C4.7, §C12)', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const res = await target.api.request(method, path(), { body: ['not', 'an', 'object'] });
      const issues = expectValidationIssues(res, `${method} array root`);
      assert.deepEqual(issues, [
        {
          type: 'dict_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary',
          input: ['not', 'an', 'object'],
        },
      ]);
    }
    const scalar = expectValidationIssues(
      await target.api.request('PUT', path(), { rawBody: '"text"' }),
      'PUT string root',
    );
    assert.equal(scalar[0]?.type, 'dict_type');
  });

  it('the 64 KiB limit applies to the re-serialised request body (docs/manager-api.md §C4.7, §C12)', async () => {
    const exact = { blob: 'a'.repeat(65536 - 12) };
    assert.equal(pythonJsonLength(exact), 65536);
    expectOk(await target.api.put(path(), exact), 'PUT exactly 65536 bytes');
    const over = { blob: 'a'.repeat(65536 - 11) };
    const issues = expectValidationIssues(await target.api.put(path(), over), 'PUT 65537 bytes');
    assert.deepEqual(issues, [
      {
        type: 'value_error',
        loc: ['body'],
        msg: 'Value error, test_data payload exceeds 65536 bytes (got 65537)',
        input: over,
        ctx: { error: {} },
      },
    ]);
    // Compact JSON under the limit, but the manager measures with ", " / ": " separators.
    const spaced = { list: new Array(25000).fill(0) };
    const size = pythonJsonLength(spaced);
    assert.ok(JSON.stringify(spaced).length < 65536 && size > 65536);
    const spacedIssues = expectValidationIssues(
      await target.api.patch(path(), spaced),
      'PATCH spaced > limit',
    );
    assert.equal(spacedIssues[0]?.msg, `Value error, test_data payload exceeds 65536 bytes (got ${size})`);
    // Non-ASCII counts as \uXXXX escapes (6 bytes each).
    const unicode = { t: 'é'.repeat(11000) };
    const unicodeSize = pythonJsonLength(unicode);
    assert.ok(Buffer.byteLength(JSON.stringify(unicode)) < 65536 && unicodeSize > 65536);
    const uIssues = expectValidationIssues(await target.api.put(path(), unicode), 'PUT non-ASCII > limit');
    assert.equal(uIssues[0]?.msg, `Value error, test_data payload exceeds 65536 bytes (got ${unicodeSize})`);
  });

  it('the limit is on the request, not on the merged result (docs/manager-api.md §C4.7)', async () => {
    await target.api.put(path(), { a: 'x'.repeat(60000) });
    const merged = expectOk(
      await target.api.patch(path(), { b: 'y'.repeat(60000) }),
      'PATCH growing past 64 KiB',
    );
    assert.equal((merged.a as string).length, 60000);
    assert.equal((merged.b as string).length, 60000);
  });

  it('every write appends a history row, newest first (docs/manager-api.md §C4.7)', async () => {
    await target.api.put(path(), { step: 1 });
    await target.api.patch(path(), { step: 2 });
    const history = expectOkArray(await target.api.get(`${path()}/history?limit=2`), 'history');
    assert.equal(history.length, 2);
    const [newest, older] = history as [Json, Json];
    for (const row of history) {
      assertFields(
        row,
        ['id', 'previous_test_data', 'new_test_data', 'changed_by', 'changed_at'],
        'history row',
      );
      assert.match(String(row.id), UUID);
      assertZ(row.changed_at, 'history.changed_at');
    }
    assert.deepEqual(newest.previous_test_data, { step: 1 });
    assert.deepEqual(newest.new_test_data, { step: 2 });
    assert.deepEqual(older.new_test_data, { step: 1 });
    if (!target.credentials) assert.equal(newest.changed_by, null, 'changed_by is null with auth disabled');
    assert.ok(Date.parse(String(newest.changed_at)) >= Date.parse(String(older.changed_at)));
  });

  it('an unknown device is 404 "Device not found" (docs/manager-api.md §C4.7)', async () => {
    const notFound = { status: 404, code: 'NOT_FOUND', message: 'Device not found' };
    expectError(await target.api.get(`/api/devices/${MISSING_UUID}/test_data`), 'GET missing', notFound);
    expectError(await target.api.put(`/api/devices/${MISSING_UUID}/test_data`, {}), 'PUT missing', notFound);
    expectError(
      await target.api.patch(`/api/devices/${MISSING_UUID}/test_data`, {}),
      'PATCH missing',
      notFound,
    );
  });
});
