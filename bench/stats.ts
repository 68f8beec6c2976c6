/** Median, p95 and count of a sample (ms or any unit); `null` fields when the sample is empty. */
export interface Summary {
  /** Number of values. */
  n: number;
  /** Median (nearest-rank on the sorted sample, mean of the middle two for even n). */
  median: number | null;
  /** 95th percentile (nearest rank). */
  p95: number | null;
  /** Smallest value. */
  min: number | null;
  /** Largest value. */
  max: number | null;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Summarises a sample; values are rounded to 0.01. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n, median: null, p95: null, min: null, max: null };
  const mid = Math.floor(n / 2);
  const median =
    n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const p95 = sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)] as number;
  return {
    n,
    median: round(median),
    p95: round(p95),
    min: round(sorted[0] as number),
    max: round(sorted[n - 1] as number),
  };
}

/** `a / b` rounded to 0.01, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return round(a / b);
}
