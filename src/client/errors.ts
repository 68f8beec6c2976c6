/**
 * Typed errors of the GridFleet client. None of them keeps a reference to the axios error, its
 * request config or its headers, so logging or serialising an error can never leak credentials.
 */

/** Removes `user:password@` from a URL so it is safe to show. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1');
}

/**
 * Base class of every error the package throws on purpose (client, config, Appium helpers, World, run,
 * CLI; `TypeError` stays for misuse): `catch (e) { if (e instanceof GridFleetError) ... }` tells them apart.
 */
export class GridFleetError extends Error {
  /** @param options - `cause`: the error this one wraps. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Plain-object form with only the public, credential-free fields. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...this.publicFields() };
  }

  /** Subclasses list the fields `toJSON` should expose. */
  protected publicFields(): Record<string, unknown> {
    return {};
  }
}

/** Everything known about a failed HTTP exchange. */
export interface ApiFailure {
  /** HTTP status code. */
  readonly status: number;
  /** `error.code` of the manager's envelope, or null for framework bodies such as `{"detail":"Not Found"}`. */
  readonly code: string | null;
  /** `error.message` of the envelope, the legacy `detail` string, or a status-based fallback. */
  readonly serverMessage: string;
  /** `error.request_id`, else the `X-Request-ID` response header, else null. */
  readonly requestId: string | null;
  /** `error.details` (any JSON) or undefined when the envelope has none. */
  readonly details: unknown;
  /** Top-level `detail` string of a framework (or legacy) error body, else null. */
  readonly legacyDetail: string | null;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Full request URL, credentials removed. */
  readonly url: string;
}

/** Any HTTP error answer of the manager that has no more specific error type. */
export class GridFleetApiError extends GridFleetError implements ApiFailure {
  readonly status: number;
  readonly code: string | null;
  readonly serverMessage: string;
  readonly requestId: string | null;
  readonly details: unknown;
  readonly legacyDetail: string | null;
  readonly method: string;
  readonly url: string;

  constructor(failure: ApiFailure) {
    const code = failure.code ?? `HTTP ${failure.status}`;
    const rid = failure.requestId ? ` (request_id ${failure.requestId})` : '';
    super(
      `${failure.method} ${redactUrl(failure.url)} failed: ${failure.status} ${code}: ${failure.serverMessage}${rid}`,
    );
    this.status = failure.status;
    this.code = failure.code;
    this.serverMessage = failure.serverMessage;
    this.requestId = failure.requestId;
    this.details = failure.details;
    this.legacyDetail = failure.legacyDetail;
    this.method = failure.method;
    this.url = redactUrl(failure.url);
  }

  protected override publicFields(): Record<string, unknown> {
    return {
      status: this.status,
      code: this.code,
      serverMessage: this.serverMessage,
      requestId: this.requestId,
      details: this.details,
      legacyDetail: this.legacyDetail,
      method: this.method,
      url: this.url,
    };
  }
}

/** OpenSSL/Node error codes of a rejected server certificate (self-signed, unknown CA, expired, wrong host). */
const TLS_CERT_REASON =
  /SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|CERT_(HAS_EXPIRED|NOT_YET_VALID|UNTRUSTED|REJECTED|SIGNATURE_FAILURE)|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO/;

/** The manager could not be reached (connection refused, DNS failure, timeout, reset, rejected certificate). */
export class GridFleetTransportError extends GridFleetError {
  /** HTTP method, upper case. */
  readonly method: string;
  /** The URL that could not be reached, credentials removed. */
  readonly url: string;
  /** The environment variable that configures the base URL. */
  readonly envVar: string;
  /** Low-level reason, e.g. `ECONNREFUSED` or `timeout after 10000 ms`. */
  readonly reason: string;
  /** True when the request timed out (the manager may still have processed it). */
  readonly timedOut: boolean;

  constructor(options: { method: string; url: string; envVar: string; reason: string; timedOut: boolean }) {
    const url = redactUrl(options.url);
    super(
      TLS_CERT_REASON.test(options.reason)
        ? `The GridFleet manager's TLS certificate was not accepted: ${options.method} ${url} (${options.reason}). ` +
            'If it is signed by a private CA, point NODE_EXTRA_CA_CERTS at that CA certificate (a PEM file) ' +
            'in the environment that starts node; if the host name does not match the certificate, use the ' +
            `name the certificate was issued for in ${options.envVar}.`
        : `Could not reach the GridFleet manager: ${options.method} ${url} (${options.reason}). ` +
            `Check that the manager is running, or set ${options.envVar} (or the client's baseUrl) to its API URL, ` +
            'e.g. http://manager-host:8000/api.',
    );
    this.method = options.method;
    this.url = url;
    this.envVar = options.envVar;
    this.reason = options.reason;
    this.timedOut = options.timedOut;
  }

  protected override publicFields(): Record<string, unknown> {
    return {
      method: this.method,
      url: this.url,
      envVar: this.envVar,
      reason: this.reason,
      timedOut: this.timedOut,
    };
  }
}

/** One problem found while validating a response body. */
export interface ResponseIssue {
  /** Dotted path of the offending field, e.g. `devices[0].device_id` (`(root)` for the body itself). */
  readonly path: string;
  /** What was wrong. */
  readonly message: string;
}

/** A 2xx response whose body does not match the documented shape. */
export class ResponseValidationError extends GridFleetError {
  /** Endpoint label, e.g. `POST /runs/{run_id}/claim`. */
  readonly endpoint: string;
  /** Full request URL, credentials removed. */
  readonly url: string;
  /** Path of the first offending field. */
  readonly fieldPath: string;
  /** Every issue found. */
  readonly issues: readonly ResponseIssue[];

  constructor(options: { endpoint: string; url: string; issues: readonly ResponseIssue[] }) {
    const first = options.issues[0] ?? { path: '(root)', message: 'invalid body' };
    const more = options.issues.length > 1 ? ` (+${options.issues.length - 1} more)` : '';
    super(
      `Malformed response from ${options.endpoint} (${redactUrl(options.url)}): field ${first.path}: ` +
        `${first.message}${more}. The manager speaks a different API version than this client expects.`,
    );
    this.endpoint = options.endpoint;
    this.url = redactUrl(options.url);
    this.fieldPath = first.path;
    this.issues = options.issues;
  }

  protected override publicFields(): Record<string, unknown> {
    return { endpoint: this.endpoint, url: this.url, fieldPath: this.fieldPath, issues: this.issues };
  }
}

/** The run has no claimable device right now (409 `no_claimable_devices`), or a retry loop gave up. */
export class NoClaimableDevicesError extends GridFleetError {
  /** The run that had nothing to claim. */
  readonly runId: string;
  /** `details.retry_after_sec` (5 when missing or not an integer). */
  readonly retryAfterSec: number;
  /** `details.next_available_at` (next cooldown expiry, `+00:00` style) or null. */
  readonly nextAvailableAt: string | null;
  /** The `Retry-After` header in seconds, or null when absent. */
  readonly retryAfterHeaderSec: number | null;
  /** Request id of the 409 answer. */
  readonly requestId: string | null;
  /** Seconds a retry loop waited before giving up; null for a single claim. */
  readonly waitedSec: number | null;

  constructor(options: {
    runId: string;
    retryAfterSec: number;
    nextAvailableAt: string | null;
    retryAfterHeaderSec?: number | null;
    requestId?: string | null;
    waitedSec?: number | null;
  }) {
    const waited =
      options.waitedSec === undefined || options.waitedSec === null
        ? ''
        : ` after waiting ${options.waitedSec.toFixed(1)} s`;
    const next = options.nextAvailableAt ? `; next device leaves cooldown at ${options.nextAvailableAt}` : '';
    super(
      `No claimable device in run ${options.runId}${waited}${next} (retry after ${options.retryAfterSec} s)`,
    );
    this.runId = options.runId;
    this.retryAfterSec = options.retryAfterSec;
    this.nextAvailableAt = options.nextAvailableAt;
    this.retryAfterHeaderSec = options.retryAfterHeaderSec ?? null;
    this.requestId = options.requestId ?? null;
    this.waitedSec = options.waitedSec ?? null;
  }

  protected override publicFields(): Record<string, unknown> {
    return {
      runId: this.runId,
      retryAfterSec: this.retryAfterSec,
      nextAvailableAt: this.nextAvailableAt,
      retryAfterHeaderSec: this.retryAfterHeaderSec,
      requestId: this.requestId,
      waitedSec: this.waitedSec,
    };
  }
}

/** The manager rejected one or more `include` tokens (422 `unknown_include`). */
export class UnknownIncludeError extends GridFleetError {
  /** The rejected tokens, sorted as the manager reports them. */
  readonly values: readonly string[];
  /** Request id of the 422 answer. */
  readonly requestId: string | null;

  constructor(values: readonly string[], requestId: string | null = null) {
    super(
      `Unknown include value(s): ${values.join(', ')}. Valid on claim: config, capabilities, test_data; ` +
        'on reserve: config, test_data.',
    );
    this.values = values;
    this.requestId = requestId;
  }

  protected override publicFields(): Record<string, unknown> {
    return { values: this.values, requestId: this.requestId };
  }
}

/** `include` on reserve contained `capabilities`; raised client-side before any request, or mapped from the 422. */
export class ReserveCapabilitiesUnsupportedError extends GridFleetError {
  /** Request id when the manager answered; null when raised client-side. */
  readonly requestId: string | null;

  constructor(message?: string, requestId: string | null = null) {
    super(
      message ??
        'include=capabilities is not supported on reserve; reserved devices may not be online and capabilities ' +
          "require a live agent probe. Pass include: ['capabilities'] to claimDevice instead.",
    );
    this.requestId = requestId;
  }

  protected override publicFields(): Record<string, unknown> {
    return { requestId: this.requestId };
  }
}
