import type { ReportDurations, TimeReport } from '../../protocol/report.js';
import { table } from './format.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `45s`, `12m 05s`, `1h 02m`, `26h 10m`; `-` for nothing. */
export function humanDuration(ms: number): string {
  if (ms <= 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad2(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${pad2(m % 60)}m`;
}

/** `2026-11-22 15:04` in the CLI's local time. */
function localTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

const TIME_HEADER = ['WORKING', 'WAITING FOR YOU', 'IDLE', 'OTHER', 'WAITS', 'LONGEST WAIT'];

const timeCells = (d: ReportDurations): string[] => [
  humanDuration(d.workingMs),
  humanDuration(d.waitingMs),
  humanDuration(d.idleMs),
  humanDuration(d.otherMs),
  waitsText(d),
  humanDuration(d.longestWaitMs),
];

/** `3`, or with who answered the waits an answer ended: `3 (cli 1, policy 1)`. */
function waitsText(d: ReportDurations): string {
  const by = Object.entries(d.answeredBy ?? {}).filter(([, n]) => n > 0);
  return by.length === 0 ? String(d.waits) : `${d.waits} (${by.map(([via, n]) => `${via} ${n}`).join(', ')})`;
}

/**
 * `wtp report` as text: per workspace per day (with a total), then per task, then per agent.
 * OTHER is starting or running (alive, activity unknown: shell and cmd agents).
 */
export function reportText(r: TimeReport): string[] {
  const scope = r.workspace === null ? '' : ` · workspace ${r.workspace}`;
  const lines = [`time from ${localTime(r.since)} to ${localTime(r.until)}${scope} (days in ${r.timeZone})`];
  if (r.days.length === 0) return [...lines, 'no agent time in this window'];
  lines.push(
    '',
    table(
      ['DAY', 'WORKSPACE', ...TIME_HEADER],
      [...r.days.map((d) => [d.day, d.workspace, ...timeCells(d)]), ['total', '', ...timeCells(r.totals)]],
    ),
  );
  if (r.tasks.length > 0)
    lines.push(
      '',
      table(
        ['TASK', 'TITLE', 'STATUS', 'WORKSPACE', ...TIME_HEADER],
        r.tasks.map((t) => [t.id, t.title, t.status, t.workspace, ...timeCells(t)]),
      ),
    );
  lines.push(
    '',
    table(
      ['AGENT', 'WORKSPACE', 'PROFILE', 'TASK', ...TIME_HEADER],
      r.agents.map((a) => [
        a.removed ? `${a.name} (removed)` : a.name,
        a.workspace,
        a.profile,
        a.task ?? '-',
        ...timeCells(a),
      ]),
    ),
  );
  return lines;
}
