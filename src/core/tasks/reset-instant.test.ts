import { describe, expect, it } from 'vitest';
import { resetInstant } from './reset-instant.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const iso = (text: string, now = NOW): string | null => {
  const at = resetInstant(text, now);
  return at === null ? null : new Date(at).toISOString();
};

describe('resetInstant', () => {
  it('reads absolute times', () => {
    expect(iso('2026-11-22T15:00:00Z')).toBe('2026-11-22T15:00:00.000Z');
    expect(iso('1763823600')).toBe('2025-11-22T15:00:00.000Z');
    expect(iso('1763823600000')).toBe('2025-11-22T15:00:00.000Z');
  });

  it('reads spans from now', () => {
    expect(iso('in 2h 10m')).toBe('2026-11-22T12:10:00.000Z');
    expect(iso('in 2 hours 3 minutes')).toBe('2026-11-22T12:03:00.000Z');
    expect(iso('in 45 min')).toBe('2026-11-22T10:45:00.000Z');
    expect(iso('in 1 day')).toBe('2026-11-23T10:00:00.000Z');
  });

  it('reads a clock time in a named zone as its next occurrence', () => {
    // Paris is UTC+1 in November.
    expect(iso('3:30 PM (Europe/Paris)')).toBe('2026-11-22T14:30:00.000Z');
    expect(iso('9am (Europe/Paris)')).toBe('2026-11-23T08:00:00.000Z');
    // New York is UTC-5 in November.
    expect(iso('9am (America/New_York)')).toBe('2026-11-22T14:00:00.000Z');
    expect(iso('15:00 UTC')).toBe('2026-11-22T15:00:00.000Z');
    expect(iso('12am UTC')).toBe('2026-11-23T00:00:00.000Z');
    expect(iso('12pm UTC')).toBe('2026-11-22T12:00:00.000Z');
  });

  it('crosses a daylight-saving change in the zone', () => {
    // Europe/Paris leaves summer time on 2026-10-25 at 03:00 local.
    const before = Date.parse('2026-10-24T20:00:00Z');
    expect(iso('9am (Europe/Paris)', before)).toBe('2026-10-25T08:00:00.000Z');
  });

  it('reads a bare clock time in the daemon’s zone', () => {
    const at = resetInstant('3pm', NOW) as number;
    const d = new Date(at);
    expect([d.getHours(), d.getMinutes()]).toEqual([15, 0]);
    expect(at).toBeGreaterThan(NOW);
    expect(at - NOW).toBeLessThanOrEqual(86_400_000);
  });

  it('gives up on what it cannot read', () => {
    for (const text of ['3', 'tomorrow', '13pm', '25:00', '5pm (Not/AZone)', 'soon', 'in a while']) {
      expect(iso(text), text).toBeNull();
    }
  });
});
