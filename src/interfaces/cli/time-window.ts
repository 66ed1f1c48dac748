import { fieldError } from './route-flags.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A point in time as `wtp report --since/--until` take it: a duration back from `now` (`30m`,
 * `24h`, `7d`, `2w`), a local date (`2026-11-01`, its midnight) or an ISO-8601 time
 * (`2026-11-01T09:00`, local unless it names an offset). null when it is none of these.
 */
export function parseWhen(value: string, now: number): number | null {
  const text = value.trim();
  const ago = /^(\d{1,6})([mhdw])$/.exec(text);
  if (ago) return now - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS];
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const at = new Date(y, m - 1, d);
    // new Date rolls 2026-02-30 over to March: only a real date round-trips.
    return at.getFullYear() === y && at.getMonth() === m - 1 && at.getDate() === d ? at.getTime() : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

/** `parseWhen` for an option: an unreadable value is INVALID_INPUT (exit status 2). */
export function whenOption(value: string, option: string, now: number): number {
  const at = parseWhen(value, now);
  if (at !== null) return at;
  const message = 'must be a duration back from now (30m, 24h, 7d, 2w), a date (2026-11-01) or an ISO time';
  throw fieldError(`${option} ${message}, not "${value}".`, option, message);
}
