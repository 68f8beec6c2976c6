/**
 * Plain-fetch HTTP helper for the contract suite. It deliberately imports nothing from `src/`: the suite
 * must describe the manager's wire contract, not our client's view of it.
 */

/** One HTTP exchange as seen on the wire. */
export interface WireResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers (lowercase names). */
  headers: Headers;
  /** Raw body text, exactly as received. */
  text: string;
  /** Parsed JSON body, or `undefined` when the body is empty or not JSON. */
  json: unknown;
}

/** Options for {@link ApiClient.request}. */
export interface RequestOptions {
  /** JSON body (serialised with `JSON.stringify`) unless `rawBody` is given. */
  body?: unknown;
  /** Body sent verbatim (e.g. a JSON `null` or deliberately odd payloads). */
  rawBody?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Send no `Authorization` header even when credentials are configured. */
  noAuth?: boolean;
}

/** Basic credentials for a manager with machine auth enabled. */
export interface Credentials {
  /** Machine username. */
  username: string;
  /** Machine password. */
  password: string;
}

/** Builds an HTTP Basic `Authorization` header value. */
export function basicAuth(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Minimal client bound to one base URL (`http://host:port`, without `/api`). Paths are given in full,
 * e.g. `/api/runs`, so the same client can reach `/health/live` and the lab's `/lab/` surface.
 */
export class ApiClient {
  /**
   * @param baseUrl - server root, e.g. `http://127.0.0.1:8000`
   * @param credentials - Basic credentials sent on every request unless `noAuth` is set
   */
  constructor(
    readonly baseUrl: string,
    readonly credentials?: Credentials,
  ) {}

  /** Sends one request and returns the status, headers, raw text and parsed JSON. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<WireResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (this.credentials && !options.noAuth && headers.authorization === undefined) {
      headers.authorization = basicAuth(this.credentials);
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** `GET path`. */
  get(path: string, options?: RequestOptions): Promise<WireResponse> {
    return this.request('GET', path, options);
  }

  /** `POST path` with an optional JSON body. */
  post(path: string, body?: unknown, options?: RequestOptions): Promise<WireResponse> {
    return this.request('POST', path, { ...options, body });
  }

  /** `PUT path` with a JSON body. */
  put(path: string, body: unknown, options?: RequestOptions): Promise<WireResponse> {
    return this.request('PUT', path, { ...options, body });
  }

  /** `PATCH path` with a JSON body. */
  patch(path: string, body: unknown, options?: RequestOptions): Promise<WireResponse> {
    return this.request('PATCH', path, { ...options, body });
  }
}
