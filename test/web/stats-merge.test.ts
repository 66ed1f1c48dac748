import { describe, expect, it } from 'vitest';
import type { StatsHistory } from '../../src/protocol/metrics.js';
import { mergeHistory, type Sample } from '../../web/src/metrics/stats-merge.js';

const s = (t: number): Sample => ({ t, cpuPercent: t / 10, rssBytes: t * 1000 });
const answer = (historySize: number, agents: Record<string, number[]>): StatsHistory => ({
  intervalMs: 2000,
  historySize,
  agents: Object.entries(agents).map(([id, ts]) => ({
    id,
    name: id,
    workspace: 'default',
    samples: ts.map(s),
  })),
});

/** The dashboard's merge of polled stats history (web/src/metrics/stats-merge.ts). */
describe('mergeHistory', () => {
  it('appends new samples and keeps the last historySize per agent', () => {
    const one = mergeHistory(new Map(), answer(3, { a: [1, 2] }));
    expect(one.get('a')).toEqual([s(1), s(2)]);
    const two = mergeHistory(one, answer(3, { a: [3, 4] }));
    expect(two.get('a')).toEqual([s(2), s(3), s(4)]);
  });

  it('keeps the same array for an agent without new samples, and ignores samples it already has', () => {
    const one = mergeHistory(new Map(), answer(5, { a: [1, 2], b: [1] }));
    const two = mergeHistory(one, answer(5, { a: [], b: [1, 2] }));
    expect(two.get('a')).toBe(one.get('a'));
    expect(two.get('b')).toEqual([s(1), s(2)]);
  });

  it('drops the agents the daemon no longer lists (removed)', () => {
    const one = mergeHistory(new Map(), answer(5, { a: [1], b: [1] }));
    expect([...mergeHistory(one, answer(5, { b: [2] })).keys()]).toEqual(['b']);
  });
});
