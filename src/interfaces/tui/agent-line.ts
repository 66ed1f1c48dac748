import type { AgentView } from '../../protocol/agent.js';
import { prBadge } from '../../protocol/pr-words.js';
import { stateWhy } from '../../protocol/state-why.js';
import { actsUnasked, modeName, PERMISSION_MODE_WORDS } from '../../protocol/permission-words.js';
import { bytes, duration, paint, stateColor, stateLabel } from '../cli/format.js';
import { cellText } from '../../protocol/terminal-text.js';
import { contextBar, costWords } from '../../protocol/usage-words.js';

/** One glyph per state, so states differ without colours too (`NO_COLOR`). */
export const STATE_ICONS: Record<AgentView['state'], string> = {
  starting: '…',
  running: '▶',
  working: '●',
  needs_permission: '!',
  needs_input: '?',
  idle: '○',
  exited: '■',
  crashed: '✖',
};

/**
 * `text` cut (with …) or padded to exactly `n` columns (code points; agents' names are ASCII), its
 * control characters shown as escapes first (`\x1b`, `\n`): every cell of the TUI is made here,
 * and what it shows comes from users, agents, repositories and the fleet's database.
 */
export function fit(text: string, n: number): string {
  if (n <= 0) return '';
  const chars = [...cellText(text)];
  if (chars.length > n) return `${chars.slice(0, Math.max(0, n - 1)).join('')}…`;
  return chars.join('') + ' '.repeat(n - chars.length);
}

/** The short "why": what it asks, what its CLI said, or its state in words (`wtp why`: the signal). */
export function whyText(a: AgentView): string {
  return stateWhy(a, 120);
}

/** `auto mode`: the permission mode of an agent that acts without asking, else ''. */
export function unaskedBadge(a: AgentView): string {
  const p = a.permission;
  return p && actsUnasked(p.mode) ? `${p.mode} mode` : '';
}

/** `mode auto — runs the commands it judges safe without asking` (the preview's title), or ''. */
export function permissionTitle(a: AgentView): string {
  const p = a.permission;
  // A sandboxed agent says so first (docs/sandbox.md): what it does unasked stays inside its sandbox.
  const sandboxed = a.sandbox ? 'sandboxed' : '';
  if (!p) return sandboxed;
  const mode = `mode ${modeName(p)}${actsUnasked(p.mode) ? ` — ${PERMISSION_MODE_WORDS[p.mode]}` : ''}`;
  return sandboxed ? `${sandboxed} · ${mode}` : mode;
}

/** `+12 -3 4f` of its uncommitted and committed changes, or '' without a worktree or changes. */
export function diffText(a: AgentView): string {
  const s = a.diffStat;
  if (!s || s.files === 0) return '';
  return `+${s.insertions} -${s.deletions} ${s.files}f`;
}

/** `$0.0186 31%`: what the agent cost and its context fill, or '' before any usage. */
export function usageBadge(a: AgentView): string {
  const u = a.usage;
  if (!u) return '';
  const fill = u.context?.percent;
  return `${costWords(u)}${fill === null || fill === undefined ? '' : ` ${Math.round(fill)}%`}`;
}

/** `cost $0.0186 · context [███░░░░░░░] 31%` (the preview's title), or ''. */
export function usageTitle(a: AgentView): string {
  const u = a.usage;
  if (!u) return '';
  return `cost ${costWords(u)}${u.context ? ` · context ${contextBar(u.context)}` : ''}`;
}

export interface LineOptions {
  width: number;
  selected: boolean;
  color: boolean;
  now: number;
  /** The agents (or base branch) its branch would conflict with. */
  conflicts: readonly string[] | undefined;
  /** The name as shown, when not its own (a worker under its lead: `└─ api`). */
  name?: string | undefined;
}

/** The list's three columns: what is left of the age, the age, and what is right of it. */
export interface AgentColumns {
  left: string;
  age: string;
  right: string;
}

const AGE_W = 7;
const STATE_W = 17;
const nameWidth = (width: number): number => Math.min(18, Math.max(8, Math.floor(width * 0.16)));

/** The columns' widths at this list width, or null when the list is narrower than the fixed ones. */
export function columnWidths(width: number): Record<keyof AgentColumns, number> | null {
  const left = 4 + nameWidth(width) + 1 + STATE_W + 1;
  return width < left + AGE_W ? null : { left, age: AGE_W, right: width - left - AGE_W };
}

/**
 * One agent in the list, exactly `width` columns: selection mark, state icon, name, state, age,
 * the mode of an agent that acts without asking (`auto mode`), why, and — where there is room — branch with diff stat, pull request and checks (`#12 ✗`),
 * conflict warning, cost and context fill, CPU and memory.
 */
export function agentLine(a: AgentView, o: LineOptions): string {
  const { left, age, right } = agentColumns(a, o);
  return selectedLine(left, o) + selectedLine(age, o) + selectedLine(right, o);
}

/** The selected row in reverse video (in colour; the mark says it without). */
function selectedLine(text: string, o: LineOptions): string {
  return o.selected && o.color ? `\x1b[7m${text.replaceAll('\x1b[0m', '\x1b[0m\x1b[7m')}\x1b[0m` : text;
}

function ageCell(a: AgentView, o: LineOptions): string {
  return paint(o.color, 'gray', fit(duration(Math.max(0, o.now - Date.parse(a.stateSince))), AGE_W));
}

/** `agentLine` cut around its age (not yet in reverse video). */
function agentColumns(a: AgentView, o: LineOptions): AgentColumns {
  const c = o.color;
  const mark = o.selected ? '▸' : ' ';
  const icon = STATE_ICONS[a.state];
  const warn = o.conflicts && o.conflicts.length > 0 ? `⚠ ${o.conflicts.join(',')}` : '';
  const stats = a.stats ? `${a.stats.cpuPercent.toFixed(0)}% ${bytes(a.stats.rssBytes)}` : '';
  const branch = a.worktree?.branch ?? '';
  const diff = diffText(a);
  const wide = o.width >= 110;
  const nameW = nameWidth(o.width);
  const pr = a.pullRequest ? prBadge(a.pullRequest) : '';
  const tail = [
    wide && branch ? `${branch}${diff ? ` ${diff}` : ''}` : diff,
    pr,
    warn,
    usageBadge(a),
    wide ? stats : '',
  ]
    .filter((s) => s !== '')
    .join('  ');
  const fixed = 4 + nameW + 1 + STATE_W + 1 + AGE_W;
  const tailW = Math.min([...tail].length, Math.max(0, o.width - fixed - 12));
  const whyW = Math.max(0, o.width - fixed - (tailW > 0 ? tailW + 2 : 0));
  // A waiting agent's why says what it asks: its state alone fits the column.
  const stateText = fit(
    a.state === 'needs_input' || a.state === 'needs_permission' ? a.state : stateLabel(a),
    STATE_W,
  );
  const left = [
    `${mark} `,
    paint(c, stateColor(a), `${icon} `),
    fit(o.name ?? a.name, nameW),
    ' ',
    paint(c, stateColor(a), stateText),
    ' ',
  ].join('');
  const right =
    whyCell(a, whyW, c) + (tailW > 0 ? `  ${paint(c, warn ? 'yellow' : 'gray', fit(tail, tailW))}` : '');
  return { left, age: ageCell(a, o), right };
}

const keptColumns = new WeakMap<AgentView, { key: string; columns: AgentColumns }>();

/**
 * `agentLine`'s columns, each in reverse video when selected. Left and right are kept with the
 * agent's object (a change to an agent brings a new object) while the options are the same: a
 * repaint builds only what changed, and the once-a-second one only the ages.
 */
export function keptAgentColumns(a: AgentView, o: LineOptions): AgentColumns {
  const key = JSON.stringify([o.width, o.selected, o.color, o.conflicts ?? null, o.name ?? null]);
  let kept = keptColumns.get(a);
  if (kept?.key !== key) {
    const { left, right } = agentColumns(a, o);
    kept = { key, columns: { left: selectedLine(left, o), age: '', right: selectedLine(right, o) } };
    keptColumns.set(a, kept);
  }
  return { ...kept.columns, age: selectedLine(ageCell(a, o), o) };
}

/** The why column: `auto mode ` (yellow; red for bypass) before the why, in exactly `width` columns. */
function whyCell(a: AgentView, width: number, color: boolean): string {
  const badge = unaskedBadge(a);
  if (badge === '') return fit(whyText(a), width);
  const tint = a.permission?.mode === 'bypass' ? 'red' : 'yellow';
  if (width <= badge.length + 1) return paint(color, tint, fit(badge, width));
  return `${paint(color, tint, badge)} ${fit(whyText(a), width - badge.length - 1)}`;
}
