/**
 * Expected bodies of errors that several contract files assert (docs/manager-api.md §C12), so their exact texts live in one
 * place.
 */
import type { ErrorExpectation } from './wire';

/** The no-claimable 409 with `Retry-After` and its details (docs/manager-api.md §C7.1; transcript #23 and #31). */
export function noClaimable(nextAvailableAt: string | null): ErrorExpectation {
  return {
    status: 409,
    code: 'CONFLICT',
    message: 'No unclaimed devices available in this run',
    retryAfter: true,
    details: {
      message: 'No unclaimed devices available in this run',
      error: 'no_claimable_devices',
      retry_after_sec: 5,
      next_available_at: nextAvailableAt,
    },
  };
}

/** A plain 409 `CONFLICT` with `message` and no details. */
export function conflict(message: string): ErrorExpectation {
  return { status: 409, code: 'CONFLICT', message };
}

/** A plain 404 `NOT_FOUND` with `message` and no details. */
export function notFound(message: string): ErrorExpectation {
  return { status: 404, code: 'NOT_FOUND', message };
}
