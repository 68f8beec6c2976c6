import { type Clock, systemClock } from './clock';
import { errorText } from './error_text';
import { HttpLayer, type HttpOptions } from './http';
import { consoleLogger, type GridFleetLogger } from './logger';

/** Options of {@link GridFleetClient}. */
export interface GridFleetClientOptions extends Omit<HttpOptions, 'baseUrl'> {
  /** Time source and sleeper for retry loops (inject a fake in tests). */
  readonly clock?: Clock;
  /** Sees suppressed failures (default: `console.warn`). */
  readonly logger?: GridFleetLogger;
}

/** Options of the session reporting calls. */
export interface SuppressOptions {
  /** Default true: failures are logged and the call returns null/false instead of throwing. */
  readonly suppressErrors?: boolean;
}

/** Encodes one path segment; an empty or non-string id is a TypeError naming the argument. */
export function pathSegment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string.`);
  return encodeURIComponent(value);
}

/** Shared state of the client layers: the HTTP layer, clock and logger. */
export class ClientBase {
  /** The one HTTP layer. */
  protected readonly http: HttpLayer;
  /** Clock for waits. */
  protected readonly clock: Clock;
  /** Receiver of suppressed failures. */
  protected readonly logger: GridFleetLogger;

  /**
   * @param baseUrl - manager API base including `/api`; default `GRIDFLEET_API_URL` (read per call).
   * @param options - auth, timeouts, clock, logger.
   */
  constructor(baseUrl?: string, options: GridFleetClientOptions = {}) {
    this.http = new HttpLayer({ ...options, baseUrl });
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? consoleLogger;
  }

  /** The API base URL requests go to right now. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Runs `call`; when `suppress` is set, logs a failure and returns null instead of throwing. */
  protected async maybeSuppress<T>(
    what: string,
    call: () => Promise<T>,
    suppress: boolean,
  ): Promise<T | null> {
    if (!suppress) return call();
    try {
      return await call();
    } catch (error) {
      this.logger.warn(`could not ${what}: ${errorText(error)}`);
      return null;
    }
  }
}
