import type { AgentView } from '../../protocol/agent.js';
import { cellText } from '../../protocol/terminal-text.js';

const codes = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  gray: 90,
  bold: 1,
} as const;

export function paint(on: boolean, color: keyof typeof codes, text: string): string {
  return on ? `\x1b[${codes[color]}m${text}\x1b[0m` : text;
}

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

/** `running`, `exited(0)`, `exited(SIGTERM)`, `starting(restart 2)`, `crashed(crash_loop)`. */
export function stateLabel(a: AgentView): string {
  const d = a.stateDetail;
  switch (a.state) {
    case 'exited':
      // Why, when the exit status alone would mislead (a closed pane ends its agent with SIGHUP).
      return d.reason === 'pane_closed' ? 'exited(pane closed)' : `exited(${d.signal ?? d.exitCode ?? '?'})`;
    case 'crashed':
      return `crashed(${d.reason})`;
    case 'starting':
      return d.reason === 'restarting' ? `starting(restart ${d.attempt ?? ''})` : 'starting';
    case 'needs_permission':
    case 'needs_input':
    case 'idle':
      return d.reason && !['at_prompt', 'turn_done', 'permission'].includes(d.reason)
        ? `${a.state}(${d.reason})`
        : a.state;
    case 'working':
      return d.stalled ? 'working(stalled?)' : 'working';
    default:
      return a.state;
  }
}

export function stateColor(a: AgentView): 'green' | 'yellow' | 'gray' | 'red' | 'cyan' | 'magenta' {
  switch (a.state) {
    case 'running':
    case 'working':
      return 'green';
    case 'needs_permission':
    case 'needs_input':
      return 'magenta';
    case 'idle':
      return 'cyan';
    case 'starting':
      return 'yellow';
    case 'crashed':
      return 'red';
    default:
      return 'gray';
  }
}

/** Left-aligned columns; `paintCell` may colour a cell after it is padded. */
export function table(
  header: string[],
  rows: string[][],
  paintCell: (row: number, col: number, padded: string) => string = (_r, _c, s) => s,
): string {
  // A folder name or title in a cell must neither break its row nor reach the terminal.
  rows = rows.map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[], row: number): string =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0);
        return row < 0 ? padded : paintCell(row, i, padded);
      })
      .join('  ')
      .trimEnd();
  return [fmt(header, -1), ...rows.map((r, i) => fmt(r, i))].join('\n');
}

export function shortenHome(path: string, home: string): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

/** "worktree PATH on branch B (from BASE)" for an agent in a worktree of its own; null otherwise. */
export function worktreeLine(a: AgentView, home: string): string | null {
  const wt = a.worktree;
  if (!wt?.owned || wt.branch === null) return null;
  return `worktree ${shortenHome(wt.path, home)} on branch ${wt.branch} (from ${wt.base})`;
}

/** `2026-11-24T12:03:04.000Z` as the local `12:03:04` (as `wtp ls` says it). */
export function clockTime(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}
