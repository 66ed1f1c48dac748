/** Number formats of the metrics view and the sparklines. */

/** "310 MB", "2.4 MB", "1.2 GB", "840 kB" (decimal units; one decimal below 10). */
export function formatBytes(bytes: number): string {
  const [n, unit] =
    bytes < 1e3
      ? [bytes, 'B']
      : bytes < 1e6
        ? [bytes / 1e3, 'kB']
        : bytes < 1e9
          ? [bytes / 1e6, 'MB']
          : [bytes / 1e9, 'GB'];
  return `${n < 10 && unit !== 'B' ? n.toFixed(1) : Math.round(n)} ${unit}`;
}

/** "12 %", "0.4 %", "180 %" (percent of one core). */
export function formatPercent(p: number): string {
  return `${p < 10 ? Math.round(p * 10) / 10 : Math.round(p)} %`;
}

/** "2.5 s", "45 s", "12 min", "1 h 05 min", "2 d 3 h". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The round steps a time axis may tick at. */
const STEPS = [
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7].map((n) => n * DAY),
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number): string => String(n).padStart(2, '0');

/**
 * A time as finely as `stepMs` needs, in local time: "14:05:30" below a minute, "14:05" below a
 * day ("Mon 14:05" when `withDay`), "Mon 21" from a day up.
 */
export function formatTime(t: number, stepMs: number, withDay = false): string {
  const d = new Date(t);
  const day = `${WEEKDAYS[d.getDay()]}`;
  if (stepMs >= DAY) return `${day} ${d.getDate()}`;
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}${stepMs < MINUTE ? `:${two(d.getSeconds())}` : ''}`;
  return withDay ? `${day} ${hm}` : hm;
}

export interface TimeAxis {
  /** Where the ticks go (epoch ms), on round local times. */
  ticks: number[];
  /** A tick's label; every tick's differs. */
  format(t: number): string;
  /** The step between ticks. */
  stepMs: number;
}

/**
 * The ticks of a time axis from `from` to `to` (epoch ms): at most `maxTicks`, a round step
 * (15 s, 5 min, 2 h, 1 d…) no finer than `minStepMs` (a chart's bucket), on round local times, each
 * labelled as finely as the step needs (the day too when the range spans more than a day), and
 * no label twice.
 */
export function timeAxis(from: number, to: number, maxTicks = 6, minStepMs = 0): TimeAxis {
  // A little slack: a window's buckets are a few ms longer than their round size (15 001 ms).
  const want = Math.max((to - from) / Math.max(1, maxTicks), minStepMs, 1) * 0.98;
  const stepMs = STEPS.find((s) => s >= want) ?? Math.ceil(want / (7 * DAY)) * 7 * DAY;
  const withDay = to - from > DAY;
  const format = (t: number): string => formatTime(t, stepMs, withDay);
  // Round in local time: the zone's offset moves "every 2 h" to 00:00, 02:00… on the wall clock.
  const offset = (t: number): number => new Date(t).getTimezoneOffset() * MINUTE;
  const ticks: number[] = [];
  const seen = new Set<string>();
  const first = Math.ceil((from - offset(from)) / stepMs) * stepMs + offset(from);
  for (let t = first; t <= to && ticks.length <= maxTicks; t += stepMs) {
    const label = format(t);
    if (seen.has(label)) continue;
    seen.add(label);
    ticks.push(t);
  }
  return { ticks, format, stepMs };
}

/** A recharts XAxis over epoch-ms `t` with these ticks (the chart's `xAxisProps`). */
export function timeAxisProps(axis: TimeAxis) {
  return {
    type: 'number' as const,
    scale: 'time' as const,
    domain: ['dataMin', 'dataMax'] as [string, string],
    ticks: axis.ticks,
    tickFormatter: (t: number) => axis.format(t),
    minTickGap: 8,
  };
}
