import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { exchange } from '../../test/client/fixtures/transcript';
import { mapErrorResponse, parseRetryAfterHeader } from './error_mapping';
import {
  GridFleetApiError,
  GridFleetTransportError,
  NoClaimableDevicesError,
  ReserveCapabilitiesUnsupportedError,
  redactUrl,
  UnknownIncludeError,
} from './errors';

const RUN = 'd105a5f4-7bf9-4864-9f4c-f9ba47f53f41';

function mapRecorded(n: number): Error {
  const recorded = exchange(n);
  return mapErrorResponse(
    { status: recorded.status, body: recorded.body, headers: recorded.headers },
    { method: recorded.method, url: `http://127.0.0.1:8000${recorded.path}`, runId: RUN },
  );
}

function envelope(status: number, code: string, message: string, details?: unknown): Error {
  const error: Record<string, unknown> = { code, message, request_id: 'R' };
  if (details !== undefined) error.details = details;
  return mapErrorResponse(
    { status, body: { error }, headers: { 'x-request-id': 'R' } },
    { method: 'POST', url: 'http://h/api/runs', runId: RUN },
  );
}

describe('recorded error bodies map to the right type', () => {
  test('#23 no-claimable 409 → NoClaimableDevicesError with run, retry_after_sec, header and null next_available_at', () => {
    const error = mapRecorded(23);
    assert.ok(error instanceof NoClaimableDevicesError);
    assert.equal(error.runId, RUN);
    assert.equal(error.retryAfterSec, 5);
    assert.equal(error.retryAfterHeaderSec, 5);
    assert.equal(error.nextAvailableAt, null);
    assert.equal(error.requestId, exchange(23).headers['x-request-id']);
    assert.match(error.message, new RegExp(RUN));
  });

  test('#31 no-claimable 409 during a cooldown carries next_available_at (+00:00)', () => {
    const error = mapRecorded(31);
    assert.ok(error instanceof NoClaimableDevicesError);
    assert.match(error.nextAvailableAt ?? '', /\+00:00$/);
  });

  test('#14 include=capabilities on reserve → ReserveCapabilitiesUnsupportedError', () => {
    const error = mapRecorded(14);
    assert.ok(error instanceof ReserveCapabilitiesUnsupportedError);
    assert.match(error.message, /include=capabilities is not supported on reserve/);
    assert.ok(error.requestId);
  });

  const plain: ReadonlyArray<[number, number, string, RegExp]> = [
    [13, 409, 'CONFLICT', /Not enough devices/],
    [18, 409, 'CONFLICT', /Cannot signal ready from state 'ready'/],
    [26, 409, 'CONFLICT', /is claimed by another worker/],
    [28, 409, 'CONFLICT', /is not claimed/],
    [32, 422, 'VALIDATION_ERROR', /ttl_seconds must be <= 3600/],
    [36, 404, 'NOT_FOUND', /Run not found/],
    [43, 404, 'NOT_FOUND', /Session not found/],
    [48, 409, 'CONFLICT', /not actively reserved/],
    [50, 409, 'CONFLICT', /terminal state 'completed'/],
    [56, 409, 'CONFLICT', /already in terminal state 'cancelled'/],
  ];
  for (const [n, status, code, message] of plain) {
    test(`#${n} → GridFleetApiError ${status} ${code}`, () => {
      const error = mapRecorded(n);
      assert.ok(error instanceof GridFleetApiError, error.name);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.match(error.serverMessage, message);
      assert.equal(error.requestId, exchange(n).headers['x-request-id']);
      assert.equal(error.method, exchange(n).method);
      assert.match(error.url, /^http:\/\/127\.0\.0\.1:8000\/api\//);
      assert.match(error.message, message);
    });
  }

  test('#6 framework 404 {"detail":"Not Found"} → GridFleetApiError with code null and legacyDetail', () => {
    const error = mapRecorded(6);
    assert.ok(error instanceof GridFleetApiError);
    assert.equal(error.status, 404);
    assert.equal(error.code, null);
    assert.equal(error.legacyDetail, 'Not Found');
    assert.equal(error.requestId, exchange(6).headers['x-request-id']);
  });
});

describe('docs/manager-api.md §C12 bodies that were not recorded', () => {
  test('unknown_include → UnknownIncludeError with values', () => {
    const error = envelope(422, 'VALIDATION_ERROR', 'Request failed', {
      code: 'unknown_include',
      values: ['caps'],
    });
    assert.ok(error instanceof UnknownIncludeError);
    assert.deepEqual(error.values, ['caps']);
  });

  const rows: ReadonlyArray<[number, string, string]> = [
    [401, 'UNAUTHORIZED', 'Authentication is required'],
    [403, 'FORBIDDEN', 'A valid CSRF token is required'],
    [500, 'INTERNAL_ERROR', 'An unexpected error occurred'],
    [503, 'SHUTTING_DOWN', 'The backend is shutting down and not accepting new requests'],
    [504, 'REQUEST_TIMEOUT', 'The request exceeded the maximum execution time'],
    [409, 'INVALID_TRANSITION', 'Cannot stop from state offline'],
    [502, 'AGENT_UNREACHABLE', 'Agent unreachable'],
    [503, 'CIRCUIT_OPEN', 'Circuit open'],
    [422, 'VALIDATION_ERROR', 'appium-foo'],
  ];
  for (const [status, code, message] of rows) {
    test(`${status} ${code} → GridFleetApiError`, () => {
      const error = envelope(
        status,
        code,
        message,
        code === 'VALIDATION_ERROR' ? { code: 'pack_unavailable', message } : undefined,
      );
      assert.ok(error instanceof GridFleetApiError);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.equal(error.serverMessage, message);
      assert.equal(error.requestId, 'R');
    });
  }

  test('framework 405 {"detail":"Method Not Allowed"} → GridFleetApiError with code null', () => {
    const error = mapErrorResponse(
      { status: 405, body: { detail: 'Method Not Allowed' }, headers: { allow: 'GET' } },
      { method: 'DELETE', url: 'http://h/api/runs' },
    );
    assert.ok(error instanceof GridFleetApiError);
    assert.equal(error.code, null);
    assert.equal(error.serverMessage, 'Method Not Allowed');
  });

  test('schema 422 keeps the issue array in details', () => {
    const issues = [
      { type: 'uuid_parsing', loc: ['path', 'run_id'], msg: 'Input should be a valid UUID', input: 'x' },
    ];
    const error = envelope(422, 'VALIDATION_ERROR', 'Request validation failed', issues);
    assert.ok(error instanceof GridFleetApiError);
    assert.deepEqual(error.details, issues);
  });

  test('no-claimable with a non-integer retry_after_sec falls back to 5', () => {
    const error = envelope(409, 'CONFLICT', 'No unclaimed devices available in this run', {
      error: 'no_claimable_devices',
      retry_after_sec: 'soon',
      next_available_at: null,
    });
    assert.ok(error instanceof NoClaimableDevicesError);
    assert.equal(error.retryAfterSec, 5);
    assert.equal(error.retryAfterHeaderSec, null);
  });

  test('a 409 without no_claimable details stays a GridFleetApiError; non-JSON bodies are described', () => {
    assert.ok(envelope(409, 'CONFLICT', 'x', { error: 'something_else' }) instanceof GridFleetApiError);
    const html = mapErrorResponse(
      { status: 502, body: '<html>bad gateway</html>', headers: {} },
      { method: 'GET', url: 'http://h/api/x' },
    );
    assert.ok(html instanceof GridFleetApiError);
    assert.equal(html.code, null);
    assert.match(html.message, /502/);
  });
});

describe('helpers', () => {
  test('parseRetryAfterHeader reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfterHeader('5'), 5);
    assert.equal(parseRetryAfterHeader(undefined), null);
    assert.equal(parseRetryAfterHeader('nonsense'), null);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfterHeader('Thu, 01 Jan 2026 00:00:07 GMT', now), 7);
  });

  test('credentials in URLs never reach messages, JSON or inspect output', () => {
    assert.equal(redactUrl('http://user:secret@host:8000/api'), 'http://host:8000/api');
    const api = mapErrorResponse(
      { status: 404, body: { detail: 'Not Found' }, headers: {} },
      { method: 'GET', url: 'http://user:secret@host/api/x' },
    );
    const transport = new GridFleetTransportError({
      method: 'GET',
      url: 'http://user:secret@host/api/x',
      envVar: 'GRIDFLEET_API_URL',
      reason: 'ECONNREFUSED',
      timedOut: false,
    });
    for (const error of [api, transport]) {
      for (const text of [error.message, JSON.stringify(error), inspect(error), String(error.stack)]) {
        assert.ok(!text.includes('secret'), text);
      }
    }
    assert.match(transport.message, /GRIDFLEET_API_URL/);
  });
});
