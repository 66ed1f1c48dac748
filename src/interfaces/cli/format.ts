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

/**
 * How a table fits its terminal: columns drop in `drop` order (else from the right), never the
 * first one or those in `keep` (a state is never cut); the `flex` column (free text, last) is cut
 * with "…" before a column drops, down to FLEX_MIN. Without a width, rows are whole (a pipe).
 */
export interface TableFit {
  width: number | null;
  keep?: readonly string[];
  drop?: readonly string[];
  flex?: string;
}

const FLEX_MIN = 24;
const GAP = 2;

/** Left-aligned columns; `paintCell` may colour a cell after it is padded (`col`: its index in `header`). */
export function table(
  header: string[],
  rows: string[][],
  paintCell: (row: number, col: number, padded: string) => string = (_r, _c, s) => s,
  fit: TableFit = { width: null },
): string {
  // A folder name or title in a cell must neither break its row nor reach the terminal.
  rows = rows.map((r) => r.map(cellText));
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const { cols, cut } = fitColumns(header, natural, fit);
  const widths = cols.map((i) => (i === cut?.col ? cut.width : (natural[i] ?? 0)));
  const cell = (cells: string[], i: number): string => {
    const c = cells[i] ?? '';
    return i === cut?.col && c.length > cut.width ? `${c.slice(0, cut.width - 1)}…` : c;
  };
  const fmt = (cells: string[], row: number): string =>
    cols
      .map((i, k) => {
        const c = cell(cells, i);
        const padded = k === cols.length - 1 ? c : c.padEnd(widths[k] ?? 0);
        return row < 0 ? padded : paintCell(row, i, padded);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [fmt(header, -1), ...rows.map((r, i) => fmt(r, i))].join('\n');
}

/** The columns shown (indexes into the header) and the flex column's cut, for `fit.width`. */
function fitColumns(
  header: readonly string[],
  natural: readonly number[],
  fit: TableFit,
): { cols: number[]; cut?: { col: number; width: number } } {
  let cols = header.map((_h, i) => i);
  const width = fit.width;
  if (width === null) return { cols };
  const kept = (i: number): boolean => i === 0 || (fit.keep ?? []).includes(header[i] ?? '');
  const named = (fit.drop ?? []).map((n) => header.indexOf(n)).filter((i) => i >= 0);
  const rest = cols.filter((i) => !named.includes(i)).reverse();
  const order = [...named, ...rest].filter((i) => !kept(i) && header[i] !== fit.flex);
  const flex = fit.flex === undefined ? -1 : header.indexOf(fit.flex);
  for (;;) {
    const total = cols.reduce((n, i) => n + (natural[i] ?? 0), 0) + GAP * (cols.length - 1);
    if (total <= width) return { cols };
    if (cols.includes(flex)) {
      const room = width - (total - (natural[flex] ?? 0));
      if (room >= FLEX_MIN) return { cols, cut: { col: flex, width: room } };
    }
    const next = order.find((i) => cols.includes(i));
    if (next === undefined)
      return cols.includes(flex) ? { cols, cut: { col: flex, width: FLEX_MIN } } : { cols };
    cols = cols.filter((i) => i !== next);
  }
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
