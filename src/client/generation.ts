import { GridFleetApiError, GridFleetError } from './errors';

/**
 * GridFleet generations (docs/manager-api.md §R1.1): `claim` (claims + Selenium Grid, backend
 * 0.1), `transition` (Selenium Grid sessions carrying `gridfleet:run_id`, backend 0.2), `router` (a
 * WebDriver router allocates devices at `GRID_URL/run/{run_id}`, backend ≥ 0.3).
 */
export type Generation = 'claim' | 'transition' | 'router';

/** How a generation is named in messages. */
export function generationLabel(generation: Generation): string {
  switch (generation) {
    case 'claim':
      return 'claim era (GridFleet 0.1)';
    case 'transition':
      return 'transition era (GridFleet 0.2)';
    case 'router':
      return 'router era (GridFleet ≥ 0.3)';
  }
}

/**
 * A claim-era call (claim, release, release-with-cooldown, session register/finished) was made on a
 * manager of a later generation, known up front or revealed by the framework 404/405 those retired routes
 * answer (docs/manager-api.md §R8).
 */
export class GenerationMismatchError extends GridFleetError {
  /** The client method, e.g. `claimDevice`. */
  readonly call: string;
  /** The manager's generation, or null when only the retired route showed it is not the claim era. */
  readonly generation: Generation | null;

  constructor(options: { call: string; generation: Generation | null; instead: string; answer?: string }) {
    const era =
      options.generation === null
        ? `this manager does not have that route (it answered ${options.answer ?? 'a framework 404/405'}), so it is transition or router era (GridFleet ≥ 0.2)`
        : `this manager is ${generationLabel(options.generation)}`;
    super(`${options.call} is a claim-era call; ${era}: ${options.instead}`);
    this.call = options.call;
    this.generation = options.generation;
  }

  protected override publicFields(): Record<string, unknown> {
    return { call: this.call, generation: this.generation };
  }
}

/** Why {@link GenerationDetectionError} was thrown. */
export type GenerationDetectionFailure = 'unauthorized' | 'unreachable' | 'not_gridfleet';

/** The manager's generation could not be told (no answer, 401, or answers that are not GridFleet's). */
export class GenerationDetectionError extends GridFleetError {
  /** What went wrong. */
  readonly reason: GenerationDetectionFailure;
  /** The manager API base that was probed. */
  readonly apiUrl: string;

  constructor(reason: GenerationDetectionFailure, apiUrl: string, message: string, options?: ErrorOptions) {
    super(`Could not detect the GridFleet generation of ${apiUrl}: ${message}`);
    if (options?.cause !== undefined) this.cause = options.cause;
    this.reason = reason;
    this.apiUrl = apiUrl;
  }

  protected override publicFields(): Record<string, unknown> {
    return { reason: this.reason, apiUrl: this.apiUrl };
  }
}

/**
 * True for the framework answer of a route that does not exist on this manager: 404 `{"detail":"Not
 * Found"}` or 405 `{"detail":"Method Not Allowed"}` (no envelope), as retired claim-era routes answer.
 */
export function isRetiredRoute(error: unknown): error is GridFleetApiError {
  return (
    error instanceof GridFleetApiError &&
    error.code === null &&
    ((error.status === 404 && error.legacyDetail === 'Not Found') || error.status === 405)
  );
}
