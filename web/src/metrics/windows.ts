/**
 * The windows the metrics view shows: how finely agents-by-state is cut, and how often at most
 * state changes reload the charts (each answer replays the daemon's event log).
 */
export const WINDOWS = [
  { value: '1h', label: '1 h', ms: 3_600_000, buckets: 240, throttleMs: 3_000 },
  { value: '24h', label: '24 h', ms: 86_400_000, buckets: 288, throttleMs: 10_000 },
  { value: '7d', label: '7 d', ms: 7 * 86_400_000, buckets: 336, throttleMs: 30_000 },
] as const;

export type MetricsWindow = (typeof WINDOWS)[number];

/** The start of the window ending now, as the report routes take it. */
export function windowSince(w: MetricsWindow): string {
  return new Date(Date.now() - w.ms).toISOString();
}
