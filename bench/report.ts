import { round, summarize, type Summary } from './stats.js';

/** A reference measured in the same run (or, when `assumed`, a figure quoted from the issue). */
export interface Baseline {
  name: string;
  value: number;
  p50?: number;
  p90?: number;
  samples?: number;
  assumed?: boolean;
}

/** One figure of the report. `value` is the p50 for latencies and the mean for memory. */
export interface BenchResult {
  value: number;
  unit: string;
  baseline?: Baseline;
  ratio?: number;
  /** Further references the figure is compared with (the target uses `baseline`). */
  otherBaselines?: (Baseline & { ratio: number })[];
  samples: number;
  p50?: number;
  p90?: number;
  p99?: number;
  mean?: number;
  min?: number;
  max?: number;
  target?: string;
  /** Whether `value` meets the target; reported, never asserted. */
  meetsTarget?: boolean;
  note: string;
  extra?: Record<string, unknown>;
  /** Not measured, and why (e.g. the pinned CLI is not installed); `value` is then NaN (JSON null). */
  skipped?: string;
  /** Measuring failed, and why; `value` is then NaN (JSON null). */
  failed?: string;
}

export interface Target {
  text: string;
  /** The statistic that must stay below it (same unit): the p50 (`value`) unless the goal says p99. */
  below: number;
  stat?: 'p50' | 'p99';
}

export function ratio(value: number, reference: number): number {
  return reference === 0 ? Number.NaN : round(value / reference, 2);
}

/** Baseline fields from a measured sample (value = p50), rounded to `digits` decimals. */
export function latencyBaseline(name: string, samples: readonly number[], digits = 1): Baseline {
  const s = summarize(samples, digits);
  return { name, value: s.p50, p50: s.p50, p90: s.p90, samples: s.samples };
}

function targetFields(
  value: number,
  target: Target | undefined,
): Pick<BenchResult, 'target' | 'meetsTarget'> {
  return target ? { target: target.text, meetsTarget: value < target.below } : {};
}

/** A latency figure: value = p50 of the samples, ratio against the baseline's p50. */
export function latencyResult(o: {
  samples: readonly number[];
  baseline?: Baseline;
  target?: Target;
  note: string;
  extra?: Record<string, unknown>;
  /** Decimals of the statistics (1 by default: tenths of a ms). */
  digits?: number;
}): BenchResult {
  const s: Summary = summarize(o.samples, o.digits);
  return {
    value: s.p50,
    unit: 'ms',
    ...(o.baseline ? { baseline: o.baseline, ratio: ratio(s.p50, o.baseline.value) } : {}),
    ...s,
    ...targetFields(o.target?.stat === 'p99' ? s.p99 : s.p50, o.target),
    note: o.note,
    ...(o.extra ? { extra: o.extra } : {}),
  };
}

/** A memory figure in MiB: value = mean over the processes measured. */
export function memoryResult(o: {
  values: readonly number[];
  baseline?: Baseline;
  target?: Target;
  note: string;
  extra?: Record<string, unknown>;
}): BenchResult {
  const s = summarize(o.values);
  return {
    value: s.mean,
    unit: 'MiB',
    ...(o.baseline ? { baseline: o.baseline, ratio: ratio(s.mean, o.baseline.value) } : {}),
    samples: s.samples,
    mean: s.mean,
    min: s.min,
    max: s.max,
    ...targetFields(s.mean, o.target),
    note: o.note,
    ...(o.extra ? { extra: o.extra } : {}),
  };
}

/** Progress goes to stderr; stdout carries only the final JSON document. */
const t0 = Date.now();
export function progress(message: string): void {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
}
