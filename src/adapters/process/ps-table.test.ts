import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCpuTime, parseLstart, parsePs } from './ps-table.js';

/** `ps -A -o pid=,ppid=,pgid=,sess=,stat=,rss=,time=,lstart=` as macOS and procps print it (TZ=UTC, LC_ALL=C). */
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../test/fixtures/ps', name), 'latin1');

describe('ps output', () => {
  it('reads macOS ps: the session as a pointer shared by its members, CPU as minutes:seconds.centiseconds', () => {
    const rows = parsePs(fixture('macos-ps.txt'));
    expect(rows.map((r) => r.pid)).toEqual([1, 412, 413, 977]);
    expect(rows[0]).toEqual({
      pid: 1,
      ppid: 0,
      pgid: 1,
      session: 'ffffff801f2a3c40',
      state: 'S',
      startS: Date.UTC(2026, 10, 23, 5, 59, 22) / 1000,
      cpuMs: (123 * 60 + 45.67) * 1000,
      rssBytes: 15744 * 1024,
    });
    expect(rows[1]?.session).toBe(rows[2]?.session);
    expect(rows[1]?.startS).toBe(Date.UTC(2026, 10, 3, 6, 1, 2) / 1000); // "Nov  3": a padded day
    expect(rows[2]?.cpuMs).toBe((3600 + 2 * 60 + 3.45) * 1000);
    expect(rows[3]?.state).toBe('Z');
  });

  it('reads procps ps: the session id, CPU as [DD-]HH:MM:SS', () => {
    const rows = parsePs(fixture('procps-ps.txt'));
    expect(rows[1]).toMatchObject({
      pid: 2210,
      session: '2210',
      cpuMs: (26 * 3600 + 3 * 60 + 4) * 1000,
      rssBytes: 5120 * 1024,
    });
  });

  it('skips what is not a row, and never takes a bad date for a time', () => {
    expect(parsePs('garbage\n\n  12 1 12 12 S 4 0:01.00 Mon Foo 23 05:59:22 2026\n')).toEqual([]);
    expect(parseLstart('Mon Nov 23 25:99:22')).toBeNaN();
    expect(parseCpuTime('n/a')).toBe(0);
  });
});
