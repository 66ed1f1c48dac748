import type { ActivityState, PendingRequest, SignalReason } from '../../../protocol/signals.js';
import { questionOptions } from '../question-options.js';
import { withoutGapPanel, withoutPanel } from './screen-panels.js';

/**
 * Screen detector: reads an agent's state from the text of its visible screen (ANSI already
 * removed). Pure and stateless; the host debounces (it reports screen idle only after the screen
 * has been stable for a while). The patterns live in each vendor folder (src/vendors/<name>/detectors.ts), per version range.
 */

/** A dotted numeric version range: `from` inclusive, `to` exclusive; either may be absent. */
export interface VersionRange {
  from?: string;
  to?: string;
}

interface RuleBase {
  /** Short id, unique within the agent: the verdict's rule is `<agent>/<id>`. */
  id: string;
  state: ActivityState;
  reason?: SignalReason;
  /**
   * Where to look: `bottom` = the last BOTTOM_ROWS non-empty rows, `screen` (default) = the whole
   * window (the last WINDOW_ROWS non-empty rows).
   */
  within?: 'bottom' | 'screen';
  /** The rule does not fire when any of these matches in the same scope. */
  unless?: readonly RegExp[];
  /** Builds the reset time from a match (each match of the rule is tried in order). */
  resetsAt?: (m: RegExpMatchArray) => string | undefined;
  /**
   * What a dialog asks about (the command it would run, the file it would write): the first
   * capture group of this pattern's first hit in the window, or what `value` makes of the hit (a
   * path wrapped over two rows), when the rule fires (of several, the first that hits). Tested
   * like the rule's patterns.
   */
  about?: AboutPattern | readonly AboutPattern[];
  /**
   * A dialog, but not one the vendor's answers are known for (a catch-all after the known ones):
   * reported as waiting, and answered only with the keys the user names.
   */
  unknown?: boolean;
  /**
   * The tool a permission dialog asks for, by the CLI's own name, when the dialog's words tell it
   * and no hook does (Codex: "Would you like to make the following edits?" is `apply_patch`): a
   * name, or a pattern whose match in the window gives it (an MCP server's tool).
   */
  tool?: string | { pattern: RegExp; name: (m: RegExpMatchArray) => string };
}

/** Where a dialog's subject is read: a pattern's first group, or a value made from its match. */
export type AboutPattern = RegExp | { pattern: RegExp; value: (m: RegExpMatchArray) => string | undefined };

/**
 * A pattern is tested row by row (each row trimmed on the right), except a pattern whose source
 * contains `\n`: that one is tested against the scope's rows joined with `\n`, for structures
 * that span rows (a prompt box between two border lines).
 */
export type ScreenRule = RuleBase &
  ({ any: readonly RegExp[]; all?: never } | { all: readonly RegExp[]; any?: never });

export interface RuleSet {
  versions: VersionRange;
  rules: readonly ScreenRule[];
  /**
   * A decoration the CLI draws at the right end of its rows (Qwen Code's scrollbar), removed from
   * each row before the rules read it, so that a pattern anchored at the row's end still matches.
   */
  rowEnd?: RegExp;
  /**
   * The border a CLI draws between its rows and a panel at their right (Claude Code's changes
   * panel once files changed, at 160 columns and more): where most rows hold it in one column,
   * every row is cut there before the rules read it (`withoutPanel`).
   */
  panelBorder?: string;
  /**
   * The CLI draws a panel at the right of its rows with no border, only a gap (OpenCode's, from
   * about 160 columns): where several rows' text begins in one column that no row's text crosses,
   * every row is cut there before the rules read it (`withoutGapPanel`).
   */
  panelGap?: boolean;
}

/** Per agent (`claude`, `codex`, …), its rule sets. */
export type DetectorTable = Readonly<Record<string, readonly RuleSet[]>>;

export interface ScreenVerdict {
  state: ActivityState;
  reason?: SignalReason;
  resetsAt?: string;
  /** `<agent>/<rule id>`, e.g. "claude/permission-dialog". */
  rule: string;
  /** 0-based index into `screen.lines` of the row that matched. */
  line: number;
  /** The matched row, trimmed, at most TEXT_MAX characters. */
  text: string;
  /** What the dialog asks about (the rule's `about`), trimmed, at most TEXT_MAX characters. */
  about?: string;
  /** The rule is a catch-all for dialogs whose answers are not known (ScreenRule.unknown). */
  unknown?: true;
  /** The tool the dialog asks for (the rule's `tool`), when its words tell it. */
  tool?: string;
}

export interface ScreenText {
  lines: readonly string[];
  /** Reserved: the detector does not need it today. */
  cursorY?: number;
}

/** How many non-empty rows, counted from the bottom, the detector looks at. */
export const WINDOW_ROWS = 30;
/** How many non-empty rows, counted from the bottom, a `within: 'bottom'` rule looks at. */
export const BOTTOM_ROWS = 12;
const TEXT_MAX = 120;

/** Waiting first, then busy, then idle: a data table cannot put a false idle before a dialog. */
const PHASE: Record<ActivityState, number> = {
  needs_permission: 0,
  needs_input: 0,
  working: 1,
  idle: 2,
};

/** Numeric parts of the first dotted number in `v` ("2.1.330 (Claude Code)" → [2,1,330]). */
export function parseVersion(v: string | null | undefined): number[] | null {
  if (v === null || v === undefined) return null;
  const m = /\d+(?:\.\d+)*/.exec(v);
  return m === null ? null : m[0].split('.').map(Number);
}

/** Compares dotted numeric versions; missing parts count as 0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function inRange(v: readonly number[], r: VersionRange): boolean {
  const from = parseVersion(r.from);
  const to = parseVersion(r.to);
  return (from === null || compareVersions(v, from) >= 0) && (to === null || compareVersions(v, to) < 0);
}

/** The newest set: open-ended (`to` absent) first, then by the highest `from`. */
function newest(sets: readonly RuleSet[]): RuleSet | undefined {
  let best: RuleSet | undefined;
  let bestKey: [number, number[]] = [-1, []];
  for (const s of sets) {
    const key: [number, number[]] = [
      s.versions.to === undefined ? 1 : 0,
      parseVersion(s.versions.from) ?? [],
    ];
    if (
      best === undefined ||
      key[0] > bestKey[0] ||
      (key[0] === bestKey[0] && compareVersions(key[1], bestKey[1]) > 0)
    ) {
      best = s;
      bestKey = key;
    }
  }
  return best;
}

/**
 * The rule set for a version: the first whose range holds it; with no version, an unparsable one
 * or one no range holds, the newest (an unknown version is most likely a newer release).
 */
export function selectRuleSet(sets: readonly RuleSet[], version: string | null): RuleSet | undefined {
  const v = parseVersion(version);
  if (v !== null) {
    const hit = sets.find((s) => inRange(v, s.versions));
    if (hit !== undefined) return hit;
  }
  return newest(sets);
}

interface Row {
  index: number;
  text: string;
}

interface Hit {
  row: Row;
  match: RegExpMatchArray;
}

/** The last `n` non-empty rows, top to bottom, trimmed on the right (and of `rowEnd`). */
function lastRows(lines: readonly string[], n: number, rowEnd?: RegExp): Row[] {
  const rows: Row[] = [];
  for (let i = lines.length - 1; i >= 0 && rows.length < n; i--) {
    const trimmed = (lines[i] ?? '').trimEnd();
    const text = rowEnd === undefined ? trimmed : trimmed.replace(rowEnd, '').trimEnd();
    if (text.trim() !== '') rows.push({ index: i, text });
  }
  return rows.reverse();
}

/** First hit of `re` in the scope (row by row, or across rows when the pattern spans rows). */
function find(re: RegExp, rows: readonly Row[]): Hit | null {
  if (re.source.includes('\\n')) {
    const joined = rows.map((r) => r.text).join('\n');
    const m = joined.match(re);
    if (m === null) return null;
    // The reported row is the one where the match ends (for a prompt box: the line under the `❯`
    // row is a border, so take the last row that holds non-newline text of the match).
    const start = m.index ?? 0;
    const before = joined.slice(0, start).split('\n').length - 1;
    const inside = m[0].split('\n');
    let offset = inside.findIndex((s) => /[^\s─━═-]/.test(s));
    if (offset < 0) offset = 0;
    const row = rows[before + offset] ?? rows[before];
    return row === undefined ? null : { row, match: m };
  }
  for (const row of rows) {
    const m = row.text.match(re);
    if (m !== null) return { row, match: m };
  }
  return null;
}

/** The hits that make the rule fire (null = it does not fire); the first hit is the reported row. */
function evaluate(rule: ScreenRule, rows: readonly Row[]): Hit[] | null {
  if (rule.unless?.some((re) => find(re, rows) !== null)) return null;
  if (rule.all !== undefined) {
    const hits: Hit[] = [];
    for (const re of rule.all) {
      const h = find(re, rows);
      if (h === null) return null;
      hits.push(h);
    }
    return hits.length > 0 ? hits : null;
  }
  const hits = rule.any.map((re) => find(re, rows)).filter((h): h is Hit => h !== null);
  return hits.length > 0 ? hits : null;
}

/** The tool a rule names, or reads off the window (its pattern's first hit). */
function toolOf(rule: ScreenRule, window: readonly Row[]): string | undefined {
  if (rule.tool === undefined || typeof rule.tool === 'string') return rule.tool;
  const hit = find(rule.tool.pattern, window);
  return hit === null ? undefined : rule.tool.name(hit.match).slice(0, 200);
}

function clip(s: string): string {
  const t = s.trim();
  return t.length <= TEXT_MAX ? t : `${t.slice(0, TEXT_MAX - 1)}…`;
}

/**
 * The screen's rows as the rules of `agent`'s CLI read them: each without the decoration its CLI
 * draws at the right end (RuleSet.rowEnd), so that what answers a dialog reads its options as the
 * detector did ("Yes, allow always", not "Yes, allow always   █").
 */
export function screenRows(
  table: DetectorTable,
  agent: string,
  version: string | null,
  lines: readonly string[],
): readonly string[] {
  const sets = Object.hasOwn(table, agent) ? table[agent] : undefined;
  const set = sets === undefined ? undefined : selectRuleSet(sets, version);
  const rows = set === undefined ? lines : withoutPanels(set, lines);
  const rowEnd = set?.rowEnd;
  // Read on every screen check: the rows as they are (no copy) for a CLI that draws nothing there.
  return rowEnd === undefined ? rows : rows.map((l) => l.trimEnd().replace(rowEnd, ''));
}

function withoutPanels(set: RuleSet, lines: readonly string[]): readonly string[] {
  const rows = set.panelBorder === undefined ? lines : withoutPanel(lines, set.panelBorder);
  return set.panelGap === true ? withoutGapPanel(rows) : rows;
}

/**
 * What the screen says about the agent's state, or null when it says nothing confident (a splash,
 * an unknown agent, a layout no rule knows). Rules run in phase order (waiting, busy, idle), and
 * in table order within a phase; the first that fires decides.
 */
export function detectScreen(
  table: DetectorTable,
  agent: string,
  version: string | null,
  screen: ScreenText,
): ScreenVerdict | null {
  const sets = Object.hasOwn(table, agent) ? table[agent] : undefined;
  const set = sets === undefined ? undefined : selectRuleSet(sets, version);
  if (set === undefined) return null;
  const lines = withoutPanels(set, screen.lines);
  const window = lastRows(lines, WINDOW_ROWS, set.rowEnd);
  if (window.length === 0) return null;
  const bottom = window.slice(-BOTTOM_ROWS);
  const ordered = set.rules
    .map((rule, i) => ({ rule, i }))
    .sort((a, b) => PHASE[a.rule.state] - PHASE[b.rule.state] || a.i - b.i);
  for (const { rule } of ordered) {
    const hits = evaluate(rule, rule.within === 'bottom' ? bottom : window);
    const first = hits?.[0];
    if (hits === null || first === undefined) continue;
    const verdict: ScreenVerdict = {
      state: rule.state,
      rule: `${agent}/${rule.id}`,
      line: first.row.index,
      text: clip(first.row.text),
    };
    if (rule.reason !== undefined) verdict.reason = rule.reason;
    if (rule.unknown === true) verdict.unknown = true;
    const tool = toolOf(rule, window);
    if (tool !== undefined) verdict.tool = tool;
    for (const a of rule.about === undefined ? [] : [rule.about].flat()) {
      const m = find(a instanceof RegExp ? a : a.pattern, window)?.match;
      const about = (m === undefined ? undefined : a instanceof RegExp ? m[1] : a.value(m))?.trim();
      if (about) {
        verdict.about = clip(about);
        break;
      }
    }
    if (rule.resetsAt !== undefined) {
      for (const h of hits) {
        const at = rule.resetsAt(h.match);
        if (at !== undefined) {
          verdict.resetsAt = at;
          break;
        }
      }
    }
    return verdict;
  }
  return null;
}

/**
 * `screen claude/permission-dialog line 31: "Do you want to proceed?" about "echo hi > out.txt"`
 * (for `wtp why`; protocol/agent-words.ts reads it back for the inbox and notifications).
 */
export function evidenceOf(verdict: ScreenVerdict): string {
  const about = verdict.about === undefined ? '' : ` about ${JSON.stringify(verdict.about)}`;
  const reset = verdict.resetsAt === undefined ? '' : ` resets ${verdict.resetsAt}`;
  return `screen ${verdict.rule} line ${verdict.line}: ${JSON.stringify(verdict.text)}${about}${reset}`;
}

/**
 * What a dialog on screen asks, as the agent's request: a permission dialog (and the command it
 * is about, when the rule reads it), or a question (with its numbered options, when `lines`, the
 * screen the verdict was made on, shows them); undefined for other verdicts (a trust prompt, a
 * usage limit, idle, working).
 */
export function verdictRequest(
  verdict: ScreenVerdict,
  lines?: readonly string[],
): PendingRequest | undefined {
  const kind = verdict.reason === 'permission' || verdict.reason === 'question' ? verdict.reason : undefined;
  if (kind === undefined || verdict.state === 'idle' || verdict.state === 'working') return undefined;
  const options = kind === 'question' && lines ? questionOptions(lines, verdict.line)?.options : undefined;
  return {
    kind,
    ...(verdict.tool === undefined ? {} : { tool: verdict.tool }),
    ...(verdict.about === undefined ? {} : { about: verdict.about }),
    ...(options === undefined ? {} : { options: options.slice(0, 20).map((o) => o.slice(0, 300)) }),
    ...(verdict.unknown === true ? { unknown: true } : {}),
  };
}
