/** A stub of the router's `GET /metrics`: a few counters in the Prometheus text format. */

/** Counters the router keeps. */
export class RouterMetrics {
  private readonly counters = new Map<string, number>();

  /** Adds one to `name{label="value"}`. */
  count(name: string, label?: { readonly key: string; readonly value: string }): void {
    const key = label ? `${name}{${label.key}="${label.value.replace(/["\\\n]/g, '_')}"}` : name;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  /** Prometheus exposition text, with `routes` as a gauge. */
  render(routes: number): string {
    const lines = [
      '# HELP gridfleet_router_routes Sessions the router currently has a route for.',
      '# TYPE gridfleet_router_routes gauge',
      `gridfleet_router_routes ${routes}`,
    ];
    const names = new Set([...this.counters.keys()].map((k) => k.replace(/\{.*$/, '')));
    for (const name of [...names].sort()) {
      lines.push(`# TYPE ${name} counter`);
      for (const [key, value] of [...this.counters].sort(([a], [b]) => a.localeCompare(b))) {
        if (key === name || key.startsWith(`${name}{`)) lines.push(`${key} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
