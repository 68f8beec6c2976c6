import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GridFleetApiError, GridFleetTransportError } from '../client/errors';
import { isDeviceLevelError, isFailingStatus, sessionVerdict } from './outcome';

class SessionNotCreatedError extends Error {
  override name = 'SessionNotCreatedError';
}

describe('sessionVerdict', () => {
  const cases: Array<[string, unknown, boolean, string, boolean]> = [
    ['PASSED', undefined, false, 'passed', false],
    ['SKIPPED', undefined, false, 'passed', false],
    ['FAILED', new assert.AssertionError({ message: 'expected 1 to equal 2' }), false, 'failed', false],
    [
      'FAILED',
      new Error('function timed out, ensure the promise resolves within 5000 milliseconds'),
      false,
      'failed',
      false,
    ],
    ['FAILED', new SessionNotCreatedError('boom'), false, 'error', true],
    ['FAILED', new Error('connect ECONNREFUSED 127.0.0.1:4723'), false, 'error', true],
    ['FAILED', new Error('invalid session id'), false, 'error', true],
    ['FAILED', new Error('user Before hook broke'), true, 'error', false],
    ['PENDING', undefined, false, 'failed', false],
    ['UNDEFINED', undefined, false, 'failed', false],
    ['AMBIGUOUS', new Error('Multiple step definitions match'), false, 'failed', false],
    ['UNKNOWN', undefined, false, 'error', false],
  ];
  for (const [status, error, failedBeforeSteps, expected, cooldown] of cases) {
    it(`${status} ${error instanceof Error ? `(${error.name}: ${error.message.slice(0, 30)})` : ''}${failedBeforeSteps ? ' in a Before hook' : ''} → ${expected}`, () => {
      const verdict = sessionVerdict({ status, error, failedBeforeSteps });
      assert.equal(verdict.status, expected);
      assert.equal(verdict.deviceFailure, cooldown);
    });
  }
});

describe('isDeviceLevelError', () => {
  it('never treats assertion failures as device failures, even with device words in them', () => {
    assert.equal(isDeviceLevelError(new assert.AssertionError({ message: 'ECONNREFUSED in text' })), false);
  });
  it('recognises a webdriverio error named after the W3C code', () => {
    const e = new Error('WebDriverError: Unable to find session with ID: 1015822b');
    e.name = 'invalid session id';
    assert.equal(isDeviceLevelError(e), true);
  });
  it('does not treat a missing element as a device failure', () => {
    const e = new Error('Can\'t call click on element with selector "~Login" because element wasn\'t found');
    assert.equal(isDeviceLevelError(e), false);
  });
  it('never treats a manager error as a device failure, even a refused connection', () => {
    const refused = new GridFleetTransportError({
      method: 'GET',
      url: 'http://127.0.0.1:9/api/devices/x/test_data',
      envVar: 'GRIDFLEET_API_URL',
      reason: 'connect ECONNREFUSED 127.0.0.1:9',
      timedOut: false,
    });
    assert.match(refused.message, /ECONNREFUSED/);
    assert.equal(isDeviceLevelError(refused), false);
    const apiError = new GridFleetApiError({
      status: 503,
      code: 'SHUTTING_DOWN',
      serverMessage: 'The backend is shutting down',
      requestId: null,
      details: undefined,
      legacyDetail: null,
      method: 'GET',
      url: 'http://manager/api/devices',
    });
    assert.equal(isDeviceLevelError(apiError), false);
  });
  it('recognises webdriver errors by name', () => {
    const e = new Error('x');
    e.name = 'WebDriverError';
    assert.equal(isDeviceLevelError(e), true);
  });
});

describe('isFailingStatus', () => {
  it('matches what fails a strict cucumber run', () => {
    assert.deepEqual(
      ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'].map(isFailingStatus),
      [false, false, true, true, true, true],
    );
  });
});
