/** Calendar days for reports: which day an instant falls on, and when that day ends. */
export interface Calendar {
  /** The time zone the days are in, e.g. Europe/Paris (reported with the days). */
  readonly timeZone: string;
  /** The day of the instant, YYYY-MM-DD. */
  dayOf(ms: number): string;
  /** The first instant of the next day (always later than `ms`). */
  nextDayStart(ms: number): number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Days of the process's local time zone (the daemon's), daylight-saving changes included. */
export const localCalendar: Calendar = {
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'local',
  dayOf(ms) {
    const d = new Date(ms);
    return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  },
  nextDayStart(ms) {
    const d = new Date(ms);
    // Local midnight of the next date; where midnight does not exist, the first instant after it.
    const next = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    return next > ms ? next : ms + 1;
  },
};

const DAY_MS = 86_400_000;

/** Days of a fixed offset from UTC in minutes (e.g. +60, -300), for tests and fixed-offset zones. */
export function fixedOffsetCalendar(offsetMinutes: number): Calendar {
  const offset = offsetMinutes * 60_000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return {
    timeZone: `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
    dayOf: (ms) => new Date(ms + offset).toISOString().slice(0, 10),
    nextDayStart: (ms) => (Math.floor((ms + offset) / DAY_MS) + 1) * DAY_MS - offset,
  };
}
