/** The manager's error shapes: the application envelope, validation issues and framework errors. */

/** One pydantic-style validation issue, as the manager lists them in `error.details`. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'VALIDATION_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps an HTTP status to the envelope `code` the manager uses for plain raised errors. */
export function errorCodeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? 'HTTP_ERROR';
}

/**
 * An application error, rendered as `{"error":{code,message,request_id,details?}}`.
 * `detail` is what the handler raised: a string (message, no details) or an object (details = the
 * whole object; message = its `message` or "Request failed").
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | Record<string, unknown> | ValidationIssue[],
    readonly headers: Record<string, string> = {},
    readonly code: string = errorCodeFor(status),
  ) {
    super(typeof detail === 'string' ? detail : 'api error');
    this.name = 'ApiError';
  }

  /** The envelope body for a given request id. */
  body(requestId: string): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code };
    if (typeof this.detail === 'string') {
      error.message = this.detail;
      error.request_id = requestId;
    } else if (Array.isArray(this.detail)) {
      error.message = 'Request validation failed';
      error.request_id = requestId;
      error.details = this.detail;
    } else {
      const m = this.detail.message;
      error.message = typeof m === 'string' && m !== '' ? m : 'Request failed';
      error.request_id = requestId;
      error.details = this.detail;
    }
    return { error };
  }
}

/** A schema validation failure: 422 "Request validation failed" with the issue list. */
export function validationError(issues: ValidationIssue[]): ApiError {
  return new ApiError(422, issues);
}

/** 404 with a plain message. */
export const notFound = (message: string): ApiError => new ApiError(404, message);

/** 409 with a plain message. */
export const conflict = (message: string): ApiError => new ApiError(409, message);

/** A framework (Starlette) error: `{"detail": "..."}`, not enveloped. */
export class FrameworkError extends Error {
  constructor(
    readonly status: 404 | 405,
    readonly allow: string[] = [],
  ) {
    super(status === 404 ? 'Not Found' : 'Method Not Allowed');
    this.name = 'FrameworkError';
  }
}
