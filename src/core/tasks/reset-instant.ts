/**
 * Turns a usage-limit reset phrase, as the vendor wrote it (see detectors/reset-time.ts), into an
 * instant: "2026-11-22T15:00:00Z", "1763823600", "in 2h 10m", "in 45 minutes", "3pm",
 * "3:30 PM (Europe/Paris)", "15:00 UTC". A bare clock time is its next occurrence after `now`, in
 * the named time zone or else the daemon's. Anything else (or an unknown zone) is null: the
 * caller then waits for the user.
 */
export function resetInstant(text: string, now: number): number | null {
  const t = text.trim();
  if (/^\d{10}$/.test(t)) return Number(t) * 1000;
  if (/^\d{13}$/.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  const span = /^in\s+(.+)$/i.exec(t);
  if (span?.[1] !== undefined) {
    const ms = spanMs(span[1]);
    return ms === null ? null : now + ms;
  }
  const clock = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?\s*(?:\(([^)]+)\)|([A-Z][A-Za-z_+\-/0-9]*))?$/i.exec(
    t,
  );
  if (!clock) return null;
  let hour = Number(clock[1]);
  const minute = Number(clock[2] ?? 0);
  const meridiem = clock[3]?.toLowerCase().replace(/\./g, '');
  if (meridiem === undefined && clock[2] === undefined) return null; // "3" alone is not a time
  if (meridiem !== undefined && (hour < 1 || hour > 12)) return null;
  if (meridiem === 'pm' && hour !== 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) return null;
  const zone = clock[4] ?? clock[5];
  try {
    return nextWallTime(hour, minute, zone === undefined ? undefined : zone.trim(), now);
  } catch {
    return null; // an unknown time zone
  }
}

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

/** "2h 10m", "2 hours 3 minutes", "45 min", "1 day" → ms, or null. */
function spanMs(text: string): number | null {
  const parts = [
    ...text.matchAll(/(\d+)\s*(d(?:ays?)?|h(?:(?:ou)?rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b/gi),
  ];
  if (parts.length === 0) return null;
  return parts.reduce(
    (sum, p) => sum + Number(p[1]) * (UNITS[(p[2] as string)[0]?.toLowerCase() ?? ''] ?? 0),
    0,
  );
}

/** The next instant after `now` whose wall clock in `zone` (default: local) reads hour:minute. */
function nextWallTime(hour: number, minute: number, zone: string | undefined, now: number): number {
  for (let day = 0; day <= 1; day++) {
    const at = wallTime(now + day * 86_400_000, hour, minute, zone);
    if (at > now) return at;
  }
  return wallTime(now + 2 * 86_400_000, hour, minute, zone);
}

function wallTime(near: number, hour: number, minute: number, zone: string | undefined): number {
  if (zone === undefined || /^(utc|gmt|z)$/i.test(zone)) {
    const d = new Date(near);
    if (zone !== undefined)
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, minute);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate(), hour, minute).getTime();
  }
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fields = (t: number): Record<string, number> =>
    Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]));
  const offset = (t: number): number => {
    const p = fields(t);
    return (
      Date.UTC(p['year'] ?? 0, (p['month'] ?? 1) - 1, p['day'], p['hour'], p['minute'], p['second']) -
      Math.floor(t / 1000) * 1000
    );
  };
  const today = fields(near);
  const guess = Date.UTC(today['year'] ?? 0, (today['month'] ?? 1) - 1, today['day'], hour, minute);
  const first = guess - offset(guess);
  return guess - offset(first);
}
