/**
 * Wire-level assertions shared by every contract test: JSON content type, compact bodies, the
 * `x-request-id` header, `retry-after` only where the contract puts it, and the error envelope.
 */
import assert from 'node:assert/strict';
import type { WireResponse } from './http';

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/**
 * True when `text` has no whitespace outside string literals, i.e. the manager's compact JSON
 * (`separators=(",", ":")`). Whitespace inside strings is data and allowed.
 */
export function isCompactJson(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      return false;
    }
  }
  return true;
}

/** Options for {@link assertJsonWire}. */
export interface WireExpectations {
  /** Whether `retry-after` must be present (only the no-claimable 409). Default: must be absent. */
  retryAfter?: boolean;
  /** Whether `x-request-id` must be present. Default true (the manager omits it only on unhandled 500s). */
  requestId?: boolean;
}

/** Asserts the transport facts every JSON response shares (docs/manager-api.md §C1, §C11.19). */
export function assertJsonWire(res: WireResponse, what: string, expect: WireExpectations = {}): void {
  const contentType = res.headers.get('content-type') ?? '';
  assert.match(contentType, /^application\/json\b/, `${what}: content-type must be application/json`);
  assert.ok(isCompactJson(res.text), `${what}: body must be compact JSON, got ${res.text.slice(0, 200)}`);
  assert.notEqual(res.json, undefined, `${what}: body must parse as JSON`);
  if (expect.requestId ?? true) {
    const requestId = res.headers.get('x-request-id');
    assert.ok(requestId && requestId.length > 0, `${what}: x-request-id header must be present`);
  }
  if (expect.retryAfter) {
    assert.ok(res.headers.get('retry-after') !== null, `${what}: retry-after header must be present`);
  } else {
    assert.equal(
      res.headers.get('retry-after'),
      null,
      `${what}: retry-after must only be on the no-claimable 409`,
    );
  }
}

/** Asserts a successful JSON response with `status` and returns its body as an object. */
export function expectOk(res: WireResponse, what: string, status = 200): Json {
  assert.equal(
    res.status,
    status,
    `${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 400)}`,
  );
  assertJsonWire(res, what);
  assert.ok(isObject(res.json), `${what}: body must be a JSON object`);
  return res.json;
}

/** Asserts a successful JSON response whose body is an array and returns it. */
export function expectOkArray(res: WireResponse, what: string): Json[] {
  assert.equal(res.status, 200, `${what}: expected 200, got ${res.status} ${res.text.slice(0, 400)}`);
  assertJsonWire(res, what);
  assert.ok(Array.isArray(res.json), `${what}: body must be a JSON array`);
  return res.json as Json[];
}

/** What an application error must look like (docs/manager-api.md §C3, §C12). */
export interface ErrorExpectation {
  /** HTTP status. */
  status: number;
  /** `error.code`. */
  code: string;
  /** Exact `error.message`, or a pattern. */
  message: string | RegExp;
  /**
   * Expected `error.details`: `undefined` means the key must be absent; a function receives the
   * details for custom checks; anything else is compared with deep equality.
   */
  details?: unknown;
  /** Whether `retry-after` must be present (only the no-claimable 409). */
  retryAfter?: boolean;
}

/**
 * Asserts an enveloped application error: exactly `{error:{code,message,request_id,details?}}`, no
 * top-level `detail`, `details` omitted when absent, and `request_id` equal to the `x-request-id` header.
 * Returns the `error` object.
 */
export function expectError(res: WireResponse, what: string, expected: ErrorExpectation): Json {
  assert.equal(
    res.status,
    expected.status,
    `${what}: expected ${expected.status}, got ${res.status} ${res.text.slice(0, 400)}`,
  );
  assertJsonWire(res, what, { retryAfter: expected.retryAfter });
  assert.ok(isObject(res.json), `${what}: error body must be an object`);
  assert.deepEqual(Object.keys(res.json), ['error'], `${what}: error body must hold only "error"`);
  const error = res.json.error;
  assert.ok(isObject(error), `${what}: "error" must be an object`);
  const keys = Object.keys(error);
  const wanted =
    expected.details === undefined
      ? ['code', 'message', 'request_id']
      : ['code', 'message', 'request_id', 'details'];
  assert.deepEqual(keys, wanted, `${what}: envelope keys in recorded order (details omitted when absent)`);
  assert.equal(error.code, expected.code, `${what}: error.code`);
  if (typeof expected.message === 'string')
    assert.equal(error.message, expected.message, `${what}: error.message`);
  else assert.match(String(error.message), expected.message, `${what}: error.message`);
  assert.equal(
    error.request_id,
    res.headers.get('x-request-id'),
    `${what}: error.request_id equals x-request-id`,
  );
  if (typeof expected.details === 'function') expected.details(error.details);
  else if (expected.details !== undefined)
    assert.deepEqual(error.details, expected.details, `${what}: error.details`);
  return error;
}

/** Asserts a framework-level (not enveloped) 404/405: `{"detail": "..."}` (docs/manager-api.md §C3). */
export function expectFrameworkError(res: WireResponse, what: string, status: 404 | 405): void {
  assert.equal(
    res.status,
    status,
    `${what}: expected framework ${status}, got ${res.status} ${res.text.slice(0, 300)}`,
  );
  assertJsonWire(res, what);
  assert.deepEqual(
    res.json,
    { detail: status === 404 ? 'Not Found' : 'Method Not Allowed' },
    `${what}: body`,
  );
}

/** Asserts a schema-validation 422 (`"Request validation failed"`) and returns its issue array. */
export function expectValidationIssues(res: WireResponse, what: string): Json[] {
  let issues: Json[] = [];
  expectError(res, what, {
    status: 422,
    code: 'VALIDATION_ERROR',
    message: 'Request validation failed',
    details: (details: unknown) => {
      assert.ok(
        Array.isArray(details) && details.length > 0,
        `${what}: details must be a non-empty issue array`,
      );
      for (const issue of details) {
        assert.ok(isObject(issue), `${what}: each issue is an object`);
        assert.equal(typeof issue.type, 'string', `${what}: issue.type`);
        assert.ok(Array.isArray(issue.loc), `${what}: issue.loc`);
        assert.ok(
          ['body', 'query', 'path'].includes(String((issue.loc as unknown[])[0])),
          `${what}: loc root`,
        );
        assert.equal(typeof issue.msg, 'string', `${what}: issue.msg`);
        assert.ok('input' in issue, `${what}: issue.input present`);
      }
      issues = details as Json[];
    },
  });
  return issues;
}

/** Finds the validation issue at `loc` (compared element by element) or fails naming what exists. */
export function issueAt(issues: Json[], loc: (string | number)[], what: string): Json {
  const found = issues.find((i) => JSON.stringify(i.loc) === JSON.stringify(loc));
  assert.ok(found, `${what}: no issue at ${JSON.stringify(loc)}; issues: ${JSON.stringify(issues)}`);
  return found;
}

/** Type guard for plain JSON objects. */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
