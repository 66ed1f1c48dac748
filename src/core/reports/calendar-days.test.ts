import { describe, expect, it } from 'vitest';
import { fixedOffsetCalendar, localCalendar } from './calendar-days.js';

/** 2026-11-10 12:00 UTC. */
const T0 = Date.UTC(2026, 10, 10, 12);

describe('calendars', () => {
  it('fixed offsets: the day and the next day start', () => {
    const cal = fixedOffsetCalendar(60);
    const lateEvening = Date.UTC(2026, 10, 10, 22, 59, 59, 999);
    expect(cal.dayOf(lateEvening)).toBe('2026-11-10');
    expect(cal.dayOf(lateEvening + 1)).toBe('2026-11-11');
    expect(cal.nextDayStart(lateEvening)).toBe(lateEvening + 1);
    expect(cal.nextDayStart(lateEvening + 1)).toBe(Date.UTC(2026, 10, 11, 23));
    expect(fixedOffsetCalendar(-570).timeZone).toBe('UTC-09:30');
  });

  it('the local calendar: a day ends at the next local midnight, whatever the zone', () => {
    for (const at of [T0, Date.UTC(2026, 2, 29, 0, 30), Date.UTC(2026, 9, 25, 1, 30)]) {
      const next = localCalendar.nextDayStart(at);
      expect(next).toBeGreaterThan(at);
      expect(localCalendar.dayOf(next - 1)).toBe(localCalendar.dayOf(at));
      expect(localCalendar.dayOf(next)).not.toBe(localCalendar.dayOf(at));
      const d = new Date(next);
      expect(localCalendar.dayOf(next)).toBe(
        `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`,
      );
    }
  });
});
