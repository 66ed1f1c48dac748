import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/app-error.js';
import { parseWhen, whenOption } from './time-window.js';

const NOW = Date.UTC(2026, 10, 22, 15, 0, 0);

describe('parseWhen', () => {
  it('reads durations back from now', () => {
    expect(parseWhen('30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseWhen('24h', NOW)).toBe(NOW - 24 * 3_600_000);
    expect(parseWhen('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseWhen('2w', NOW)).toBe(NOW - 14 * 86_400_000);
  });

  it('reads a date as its local midnight, and refuses a date that does not exist', () => {
    expect(parseWhen('2026-11-01', NOW)).toBe(new Date(2026, 10, 1).getTime());
    expect(parseWhen('2026-02-30', NOW)).toBeNull();
    expect(parseWhen('2026-13-01', NOW)).toBeNull();
  });

  it('reads ISO times, with an offset or local', () => {
    expect(parseWhen('2026-11-01T09:30:00Z', NOW)).toBe(Date.UTC(2026, 10, 1, 9, 30));
    expect(parseWhen('2026-11-01T09:30:00+01:00', NOW)).toBe(Date.UTC(2026, 10, 1, 8, 30));
    expect(parseWhen('2026-11-01T09:30', NOW)).toBe(new Date(2026, 10, 1, 9, 30).getTime());
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'yesterday', '7', '7y', '-1d', '1.5h', '2026-11', '2026-11-01T25:00', 'Nov 1'])
      expect(parseWhen(bad, NOW), bad).toBeNull();
  });
});

describe('whenOption', () => {
  it('is INVALID_INPUT naming the option', () => {
    let err: unknown;
    try {
      whenOption('last week', '--since', NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: '--since' }] } });
  });
});
