import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../protocol/signals.js';
import { lateBy } from '../why-text.js';

describe('wtp why: a signal that reached the daemon late', () => {
  const signal = (late: number | undefined): Signal => ({
    source: 'screen',
    state: 'idle',
    evidence: 'screen gemini/composer line 35',
    at: 1_000_000,
    ...(late === undefined ? {} : { receivedAt: 1_000_000 + late }),
  });

  it('says how late from 2 s on, and nothing sooner or when the time is unknown', () => {
    expect(lateBy(signal(16_060))).toBe(' (reached the daemon 16.1 s later)');
    expect(lateBy(signal(2_000))).toBe(' (reached the daemon 2.0 s later)');
    expect(lateBy(signal(1_999))).toBe('');
    expect(lateBy(signal(undefined))).toBe('');
  });
});
