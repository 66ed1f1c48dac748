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

/** "14:05" for a time today, "Mon 14:05" within the week, for chart axes. */
export function formatTick(t: number, windowMs: number): string {
  const d = new Date(t);
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return windowMs > 86_400_000 ? `${d.toLocaleDateString([], { weekday: 'short' })} ${hm}` : hm;
}
