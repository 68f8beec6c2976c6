import { type GridSlotSession, readGridStatus } from '../client/grid_status';

/** A WebDriver session the Grid reports as running (with our `gridfleet:*` metadata echoed back). */
export type GridSession = GridSlotSession;

/** Sessions currently running on the Grid (empty when the Grid cannot be read). */
export async function listGridSessions(gridUrl: string): Promise<GridSession[]> {
  try {
    return [...(await readGridStatus(gridUrl, 10_000)).sessions];
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
