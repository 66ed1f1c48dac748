import { execFileSync } from 'node:child_process';

/** One process as `ps` shows it, in the fields both procps (Linux) and BSD/macOS `ps` have. */
export interface PsRow {
  pid: number;
  ppid: number;
  pgid: number;
  /**
   * A token shared by the members of a session: procps prints the session id, macOS the kernel's
   * session pointer; equal tokens mean the same session, the number itself means nothing portable.
   */
  session: string;
  /** First letter of `stat`: Z is a zombie. */
  state: string;
  /** Start time, whole seconds since the epoch (`lstart`, printed in UTC). */
  startS: number;
  cpuMs: number;
  rssBytes: number;
}

/** Keywords both `ps` know; `lstart` (five words) last, so the others split on spaces. */
const FIELDS = 'pid=,ppid=,pgid=,sess=,stat=,rss=,time=,lstart=';
/** `ps` in the C locale and in UTC, so `lstart` parses the same everywhere. */
const PS_ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[DD-][HH:]MM:SS[.ss]` (procps `time`, macOS `time`) → milliseconds. */
export function parseCpuTime(text: string): number {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return 0;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return Math.round(((Number(d) * 24 + Number(h)) * 3600 + Number(min) * 60 + Number(s)) * 1000);
}

/** `Mon Nov 23 05:59:22 2026` (UTC) → seconds since the epoch, or NaN. */
export function parseLstart(text: string): number {
  const m = /^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(text.trim());
  if (!m) return Number.NaN;
  const month = MONTHS.indexOf(m[1] ?? '');
  if (month < 0) return Number.NaN;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
}

/** The rows of `ps -o <FIELDS>` output; lines that do not parse are skipped. */
export function parsePs(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 12) continue;
    const [pid, ppid, pgid, session = '', stat = '', rss, time = ''] = f;
    const startS = parseLstart(f.slice(7).join(' '));
    if (!Number.isInteger(Number(pid)) || Number.isNaN(startS)) continue;
    rows.push({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      session,
      state: stat.charAt(0),
      startS,
      cpuMs: parseCpuTime(time),
      rssBytes: Number(rss) * 1024,
    });
  }
  return rows;
}

/** Every process (`ps -A`), or only `pid`: zombies included (state Z); an empty list when none. */
export function psRows(pid?: number): PsRow[] {
  try {
    const out = execFileSync('ps', [...(pid === undefined ? ['-A'] : ['-p', String(pid)]), '-o', FIELDS], {
      env: PS_ENV,
      encoding: 'latin1',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parsePs(out);
  } catch {
    return []; // `ps -p` exits 1 when the process is gone
  }
}
