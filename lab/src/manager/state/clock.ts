import { performance } from 'node:perf_hooks';

/** Real time in epoch ms with sub-millisecond digits (the manager's timestamps carry microseconds). */
function microClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Time source of the lab: the real clock (or an injected one) plus a virtual offset for tests. */
export class LabClock {
  private offsetMs = 0;
  private last = 0;

  /** @param base wall-clock source in epoch milliseconds (default: the real clock, microsecond resolution). */
  constructor(private readonly base: () => number = microClock) {}

  /**
   * Current time in epoch milliseconds with microsecond resolution. Strictly increasing between
   * calls, like the manager's database timestamps, so "set then read" never sees the same instant.
   */
  now(): number {
    const t = Math.max(this.base() + this.offsetMs, this.last + 0.001);
    this.last = Math.round(t * 1000) / 1000;
    return this.last;
  }

  /** Moves virtual time forward (never backward) by `seconds`. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new RangeError('seconds must be a finite number >= 0');
    this.offsetMs += seconds * 1000;
  }

  /** Total virtual offset in seconds. */
  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Drops the virtual offset (used by `/lab/reset`). */
  resetOffset(): void {
    this.offsetMs = 0;
    this.last = 0;
  }
}
