import type { StatsHistory, StatsSample } from '../../../src/protocol/metrics.js';

/** One CPU/RSS sample of an agent (`t` in ms since the epoch, daemon clock). */
export type Sample = StatsSample;

/**
 * Merges a `GET /api/v1/stats/history` answer into what was known: new samples are appended and
 * each agent keeps the daemon's last `historySize`; agents the answer no longer lists (removed)
 * are dropped; an agent without new samples keeps its array (so memoised charts skip it).
 */
export function mergeHistory(known: Map<string, Sample[]>, answer: StatsHistory): Map<string, Sample[]> {
  const next = new Map<string, Sample[]>();
  for (const a of answer.agents) {
    const prev = known.get(a.id) ?? [];
    const last = prev.at(-1)?.t ?? -Infinity;
    const fresh = a.samples.filter((s) => s.t > last);
    next.set(a.id, fresh.length === 0 ? prev : [...prev, ...fresh].slice(-answer.historySize));
  }
  return next;
}
