import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import { type BasicCredentials, ENV_VARS, readGridFleetEnv, stripTrailingSlashes } from './env';
import { mapAxiosError } from './error_mapping';
import { ResponseValidationError, redactUrl } from './errors';
import { toResponseIssues } from './schemas/common';

/** Default per-call timeout (the testkit's 10 s). */
const DEFAULT_TIMEOUT_MS = 10_000;
/** Timeout of `POST /runs` (the testkit's 30 s). */
export const RESERVE_TIMEOUT_MS = 30_000;
/** Timeout of session reporting calls (the testkit's 5 s). */
export const SESSION_TIMEOUT_MS = 5_000;
/** Above the manager's own 30 s request limit, so its 504 arrives before our timeout fires. */
export const ABOVE_SERVER_TIMEOUT_MS = 35_000;

/** Options of the HTTP layer. */
export interface HttpOptions {
  /** Manager API base URL including `/api`; default `GRIDFLEET_API_URL`, read at each call. */
  readonly baseUrl?: string;
  /**
   * Basic-auth credentials. Omit to read `GRIDFLEET_TESTKIT_USERNAME`/`PASSWORD` at each call; pass
   * `null` to never send an Authorization header.
   */
  readonly auth?: BasicCredentials | null;
  /** Environment to read instead of `process.env` (tests). */
  readonly env?: NodeJS.ProcessEnv;
  /** Supplies an `X-Request-ID` for each request (the manager echoes it into errors). */
  readonly requestId?: () => string | undefined;
  /** Default timeout per call in ms (10 000). */
  readonly timeoutMs?: number;
}

/** One request. */
export interface RequestSpec<S extends z.ZodType | undefined> {
  /** HTTP method. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, already encoded, e.g. `/runs/abc/claim`. */
  readonly path: string;
  /** Endpoint label for messages, e.g. `POST /runs/{run_id}/claim`. */
  readonly endpoint: string;
  /** Schema of the 2xx body; omit for bodies that are ignored (204). */
  readonly schema?: S;
  /** Query parameters. */
  readonly query?: URLSearchParams;
  /** JSON body. */
  readonly body?: unknown;
  /** Timeout in ms for this call. */
  readonly timeoutMs?: number;
  /** Run id this call is about (for error messages). */
  readonly runId?: string;
  /** Aborts the request. */
  readonly signal?: AbortSignal;
}

/** The one axios layer of the client: base URL, Basic auth, request ids, timeouts, error mapping, validation. */
export class HttpLayer {
  readonly #axios: AxiosInstance;
  readonly #options: HttpOptions;

  constructor(options: HttpOptions = {}) {
    this.#options = options;
    // responseType json with a lenient parser: a non-JSON body stays a string and fails validation.
    // maxRedirects 0: a redirect is reported (with where it points), never followed. Following one would
    // silently turn a POST into a GET on 301/302 and drop credentials across hosts; it also keeps axios on
    // node's plain http transport instead of follow-redirects (less CPU on every call).
    this.#axios = axios.create({
      responseType: 'json',
      maxRedirects: 0,
      validateStatus: (s) => s >= 200 && s < 300,
    });
  }

  /**
   * The base URL requests go to right now (options first, then `GRIDFLEET_API_URL`, then the default).
   *
   * @throws TypeError naming the source when the value is not an http(s) URL.
   */
  get baseUrl(): string {
    const fromOption = this.#options.baseUrl !== undefined && this.#options.baseUrl.trim() !== '';
    const raw = fromOption
      ? (this.#options.baseUrl as string).trim()
      : readGridFleetEnv(this.#options.env).apiUrl;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      const source = fromOption ? 'the client baseUrl option' : ENV_VARS.apiUrl;
      throw new TypeError(
        `GridFleet API URL ${JSON.stringify(redactUrl(raw))} (from ${source}) is not an http(s) URL; ` +
          'set it like http://localhost:8000/api.',
      );
    }
    return stripTrailingSlashes(raw);
  }

  /** True when requests carry an Authorization header right now. */
  get authenticated(): boolean {
    return this.#credentials() !== undefined;
  }

  #credentials(): BasicCredentials | undefined {
    if (this.#options.auth === null) return undefined;
    return this.#options.auth ?? readGridFleetEnv(this.#options.env).credentials;
  }

  /**
   * Sends one request and returns the validated body.
   *
   * @throws GridFleetApiError (or a more specific mapped error) on an HTTP error answer,
   *   GridFleetTransportError when there is no answer, ResponseValidationError on a malformed body,
   *   the signal's reason when aborted.
   */
  async request<S extends z.ZodType | undefined>(
    spec: RequestSpec<S>,
  ): Promise<S extends z.ZodType ? z.infer<S> : undefined> {
    const query = spec.query?.toString();
    const url = `${this.baseUrl}${spec.path}${query ? `?${query}` : ''}`;
    const timeoutMs = spec.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers: Record<string, string> = { Accept: 'application/json' };
    const credentials = this.#credentials();
    if (credentials) {
      headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const requestId = this.#options.requestId?.();
    if (requestId) headers['X-Request-ID'] = requestId;
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const context = { method: spec.method, url, runId: spec.runId };
    let data: unknown;
    try {
      const response = await this.#axios.request({
        method: spec.method,
        url,
        headers,
        data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        timeout: timeoutMs,
        signal: spec.signal,
      });
      data = response.data;
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      throw mapAxiosError(error, context, timeoutMs);
    }
    if (!spec.schema) return undefined as S extends z.ZodType ? z.infer<S> : undefined;
    const parsed = spec.schema.safeParse(data);
    if (!parsed.success) {
      throw new ResponseValidationError({
        endpoint: spec.endpoint,
        url,
        issues: toResponseIssues(parsed.error),
      });
    }
    return parsed.data as S extends z.ZodType ? z.infer<S> : undefined;
  }
}
