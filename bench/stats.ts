/** Order statistics of a sample (linear interpolation between closest ranks, as numpy does). */
export interface Summary {
  samples: number;
  p50: number;
  p90: number;
  /** The goals under contention are p99s (issue 32). */
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

export function summarize(values: readonly number[], digits = 1): Summary {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return {
    samples: values.length,
    p50: round(percentile(values, 50), digits),
    p90: round(percentile(values, 90), digits),
    p99: round(percentile(values, 99), digits),
    mean: round(mean, digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Bytes to MiB (2^20 bytes), one decimal. */
export function mib(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}
