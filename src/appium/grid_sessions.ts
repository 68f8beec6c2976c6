/** A WebDriver session the Grid reports as running. */
export interface GridSession {
  /** WebDriver session id. */
  sessionId: string;
  /** Capabilities the session reported (with our `gridfleet:*` metadata echoed back). */
  capabilities: Record<string, unknown>;
}

interface GridStatus {
  value?: {
    nodes?: Array<{
      slots?: Array<{ session?: { sessionId?: string; capabilities?: Record<string, unknown> } | null }>;
    }>;
  };
}

/** Sessions currently running on the Grid (empty when the Grid cannot be read). */
export async function listGridSessions(gridUrl: string): Promise<GridSession[]> {
  try {
    const response = await fetch(`${gridUrl}/status`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return [];
    const status = (await response.json()) as GridStatus;
    const sessions: GridSession[] = [];
    for (const node of status.value?.nodes ?? []) {
      for (const slot of node.slots ?? []) {
        const id = slot.session?.sessionId;
        if (id) sessions.push({ sessionId: id, capabilities: slot.session?.capabilities ?? {} });
      }
    }
    return sessions;
  } catch {
    return [];
  }
}

/** Ends a WebDriver session through the Grid; false when that did not work. */
export async function deleteGridSession(gridUrl: string, sessionId: string): Promise<boolean> {
  try {
    const response = await fetch(`${gridUrl}/session/${encodeURIComponent(sessionId)}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(10_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Sessions of runs this process created that are still open on the Grid — e.g. one whose worker thread
 * was terminated before it could report the session id. Matched by the `gridfleet:runId` capability every
 * session of ours carries.
 */
export function sessionsOfRuns(sessions: readonly GridSession[], runIds: ReadonlySet<string>): GridSession[] {
  return sessions.filter((s) => {
    const runId = s.capabilities['gridfleet:runId'];
    return typeof runId === 'string' && runIds.has(runId);
  });
}
