import type { SessionOutcomeStatus } from '../allocation';
import { GridFleetError } from '../client/errors';

/** Cucumber's test-step result statuses (`Status` of `@cucumber/cucumber`, as strings). */
export type CucumberStatus =
  | 'UNKNOWN'
  | 'PASSED'
  | 'SKIPPED'
  | 'PENDING'
  | 'UNDEFINED'
  | 'AMBIGUOUS'
  | 'FAILED';

/** Statuses that fail a cucumber run (with the default `strict: true`). */
const FAILING: ReadonlySet<string> = new Set(['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN']);

/** Whether a scenario result fails the cucumber run. */
export function isFailingStatus(status: string): boolean {
  return FAILING.has(status);
}

const DEVICE_ERROR_NAMES = new Set([
  'WebDriverError',
  'WebDriverRequestError',
  'WebDriverResponseError',
  'SessionNotCreatedError',
  'NoSuchSessionError',
  'InvalidSessionIdError',
  'UnknownError',
  'TimeoutError',
  'AppiumDriverCreationError',
  // W3C error codes, which webdriverio uses as error names.
  'invalid session id',
  'session not created',
  'unknown error',
]);

const DEVICE_ERROR_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|socket hang up|UND_ERR|invalid session id|Unable to find session|WebDriverError|session (?:is either terminated|not created|deleted|timed out)|no such session|A session is either terminated|WebDriver (?:request|session)|Could not (?:create an Appium session|connect)|instrumentation process is not running|device (?:offline|not found|disconnected)/i;

/**
 * Whether an error is a device-level failure (WebDriver, session or connection error) that deserves a
 * cooldown. Assertion failures never are: the device worked, the app under test did not.
 */
export function isDeviceLevelError(error: unknown): boolean {
  if (error === undefined || error === null) return false;
  const name = error instanceof Error ? error.name : '';
  const ctor = error instanceof Error ? error.constructor?.name : '';
  if (/Assertion/i.test(name) || /Assertion/i.test(ctor ?? '')) return false;
  // A manager error (even a refused connection) says nothing about the device: no cooldown for it.
  if (error instanceof GridFleetError) return false;
  if (DEVICE_ERROR_NAMES.has(name) || DEVICE_ERROR_NAMES.has(ctor ?? '')) return true;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return DEVICE_ERROR_TEXT.test(message);
}

/** What the After pipeline needs to know about how the scenario attempt went. */
export interface AttemptFacts {
  /** Worst cucumber status of the attempt (the After hook's `result.status`). */
  status: string;
  /** The thrown value, when there is one (After hook's `error`). */
  error: unknown;
  /** True when the failure happened before any step ran (a Before hook: device, session, user setup). */
  failedBeforeSteps: boolean;
}

/** The manager session status for an attempt, and whether the device deserves a cooldown. */
export interface SessionVerdict {
  /** Status reported for the session. */
  status: SessionOutcomeStatus;
  /** True for device-level failures (the device gets a cooldown). */
  deviceFailure: boolean;
}

/**
 * Maps a cucumber result to the manager session status (see the table in `src/hooks.ts`).
 */
export function sessionVerdict(facts: AttemptFacts): SessionVerdict {
  const deviceFailure = facts.status !== 'PASSED' && isDeviceLevelError(facts.error);
  if (facts.status === 'PASSED' || facts.status === 'SKIPPED')
    return { status: 'passed', deviceFailure: false };
  if (deviceFailure) return { status: 'error', deviceFailure };
  if (facts.status === 'FAILED' && facts.failedBeforeSteps) return { status: 'error', deviceFailure };
  if (facts.status === 'UNKNOWN') return { status: 'error', deviceFailure };
  return { status: 'failed', deviceFailure };
}
