import { isAxiosError } from 'axios';
import { ENV_VARS } from './env';
import {
  GridFleetApiError,
  GridFleetTransportError,
  NoClaimableDevicesError,
  ReserveCapabilitiesUnsupportedError,
  redactUrl,
  UnknownIncludeError,
} from './errors';
import {
  codedDetailsSchema,
  errorEnvelopeSchema,
  legacyDetailSchema,
  noClaimableDetailsSchema,
} from './schemas/error_envelope';

/** Where a failed request went; used to label errors. */
export interface FailureContext {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Full request URL. */
  readonly url: string;
  /** Run id, when the call was about a run (names the run in {@link NoClaimableDevicesError}). */
  readonly runId?: string;
}

/** An HTTP error response reduced to what the mapping needs. */
export interface ErrorResponse {
  /** HTTP status. */
  readonly status: number;
  /** Parsed JSON body (or raw text / undefined when not JSON). */
  readonly body: unknown;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** Default `retry_after_sec` when the manager's value is missing or not an integer (as the testkit does). */
const DEFAULT_RETRY_AFTER_SEC = 5;

/** Parses a `Retry-After` header (delta seconds or HTTP date) into seconds; null when absent or invalid. */
export function parseRetryAfterHeader(value: string | undefined, nowMs: number = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * The manager's 422 says only "Request validation failed"; the reason (e.g. "test_data payload exceeds
 * 65536 bytes") is in `details[].msg`. Quoted (at most three, with their location) so the user sees it.
 */
function validationSummary(code: string | null | undefined, details: unknown): string {
  if (code !== 'VALIDATION_ERROR' || !Array.isArray(details)) return '';
  const parts = details.slice(0, 3).flatMap((d: unknown) => {
    const item = d as { msg?: unknown; loc?: unknown };
    if (typeof item?.msg !== 'string') return [];
    const loc = Array.isArray(item.loc) ? item.loc.join('.') : '';
    return [loc ? `${loc}: ${item.msg}` : item.msg];
  });
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function fallbackMessage(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) {
    const target = location ? ` to ${redactUrl(location)}` : '';
    return (
      `HTTP ${status}: the manager redirects${target}; the client does not follow redirects, so point ` +
      `${ENV_VARS.apiUrl} (or the client's baseUrl) at the address it redirects to`
    );
  }
  return `HTTP ${status} with a body that is not a GridFleet error envelope`;
}

/**
 * Maps an HTTP error answer to the right typed error: {@link NoClaimableDevicesError},
 * {@link UnknownIncludeError}, {@link ReserveCapabilitiesUnsupportedError}, else {@link GridFleetApiError}.
 * Reads the real envelope (`error.code/message/details`) and the framework/legacy `{"detail": …}` form.
 */
export function mapErrorResponse(response: ErrorResponse, context: FailureContext): Error {
  const headerRequestId = response.headers['x-request-id'] ?? null;
  const envelope = errorEnvelopeSchema.safeParse(response.body);
  if (envelope.success) {
    const { code, message, details } = envelope.data.error;
    const requestId = envelope.data.error.request_id ?? headerRequestId;
    const noClaimable = noClaimableDetailsSchema.safeParse(details);
    if (response.status === 409 && noClaimable.success) {
      const raw = noClaimable.data.retry_after_sec;
      const retryAfterSec = typeof raw === 'number' && Number.isInteger(raw) ? raw : DEFAULT_RETRY_AFTER_SEC;
      return new NoClaimableDevicesError({
        runId: context.runId ?? '(unknown run)',
        retryAfterSec,
        nextAvailableAt: noClaimable.data.next_available_at ?? null,
        retryAfterHeaderSec: parseRetryAfterHeader(response.headers['retry-after']),
        requestId,
      });
    }
    const coded = codedDetailsSchema.safeParse(details);
    if (response.status === 422 && coded.success) {
      if (coded.data.code === 'unknown_include')
        return new UnknownIncludeError(coded.data.values ?? [], requestId);
      if (coded.data.code === 'reserve_capabilities_unsupported') {
        return new ReserveCapabilitiesUnsupportedError(message, requestId);
      }
    }
    return new GridFleetApiError({
      status: response.status,
      code,
      serverMessage: message + validationSummary(code, details),
      requestId,
      details,
      legacyDetail: null,
      method: context.method,
      url: context.url,
    });
  }
  const legacy = legacyDetailSchema.safeParse(response.body);
  return new GridFleetApiError({
    status: response.status,
    code: null,
    serverMessage: legacy.success
      ? legacy.data.detail
      : fallbackMessage(response.status, response.headers.location),
    requestId: headerRequestId,
    details: undefined,
    legacyDetail: legacy.success ? legacy.data.detail : null,
    method: context.method,
    url: context.url,
  });
}

/** Builds the transport error for a request that got no answer. */
function transportError(context: FailureContext, reason: string, timedOut: boolean): GridFleetTransportError {
  return new GridFleetTransportError({
    method: context.method,
    url: context.url,
    envVar: ENV_VARS.apiUrl,
    reason,
    timedOut,
  });
}

function normaliseHeaders(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (headers && typeof headers === 'object') {
    for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
      if (typeof value === 'string') out[key.toLowerCase()] = value;
      else if (typeof value === 'number') out[key.toLowerCase()] = String(value);
    }
  }
  return out;
}

/**
 * Maps anything thrown by an axios call to a typed error. Only status, body and headers of the
 * response are read; the axios error (which carries the request config and its Authorization header)
 * is dropped.
 */
export function mapAxiosError(error: unknown, context: FailureContext, timeoutMs: number): Error {
  if (!isAxiosError(error)) return error instanceof Error ? error : new Error(String(error));
  if (error.response) {
    return mapErrorResponse(
      {
        status: error.response.status,
        body: error.response.data,
        headers: normaliseHeaders(error.response.headers),
      },
      context,
    );
  }
  const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
  const reason = timedOut
    ? `no answer within ${timeoutMs} ms`
    : (error.code ?? error.message ?? 'network error');
  return transportError(context, reason, timedOut);
}
