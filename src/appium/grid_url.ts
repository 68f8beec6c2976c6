/** Default Selenium Grid port, used when a GRID_URL without a scheme also has no port (`gridhost`). */
const DEFAULT_GRID_PORT = 4444;

/** webdriverio connection options derived from a Grid URL. */
export interface GridConnection {
  /** `http` or `https`. */
  protocol: 'http' | 'https';
  /** Host name or IP; IPv6 literals keep their brackets because webdriverio concatenates host and port. */
  hostname: string;
  /** TCP port (explicit, else 4444 for scheme-less input, else 80/443). */
  port: number;
  /** Base path of the WebDriver endpoints: `/` for Grid 4 and Appium, `/wd/hub` for older hubs. */
  path: string;
  /** Query parameters of the URL, if any (webdriverio appends them to every request). */
  queryParams: Record<string, string> | undefined;
  /** `Authorization` header built from user-info in the URL (`http://user:pass@host`), if any. */
  headers: Record<string, string> | undefined;
  /** The URL with any user-info removed: safe for messages and logs. */
  displayUrl: string;
}

/**
 * Parses a Grid URL of any common form into webdriverio's `protocol`/`hostname`/`port`/`path`:
 * `http://host:4444`, `http://host:4444/wd/hub`, `https://grid.example.com`, `host:4444`, `host`.
 * Credentials in the URL become an `Authorization` header and never appear in `displayUrl`.
 *
 * @throws TypeError naming the bad value (without credentials) and the accepted forms.
 */
export function parseGridUrl(gridUrl: string): GridConnection {
  if (typeof gridUrl !== 'string' || gridUrl.trim() === '') {
    throw new TypeError(
      'GRID_URL is empty; set it (or pass gridUrl) to the Selenium Grid URL, e.g. http://localhost:4444.',
    );
  }
  const trimmed = gridUrl.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `http://${trimmed}`);
  } catch {
    throw new TypeError(`GRID_URL ${JSON.stringify(redact(trimmed))} is not a valid URL; ${ACCEPTED_FORMS}`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new TypeError(
      `GRID_URL ${JSON.stringify(redact(trimmed))} uses scheme "${scheme}"; only http and https are supported. ${ACCEPTED_FORMS}`,
    );
  }
  const protocol: 'http' | 'https' = scheme;
  const port =
    url.port !== '' ? Number(url.port) : hasScheme ? (protocol === 'https' ? 443 : 80) : DEFAULT_GRID_PORT;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const queryParams = url.search ? Object.fromEntries(url.searchParams.entries()) : undefined;

  let headers: Record<string, string> | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers = { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
  }

  // IPv6 literals come back bracketed from URL; webdriverio builds `${protocol}://${hostname}:${port}`, so
  // keep the brackets for it to produce a valid URL.
  const hostname = url.hostname;
  const display = new URL(url.href);
  display.username = '';
  display.password = '';
  display.port = String(port);
  const displayUrl = `${display.protocol}//${display.host}${path === '/' ? '' : path}${display.search}`;
  return { protocol, hostname, port, path, queryParams, headers, displayUrl };
}

const ACCEPTED_FORMS =
  'use a form like http://host:4444, http://host:4444/wd/hub, https://grid.example.com or host:4444.';

/** Removes `user:pass@` from a URL-ish string for error messages. */
function redact(value: string): string {
  return value.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*@/i,
    (_match, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}
