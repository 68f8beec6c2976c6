/**
 * Self-test of the contract assertions: each helper must reject the deviations it exists to catch,
 * otherwise a lenient helper would make the whole suite pass vacuously.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WireResponse } from './http';
import { assertFields, assertOffset, assertZ } from './shapes';
import { rootFromApiUrl } from './target';
import { expectError, expectFrameworkError, isCompactJson } from './wire';

/** Builds a response as it would arrive over the wire. */
function wire(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  text?: string,
): WireResponse {
  const raw = text ?? JSON.stringify(body);
  return {
    status,
    headers: new Headers({ 'content-type': 'application/json', 'x-request-id': 'rid-1', ...headers }),
    text: raw,
    json: JSON.parse(raw),
  };
}

const notFound = { status: 404, code: 'NOT_FOUND', message: 'Run not found' };
const envelope = { error: { code: 'NOT_FOUND', message: 'Run not found', request_id: 'rid-1' } };

describe('contract assertion helpers', () => {
  it('isCompactJson accepts compact JSON and whitespace inside strings only', () => {
    assert.equal(isCompactJson('{"a":[1,2],"b":"x y"}'), true);
    assert.equal(isCompactJson('{"a": 1}'), false);
    assert.equal(isCompactJson('{"a":1}\n'), false);
    assert.equal(isCompactJson('{"a":"q\\" b"}'), true);
  });

  it('expectError accepts the exact envelope', () => {
    expectError(wire(404, envelope), 'ok', notFound);
  });

  it('expectError rejects each envelope deviation', () => {
    const bad: [string, WireResponse][] = [
      ['wrong status', wire(409, envelope)],
      ['details present', wire(404, { error: { ...envelope.error, details: null } })],
      ['top-level detail', wire(404, { ...envelope, detail: 'x' })],
      ['request id mismatch', wire(404, { error: { ...envelope.error, request_id: 'other' } })],
      ['no x-request-id', wire(404, envelope, { 'x-request-id': '' })],
      ['retry-after present', wire(404, envelope, { 'retry-after': '5' })],
      ['pretty JSON', wire(404, envelope, {}, JSON.stringify(envelope, null, 2))],
      ['text content type', wire(404, envelope, { 'content-type': 'text/plain' })],
      ['wrong message', wire(404, { error: { ...envelope.error, message: 'Not found' } })],
      [
        'reordered envelope',
        wire(404, { error: { message: 'Run not found', code: 'NOT_FOUND', request_id: 'rid-1' } }),
      ],
    ];
    for (const [label, res] of bad)
      assert.throws(() => expectError(res, label, notFound), assert.AssertionError, label);
    assert.throws(() =>
      expectError(wire(404, envelope), 'missing details', { ...notFound, details: { a: 1 } }),
    );
  });

  it('expectFrameworkError rejects an enveloped 404', () => {
    expectFrameworkError(wire(404, { detail: 'Not Found' }), 'ok', 404);
    assert.throws(() => expectFrameworkError(wire(404, envelope), 'enveloped', 404), assert.AssertionError);
  });

  it('assertFields rejects omitted and extra fields', () => {
    assertFields({ a: null, b: 1 }, ['a', 'b'], 'ok');
    assert.throws(() => assertFields({ b: 1 }, ['a', 'b'], 'omitted'), assert.AssertionError);
    assert.throws(() => assertFields({ a: 1, b: 1, c: 1 }, ['a', 'b'], 'extra'), assert.AssertionError);
    assertFields({ a: 1, b: 1 }, ['b', 'a'], 'order ignored by default');
    assert.throws(() => assertFields({ a: 1, b: 1 }, ['b', 'a'], 'ordered', true), assert.AssertionError);
  });

  it('timestamp spellings are told apart', () => {
    assertZ('2026-11-26T20:23:09.073216Z', 'z');
    assertZ('2026-11-26T20:23:09Z', 'z without fraction');
    assertOffset('2026-11-26T20:23:09.073216+00:00', 'offset');
    assert.throws(() => assertZ('2026-11-26T20:23:09.073216+00:00', 'offset as Z'), assert.AssertionError);
    assert.throws(() => assertOffset('2026-11-26T20:23:09.073216Z', 'Z as offset'), assert.AssertionError);
    assert.throws(() => assertZ(null, 'null not allowed'), assert.AssertionError);
    assertZ(null, 'nullable', true);
  });

  it('GRIDFLEET_API_URL must include /api', () => {
    assert.equal(rootFromApiUrl('http://localhost:8000/api'), 'http://localhost:8000');
    assert.equal(rootFromApiUrl('http://h:1/prefix/api/'), 'http://h:1/prefix');
    assert.throws(() => rootFromApiUrl('http://localhost:8000'), /must end with \/api/);
    assert.throws(() => rootFromApiUrl('localhost:8000/api'), /http\(s\) URL/);
  });
});
