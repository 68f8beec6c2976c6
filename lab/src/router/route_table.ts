/**
 * The router's only state: `session id → Appium target`, rebuilt from the manager's
 * `GET /internal/grid/routes` (docs/manager-api.md §R4.6.4), plus the ids that saw
 * commands since the last activity flush (docs/manager-api.md §R4.6.5).
 */
import type { ManagerRoute } from './manager_client';

interface Entry {
  readonly target: string;
  /** Change counter value when this router inserted the route itself (0 = from a refresh). */
  readonly changedAt: number;
}

/** Session routes with refresh semantics that keep local changes made while a fetch was under way. */
export class RouteTable {
  private routes = new Map<string, Entry>();
  /** Routes this router dropped, with the change counter value of the drop. */
  private dropped = new Map<string, number>();
  private changes = 0;
  private activity = new Set<string>();

  /** Number of known routes. */
  get size(): number {
    return this.routes.size;
  }

  /** Target of `sessionId`, or undefined. */
  get(sessionId: string): string | undefined {
    return this.routes.get(sessionId)?.target;
  }

  /** Adds a route for a session this router just created. */
  insert(sessionId: string, target: string): void {
    this.changes += 1;
    this.routes.set(sessionId, { target, changedAt: this.changes });
    this.dropped.delete(sessionId);
  }

  /** Removes a route (after a DELETE). */
  drop(sessionId: string): void {
    this.changes += 1;
    this.routes.delete(sessionId);
    this.dropped.set(sessionId, this.changes);
  }

  /** Marks the change counter before a fetch starts; pass it to {@link replace}. */
  mark(): number {
    return this.changes;
  }

  /**
   * Replaces the map with the manager's list, keeping routes inserted and honouring drops made
   * after `mark` (the fetch may predate them).
   */
  replace(fetched: readonly ManagerRoute[], mark: number): void {
    const next = new Map<string, Entry>();
    for (const route of fetched) {
      if ((this.dropped.get(route.session_id) ?? 0) > mark) continue;
      next.set(route.session_id, { target: route.target, changedAt: 0 });
    }
    for (const [id, entry] of this.routes) if (entry.changedAt > mark) next.set(id, entry);
    this.routes = next;
    for (const [id, at] of this.dropped) if (at <= mark) this.dropped.delete(id);
  }

  /** Records that `sessionId` saw a command. */
  touch(sessionId: string): void {
    this.activity.add(sessionId);
  }

  /** Takes the ids seen since the last flush (empty array when none). */
  takeActivity(): string[] {
    const ids = [...this.activity];
    this.activity = new Set();
    return ids;
  }

  /** Puts ids back after a failed flush. */
  restoreActivity(ids: readonly string[]): void {
    for (const id of ids) this.activity.add(id);
  }
}
