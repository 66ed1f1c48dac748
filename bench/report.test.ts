import { describe, expect, it } from 'vitest';
import { latencyResult } from './report.js';

describe('a latency figure against its goal', () => {
  // 99 fast samples and one slow one: the p50 is 1 ms, the p99 is not.
  const samples = [...Array.from({ length: 98 }, () => 1), 90, 90];

  it('a goal on the p99 is judged on the p99, not on the value (the p50)', () => {
    const r = latencyResult({ samples, target: { text: 'p99 < 50 ms', below: 50, stat: 'p99' }, note: '' });
    expect(r.value).toBe(1);
    expect(r.meetsTarget).toBe(false);
  });

  it('a goal with no statistic is on the p50', () => {
    expect(latencyResult({ samples, target: { text: '< 50 ms', below: 50 }, note: '' }).meetsTarget).toBe(
      true,
    );
  });
});
