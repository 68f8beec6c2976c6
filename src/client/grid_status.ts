import { GridFleetError } from './errors';
import { ROUTER_STATUS_MESSAGE, webDriverStatusSchema } from './schemas/grid_status';

/** What `GET {GRID_URL}/status` says, for either a Selenium Grid hub or the GridFleet router. */
export interface GridStatus {
  /** `router` for the GridFleet router, `selenium-grid` for a Selenium Grid hub. */
  readonly kind: 'router' | 'selenium-grid';
  /** `value.ready`. */
  readonly ready: boolean;
  /** `value.message` (`''` when absent). */
  readonly message: string;
  /** Number of Grid nodes (0 for the router, which has none). */
  readonly nodes: number;
  /** `appium:platform` of every slot on a node that is UP, with the slot count (empty for the router). */
  readonly platformSlots: ReadonlyMap<string, number>;
  /** Sessions running in the Grid's slots, on any node (empty for the router, which lists none). */
  readonly sessions: readonly GridSlotSession[];
}

/** A WebDriver session a Selenium Grid slot reports as running. */
export interface GridSlotSession {
  /** WebDriver session id. */
  readonly sessionId: string;
  /** Capabilities the session reported (`{}` when the Grid gave none). */
  readonly capabilities: Record<string, unknown>;
}

/** `GET {GRID_URL}/status` could not be read, or the answer is no WebDriver status. */
export class GridStatusError extends GridFleetError {
  /** True when nothing answered (refused, timeout, DNS). */
  readonly unreachable: boolean;

  constructor(message: string, unreachable: boolean) {
    super(message);
    this.unreachable = unreachable;
  }

  protected override publicFields(): Record<string, unknown> {
    return { unreachable: this.unreachable };
  }
}

/**
 * Parses a `/status` body. The router is recognised by its constant message (compared parsed, not as bytes:
 * it writes keys sorted); anything else with `value.ready` is a Selenium Grid status. Slots are counted
 * per GridFleet platform id (`appium:platform` in the slot stereotype) on nodes whose availability is `UP`.
 *
 * @returns undefined when the body is not a WebDriver status at all.
 */
export function parseGridStatus(body: unknown): GridStatus | undefined {
  const parsed = webDriverStatusSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { ready, message = '', nodes = [] } = parsed.data.value;
  const platformSlots = new Map<string, number>();
  const sessions: GridSlotSession[] = [];
  for (const node of nodes) {
    for (const slot of node.slots ?? []) {
      if (slot.session)
        sessions.push({ sessionId: slot.session.sessionId, capabilities: slot.session.capabilities ?? {} });
    }
    if (node.availability !== undefined && node.availability !== 'UP') continue;
    for (const slot of node.slots ?? []) {
      const platform = slot.stereotype?.['appium:platform'];
      if (typeof platform === 'string') platformSlots.set(platform, (platformSlots.get(platform) ?? 0) + 1);
    }
  }
  const router = message === ROUTER_STATUS_MESSAGE && parsed.data.value.nodes === undefined;
  return {
    kind: router ? 'router' : 'selenium-grid',
    ready,
    message,
    nodes: nodes.length,
    platformSlots,
    sessions,
  };
}

async function get(url: string, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new GridStatusError(`no answer from ${url} (${reason})`, true);
  }
}

/**
 * Reads `GET {gridUrl}/status` (Selenium Grid hub or GridFleet router).
 *
 * @throws GridStatusError when nothing answers or the answer is not a WebDriver status.
 */
export async function readGridStatus(gridUrl: string, timeoutMs = 5000): Promise<GridStatus> {
  const url = `${gridUrl.replace(/\/+$/, '')}/status`;
  const response = await get(url, timeoutMs);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new GridStatusError(`${url} answered ${response.status} with a body that is not JSON`, false);
  }
  const status = response.ok ? parseGridStatus(body) : undefined;
  if (!status) {
    throw new GridStatusError(
      `${url} answered ${response.status} without a WebDriver status ({"value":{"ready":…}}); ` +
        'is GRID_URL the GridFleet router (or, before GridFleet 0.3, the Selenium Grid hub)?',
      false,
    );
  }
  return status;
}

/**
 * `GET {gridUrl}/healthz`: true when it answers 200 with the body `ok`, as the GridFleet router does (a
 * Selenium Grid hub has no such path).
 *
 * @throws GridStatusError when nothing answers.
 */
export async function readRouterHealth(gridUrl: string, timeoutMs = 5000): Promise<boolean> {
  const response = await get(`${gridUrl.replace(/\/+$/, '')}/healthz`, timeoutMs);
  const text = await response.text().catch(() => '');
  return response.status === 200 && text.trim() === 'ok';
}
