/** What the Selenium Grid's `/status` says, reduced to what the doctor needs. */
export interface GridStatus {
  /** `value.ready`. */
  ready: boolean;
  /** `value.message`. */
  message: string;
  /** Number of nodes. */
  nodes: number;
  /** `appium:platform` of every slot on a node that is UP, with the slot count. */
  platformSlots: Map<string, number>;
}

interface RawSlot {
  stereotype?: Record<string, unknown>;
}
interface RawNode {
  availability?: string;
  slots?: RawSlot[];
}

/** Thrown when the Grid does not answer or answers something that is not a Grid status. */
export class GridStatusError extends Error {
  /** Builds the error. */
  constructor(
    message: string,
    /** True when nothing answered (refused, timeout, DNS). */
    readonly unreachable: boolean,
  ) {
    super(message);
    this.name = 'GridStatusError';
  }
}

/**
 * Reads `GET <gridUrl>/status`. Slots are counted per GridFleet platform id (`appium:platform` in the slot
 * stereotype, which the manager puts on every node it registers), on nodes whose availability is `UP`.
 *
 * @throws GridStatusError when the Grid cannot be reached or its answer is not a Grid status.
 */
export async function readGridStatus(gridUrl: string, timeoutMs = 5000): Promise<GridStatus> {
  const url = `${gridUrl.replace(/\/+$/, '')}/status`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new GridStatusError(`no answer from ${url} (${reason})`, true);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new GridStatusError(`${url} answered ${response.status} with a body that is not JSON`, false);
  }
  const value = (body as { value?: { ready?: unknown; message?: unknown; nodes?: unknown } }).value;
  if (!response.ok || typeof value !== 'object' || value === null || typeof value.ready !== 'boolean') {
    throw new GridStatusError(
      `${url} answered ${response.status} without a Selenium Grid status ({"value":{"ready":…}}); is GRID_URL the Grid hub?`,
      false,
    );
  }
  const nodes = Array.isArray(value.nodes) ? (value.nodes as RawNode[]) : [];
  const platformSlots = new Map<string, number>();
  for (const node of nodes) {
    if (node.availability !== undefined && node.availability !== 'UP') continue;
    for (const slot of node.slots ?? []) {
      const platform = slot.stereotype?.['appium:platform'];
      if (typeof platform === 'string') platformSlots.set(platform, (platformSlots.get(platform) ?? 0) + 1);
    }
  }
  return {
    ready: value.ready,
    message: typeof value.message === 'string' ? value.message : '',
    nodes: nodes.length,
    platformSlots,
  };
}
