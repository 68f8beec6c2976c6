import { type Clock, systemClock } from './clock';
import { errorText } from './error_text';
import { type Generation, GenerationMismatchError, isRetiredRoute } from './generation';
import { HttpLayer, type HttpOptions } from './http';
import { type GridFleetLogger, gridFleetLogger } from './logger';
import { type ManagerGeneration, probeManagerGeneration } from './manager_probes';

/** Options of {@link GridFleetClient}. */
export interface GridFleetClientOptions extends Omit<HttpOptions, 'baseUrl'> {
  /** Time source and sleeper for retry loops (inject a fake in tests). */
  readonly clock?: Clock;
  /** Sees suppressed failures (default: the thread's logger, see `setGridFleetLogger`). */
  readonly logger?: GridFleetLogger;
  /**
   * The manager's generation, when known: claim-era calls then fail at once on a later manager. `auto`
   * detects it (read-only probes, once per client) before the first claim-era call. Omitted: claim-era
   * calls are sent, and the framework 404/405 a later manager answers is reported as
   * {@link GenerationMismatchError}.
   */
  readonly generation?: Generation | 'auto';
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

/**
 * First layer of {@link GridFleetClient}: generation detection and the base URL. Construct a
 * `GridFleetClient`; the layers (`ClientBase` → `DeviceApi` → `SessionApi` → `RouterApi` →
 * `GridFleetClient`) keep each file small and are exported only so that the API report and the typings
 * show every inherited method. Their protected members are internal (stripped from the typings).
 */
export class ClientBase {
  /** The one HTTP layer. @internal */
  protected readonly http: HttpLayer;
  /** Clock for waits. @internal */
  protected readonly clock: Clock;
  readonly #logger: GridFleetLogger | undefined;
  readonly #generationOption: Generation | 'auto' | undefined;
  #detection: Promise<ManagerGeneration> | undefined;
  #detected: ManagerGeneration | undefined;

  /**
   * @param baseUrl - manager API base including `/api`; default `GRIDFLEET_API_URL` (read per call).
   * @param options - auth, timeouts, clock, logger.
   */
  constructor(baseUrl?: string, options: GridFleetClientOptions = {}) {
    this.http = new HttpLayer({ ...options, baseUrl });
    this.clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#generationOption = options.generation;
  }

  /** The manager's generation as far as this client knows it (the option, else a finished detection). */
  get knownGeneration(): Generation | undefined {
    const option = this.#generationOption;
    return option !== undefined && option !== 'auto' ? option : this.#detected?.generation;
  }

  /**
   * Detects the manager's generation from read-only probes (docs/manager-api.md §R1.2); the
   * answer is cached per client (`refresh` probes again).
   *
   * @throws GenerationDetectionError when the manager is unreachable, rejects the credentials (401) or is
   *   not a GridFleet manager.
   */
  async detectManagerGeneration(options: { refresh?: boolean } = {}): Promise<ManagerGeneration> {
    if (options.refresh || this.#detection === undefined) {
      const detection = probeManagerGeneration(this.http);
      this.#detection = detection;
      detection.then(
        (found) => {
          if (this.#detection === detection) this.#detected = found;
        },
        () => {
          // A failed detection is not cached: the next call probes again.
          if (this.#detection === detection) this.#detection = undefined;
        },
      );
    }
    return this.#detection;
  }

  /**
   * Runs a claim-era call: refused up front when the manager is known (or, with `generation: 'auto'`,
   * detected) to be of a later generation; a framework 404/405 answer (the retired route) becomes a
   * {@link GenerationMismatchError} naming what to do instead unless `mapRetiredRoute` is false.
   * @internal
   */
  protected async claimEraCall<T>(
    call: string,
    instead: string,
    send: () => Promise<T>,
    mapRetiredRoute = true,
  ): Promise<T> {
    let generation = this.knownGeneration;
    if (generation === undefined && this.#generationOption === 'auto') {
      generation = (await this.detectManagerGeneration()).generation;
    }
    if (generation !== undefined && generation !== 'claim') {
      throw new GenerationMismatchError({ call, generation, instead });
    }
    try {
      return await send();
    } catch (error) {
      if (!mapRetiredRoute || !isRetiredRoute(error)) throw error;
      throw new GenerationMismatchError({
        call,
        generation: null,
        instead,
        answer: `${error.status} {"detail":"${error.serverMessage}"} to ${error.method} ${error.url}`,
      });
    }
  }

  /** Receiver of suppressed failures: the `logger` option, else the thread's logger (read per use). @internal */
  protected get logger(): GridFleetLogger {
    return this.#logger ?? gridFleetLogger();
  }

  /** The API base URL requests go to right now. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Runs `call`; when `suppress` is set, logs a failure and returns null instead of throwing. @internal */
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
