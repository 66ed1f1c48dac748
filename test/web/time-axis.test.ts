import { describe, expect, it } from 'vitest';
import { timeAxis } from '../../web/src/metrics/format.js';

const MIN = 60_000;
/** A local time today (the axis rounds on the wall clock). */
const at = (h: number, m: number, s = 0): number => new Date(2026, 10, 22, h, m, s).getTime();
const labels = (from: number, to: number, max?: number, bucket?: number): string[] => {
  const axis = timeAxis(from, to, max, bucket);
  return axis.ticks.map(axis.format);
};

/** The metrics charts' time axis (web/src/metrics/format.ts `timeAxis`). */
describe('the time axis of the metrics charts', () => {
  it('labels buckets within one minute with their seconds, never the same label twice', () => {
    // Agents by state in the 1 h window: 15 s buckets, six rows so far (the defect: "14:00 14:00 14:00").
    // (The daemon's buckets are a few ms longer than 15 s: the ticks stay 15 s apart.)
    expect(labels(at(14, 0, 0), at(14, 1, 15), 6, 15_001)).toEqual([
      '14:00:00',
      '14:00:15',
      '14:00:30',
      '14:00:45',
      '14:01:00',
      '14:01:15',
    ]);
  });

  it('picks a round step for the range, on round local times, no finer than a bucket', () => {
    expect(labels(at(13, 2), at(14, 2), 6, 15_000)).toEqual([
      '13:10',
      '13:20',
      '13:30',
      '13:40',
      '13:50',
      '14:00',
    ]);
    expect(labels(at(9, 7), at(9, 37), 6, 5 * MIN)).toEqual([
      '09:10',
      '09:15',
      '09:20',
      '09:25',
      '09:30',
      '09:35',
    ]);
    // The 24 h window: every few hours.
    const day = labels(at(14, 3) - 86_400_000, at(14, 3), 6, 5 * MIN);
    expect(day.every((l) => /^\d\d:00$/.test(l))).toBe(true);
    expect(day.length).toBeGreaterThanOrEqual(4);
  });

  it('names the day when the range spans more than one, and keeps every label distinct', () => {
    const week = labels(at(14, 3) - 7 * 86_400_000, at(14, 3), 6, 30 * MIN);
    expect(week.every((l) => /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d+$/.test(l))).toBe(true);
    const twoDays = labels(at(14, 3) - 2 * 86_400_000, at(14, 3), 6, 5 * MIN);
    expect(twoDays.every((l) => /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d\d:00$/.test(l))).toBe(true);
    for (const l of [week, twoDays, labels(at(14, 0), at(14, 0) + 86_400_000, 24, 5 * MIN)]) {
      expect(new Set(l).size).toBe(l.length);
    }
  });
});
