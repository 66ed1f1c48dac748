/**
 * How the doc tests (test/docs/console-blocks.test.ts) compare what a command printed with what a
 * document shows: the pure part (no I/O), unit-tested in doc-match.test.ts.
 *
 * The shown text is the pattern. In it, whatever varies from run to run matches any value of its
 * kind: agent/task/workspace ids (and task agents' names), git commits, times (HH:MM[:SS[.mmm]], ISO, dates), durations (7s, 1m05s,
 * 5997 ms), sizes (3.6M, 0B, 8.0 MiB), decimals (CPU %), event numbers (#31) and integers of three
 * digits or more (pids, byte counts). Runs of spaces match any run (table columns change width).
 * A line that is only `…` matches any number of lines; `…` inside a line matches any text. Fixed
 * values of the run (its temporary paths, port, tmux server name) are mapped to the document's
 * placeholders before comparing (`Mapping`).
 *
 * Ids, commits and integers are bound: the first time a shown id meets a real one they are tied for the
 * rest of the document, so an id shown twice must be the same agent, and a command that names a
 * shown id or pid (`kill -9 16585`) runs with the real one (`toReal`).
 */

/** A value of the run and the placeholder the document shows for it. */
export interface Mapping {
  real: string;
  shown: string;
}

export const ELLIPSIS = '…';

/** Agent, task and workspace ids; a task's agents are named for the first 8 characters of its id. */
const ID = String.raw`\b(?:(?:ag|tk|ws)-[0-9a-z]{10}|task-[0-9a-z]{8})\b`;
/** A git commit (7 to 40 hex digits, at least one of them a letter and one a digit). */
const HASH = String.raw`\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b`;
const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z`;
const DATE = String.raw`\d{4}-\d{2}-\d{2}`;
const TIME = String.raw`\b\d{2}:\d{2}(?::\d{2}(?:\.\d{3})?)?\b`;
const DURATION = String.raw`\b\d+(?:\.\d+)?(?: ?ms\b|s\b|m\d{2}s\b|h\d{2}m\b|d\d{1,2}h\b)`;
const SIZE = String.raw`\b\d+(?:\.\d+)? ?(?:[KMGT]iB|[BKMGT])\b`;
const DECIMAL = String.raw`(?<![\w.])\d+\.\d+(?![\w.])`;
const SEQ = String.raw`#\d+\b`;
const INTEGER = String.raw`(?<![\w.-])\d{3,}(?![\w.])`;

type Kind =
  'ellipsis' | 'id' | 'hash' | 'iso' | 'date' | 'time' | 'duration' | 'size' | 'decimal' | 'seq' | 'int';

/**
 * Token kinds in the order they are tried, with the pattern a shown token of that kind matches
 * (an id keeps its prefix: an agent's id never matches a task's).
 */
const KINDS: [Kind, string, string | ((token: string) => string)][] = [
  ['ellipsis', ELLIPSIS, '.*?'],
  ['id', ID, (t) => (t.startsWith('task-') ? '(task-[0-9a-z]{8})' : `(${t.slice(0, 3)}[0-9a-z]{10})`)],
  ['hash', HASH, String.raw`([0-9a-f]{7,40})`],
  ['iso', ISO, ISO],
  ['date', DATE, DATE],
  ['time', TIME, String.raw`\d{2}:\d{2}(?::\d{2}(?:\.\d{3})?)?`],
  ['duration', DURATION, String.raw`\d+(?:\.\d+)?(?: ?ms|s|m\d{2}s|h\d{2}m|d\d{1,2}h)`],
  ['size', SIZE, String.raw`\d+(?:\.\d+)? ?(?:[KMGT]iB|[BKMGT])`],
  ['decimal', DECIMAL, String.raw`\d+\.\d+`],
  ['seq', SEQ, String.raw`#\d+`],
  ['int', INTEGER, String.raw`(\d+)`],
];
const TOKEN = new RegExp(KINDS.map(([, re]) => `(${re})`).join('|'), 'g');

/** Kinds whose shown value is tied to the real one (captured, in order). */
type Bound = 'id' | 'hash' | 'int';

interface LinePattern {
  re: RegExp;
  bound: { kind: Bound; shown: string }[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs of blanks become one space; the end of the line is trimmed. */
export const squeeze = (line: string): string => line.replace(/[ \t]+/g, ' ').trimEnd();

export const isEllipsisLine = (line: string): boolean => line.trim() === ELLIPSIS;

const patterns = new Map<string, LinePattern>();

/** The pattern a shown line stands for (cached). */
export function linePattern(shown: string): LinePattern {
  const cached = patterns.get(shown);
  if (cached) return cached;
  const text = squeeze(shown);
  let re = '';
  let at = 0;
  const bound: LinePattern['bound'] = [];
  const literal = (s: string): string => escape(s).replace(/ /g, ' +');
  for (const m of text.matchAll(TOKEN)) {
    re += literal(text.slice(at, m.index));
    const i = m.slice(1).findIndex((g) => g !== undefined);
    const [kind, , pattern] = KINDS[i] as (typeof KINDS)[number];
    re += typeof pattern === 'string' ? pattern : pattern(m[0]);
    if (kind === 'id' || kind === 'hash' || kind === 'int') bound.push({ kind, shown: m[0] });
    at = m.index + m[0].length;
  }
  re += literal(text.slice(at));
  const made = { re: new RegExp(`^${re}$`), bound };
  patterns.set(shown, made);
  return made;
}

/** The real values a matching output line gives the shown line's bound tokens, or null when it does not match. */
export function matchLine(shown: string, real: string): string[] | null {
  const { re } = linePattern(shown);
  const m = re.exec(squeeze(real));
  return m ? m.slice(1).filter((g) => g !== undefined) : null;
}

/** Applies the mappings (longest real value first) to the run's output. */
export function mapOutput(text: string, maps: readonly Mapping[]): string {
  let out = text;
  for (const { real, shown } of [...maps].sort((a, b) => b.real.length - a.real.length))
    out = out.split(real).join(shown);
  return out;
}

/** A command's output as lines: mapped, control sequences and carriage returns removed, trailing blank lines dropped. */
export function outputLines(text: string, maps: readonly Mapping[]): string[] {
  const clean = mapOutput(text, maps)
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r/g, '');
  const lines = clean.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** One step of an alignment: a shown line with the output lines it matched. */
export type Step =
  | { op: 'same'; shown: string; real: string }
  | { op: 'elided'; shown: string; real: string[] }
  | { op: 'missing'; shown: string }
  | { op: 'extra'; real: string };

/** What an output line taken by a `…` costs: next to nothing, but the fewer the better. */
const ABSORBED = 1e-9;

/**
 * The cheapest alignment of shown lines to output lines (dynamic programming): a match costs 0, a
 * shown line not printed, an output line not shown, or one line changed into another costs 1, and
 * an `…` line takes any number of output lines (almost) for free. The output matches when no line
 * had to be added, dropped or changed (`cost` < 1). With `bindings`, a line whose ids were tied to
 * other ones earlier in the document does not match.
 */
export function align(
  shown: readonly string[],
  real: readonly string[],
  bindings?: Bindings,
): { cost: number; steps: Step[] } {
  const n = shown.length;
  const m = real.length;
  const cost: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const at = (i: number, j: number): number => cost[i]?.[j] ?? Infinity;
  const same = (i: number, j: number): boolean => {
    const got = matchLine(shown[i] ?? '', real[j] ?? '');
    return got !== null && (bindings?.agrees(shown[i] ?? '', got) ?? true);
  };
  const elided = (i: number): boolean => isEllipsisLine(shown[i] ?? '');
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) continue;
      let best = Infinity;
      if (i < n && elided(i)) {
        best = Math.min(at(i + 1, j), j < m ? ABSORBED + at(i, j + 1) : Infinity);
      } else {
        if (i < n && j < m) best = (same(i, j) ? 0 : 1) + at(i + 1, j + 1);
        if (i < n) best = Math.min(best, 1 + at(i + 1, j));
        if (j < m) best = Math.min(best, 1 + at(i, j + 1));
      }
      (cost[i] as number[])[j] = best;
    }
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const here = at(i, j);
    if (i < n && elided(i)) {
      const absorbed: string[] = [];
      while (j < m && at(i + 1, j) !== at(i, j)) absorbed.push(real[j++] ?? '');
      steps.push({ op: 'elided', shown: shown[i] ?? '', real: absorbed });
      i++;
    } else if (i < n && j < m && same(i, j) && at(i + 1, j + 1) === here) {
      steps.push({ op: 'same', shown: shown[i] ?? '', real: real[j] ?? '' });
      i++;
      j++;
    } else if (i < n && j < m && 1 + at(i + 1, j + 1) === here) {
      steps.push({ op: 'missing', shown: shown[i] ?? '' }, { op: 'extra', real: real[j] ?? '' });
      i++;
      j++;
    } else if (i < n && 1 + at(i + 1, j) === here) {
      steps.push({ op: 'missing', shown: shown[i] ?? '' });
      i++;
    } else {
      steps.push({ op: 'extra', real: real[j] ?? '' });
      j++;
    }
  }
  return { cost: at(0, 0), steps };
}

/**
 * Ties shown ids and integers to real ones across a document. An id is tied both ways (one
 * agent, one shown id); an integer keeps its first real value (numbers repeat by chance).
 */
export class Bindings {
  private readonly toRealMap = new Map<string, string>();
  private readonly toShownMap = new Map<string, string>();

  /** Why the shown ids of a line cannot stand for these real ones (tied to others earlier), or null. */
  conflict(shown: string, reals: readonly string[]): string | null {
    for (const [k, b] of linePattern(shown).bound.entries()) {
      const real = reals[k];
      if (b.kind !== 'id' || real === undefined) continue;
      const had = this.toRealMap.get(b.shown);
      const other = this.toShownMap.get(real);
      if (had !== undefined && had !== real)
        return `${b.shown} was ${had} earlier in the document, here it is ${real}`;
      if (other !== undefined && other !== b.shown)
        return `${real} is shown as ${other} earlier in the document, here as ${b.shown}`;
    }
    return null;
  }

  /** Whether the shown ids of a line are tied to these real ones, or to none yet (nothing is bound). */
  agrees(shown: string, reals: readonly string[]): boolean {
    return this.conflict(shown, reals) === null;
  }

  /** Binds the shown tokens of `shown` to `reals`; returns a problem (and binds nothing), or null. */
  bind(shown: string, reals: readonly string[]): string | null {
    const problem = this.conflict(shown, reals);
    if (problem) return problem;
    for (const [k, b] of linePattern(shown).bound.entries()) {
      const real = reals[k];
      if (real === undefined) continue;
      this.tie(b.shown, real);
      // A task's agents are named task-<the first 8 characters of its id>.
      if (b.kind === 'id' && b.shown.startsWith('tk-'))
        this.tie(`task-${b.shown.slice(3, 11)}`, `task-${real.slice(3, 11)}`);
    }
    return null;
  }

  private tie(shown: string, real: string): void {
    if (!this.toRealMap.has(shown)) this.toRealMap.set(shown, real);
    if (!this.toShownMap.has(real)) this.toShownMap.set(real, shown);
  }

  /** A command as it runs: every shown id and bound integer replaced by its real value. */
  toReal(command: string): string {
    return command.replace(new RegExp(`${ID}|${HASH}|${INTEGER}`, 'g'), (t) => this.toRealMap.get(t) ?? t);
  }

  /** An output line as a document shows it: real ids and integers that are bound, replaced. */
  toShown(line: string): string {
    return line.replace(new RegExp(`${ID}|${HASH}|${INTEGER}`, 'g'), (t) => this.toShownMap.get(t) ?? t);
  }
}

/** The result of comparing one command's output with what the document shows. */
export interface Comparison {
  ok: boolean;
  /** Why it failed: the lines that differ, or an id bound twice. */
  problem: string | null;
  /** The shown lines to write back (`npm run docs:update`): matched lines and `…` kept. */
  updated: string[];
}

/**
 * Compares `real` output lines (already mapped) with the `shown` ones and binds the ids and
 * integers of the lines that match. `updated` keeps every shown line that matched, every `…` line,
 * and puts output lines where the two differ (with bound values as the document shows them; a
 * changed line's values are tied to those of the shown line it replaces, so that a pid shown there
 * and named by a later command stays the same after `npm run docs:update`).
 */
export function compare(shown: readonly string[], real: readonly string[], bindings: Bindings): Comparison {
  const { cost, steps } = align(shown, real, bindings);
  let problem = cost >= 1 ? diffText(steps) : null;
  for (const s of steps) {
    if (s.op !== 'same') continue;
    const conflict = bindings.bind(s.shown, matchLine(s.shown, s.real) ?? []);
    problem ??= conflict;
  }
  if (problem !== null) problem = explainTies(steps, bindings, problem);
  if (cost >= 1) bindReplaced(steps, bindings);
  const rows: Row[] = [];
  for (const s of steps) {
    if (s.op === 'same') rows.push({ text: s.shown, real: s.real, changed: false });
    else if (s.op === 'elided') rows.push({ text: s.shown, real: null, changed: false });
    else if (s.op === 'extra') rows.push({ text: bindings.toShown(s.real), real: s.real, changed: true });
  }
  return { ok: problem === null, problem, updated: realignTables(rows) };
}

interface Row {
  text: string;
  /** The output line it stands for (null for `…`). */
  real: string | null;
  changed: boolean;
}

const cells = (line: string): string[] => line.split(/ {2,}/);

/** Where each cell of a table row starts (cells are separated by two spaces or more). */
function cellStarts(line: string): number[] {
  const starts = [0];
  for (const m of line.matchAll(/ {2,}/g)) starts.push(m.index + m[0].length);
  return starts;
}

const isPrefix = (a: readonly number[], b: readonly number[]): boolean => a.every((x, k) => b[k] === x);

/**
 * Lines written back keep their tables aligned: a run of output lines that was a table (three
 * columns or more, each starting at the same place on every line; a row may stop early, but has
 * two cells at least) is padded
 * again when one of its rows changed and another shows values other than the run's (the kept rows,
 * or shown ids and pids, need not be as wide as the real ones).
 */
function realignTables(rows: readonly Row[]): string[] {
  const out = rows.map((r) => r.text);
  for (let i = 0; i < rows.length;) {
    let widest = cellStarts(rows[i]?.real ?? '');
    if (widest.length < 2) {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < rows.length; j++) {
      const real = rows[j]?.real;
      if (real === null || real === undefined) break;
      const starts = cellStarts(real);
      if (starts.length < 2 || (!isPrefix(starts, widest) && !isPrefix(widest, starts))) break;
      if (starts.length > widest.length) widest = starts;
    }
    const group = rows.slice(i, j);
    if (
      widest.length >= 3 &&
      group.length >= 2 &&
      group.some((r) => r.changed) &&
      group.some((r) => r.text !== r.real)
    ) {
      const table = group.map((r) => cells(r.text));
      const widths = widest.map((_, k) => Math.max(...table.map((c) => (c[k] ?? '').length)));
      table.forEach((c, k) => {
        out[i + k] = c
          .map((cell, n) => (n < c.length - 1 ? cell.padEnd((widths[n] ?? 0) + 2) : cell))
          .join('');
      });
    }
    i = j;
  }
  return out;
}

/** The diff, with a note under each changed line that differs only by an id tied to another one earlier. */
function explainTies(steps: readonly Step[], bindings: Bindings, diff: string): string {
  const notes: string[] = [];
  for (const [k, s] of steps.entries()) {
    const next = steps[k + 1];
    if (s.op !== 'missing' || next?.op !== 'extra') continue;
    const got = matchLine(s.shown, next.real);
    const why = got && bindings.conflict(s.shown, got);
    if (why) notes.push(`(${s.shown.trim()}: ${why})`);
  }
  return [diff, ...notes].join('\n');
}

/** Ties the ids and integers of each changed line to those of the shown line it replaces (same kinds, same order). */
function bindReplaced(steps: readonly Step[], bindings: Bindings): void {
  const tokens = new RegExp(`${ID}|${HASH}|${INTEGER}`, 'g');
  for (let k = 0; k < steps.length;) {
    const missing: string[] = [];
    const extra: string[] = [];
    for (; steps[k]?.op === 'missing' || steps[k]?.op === 'extra'; k++) {
      const s = steps[k] as Step;
      if (s.op === 'missing') missing.push(s.shown);
      else if (s.op === 'extra') extra.push(s.real);
    }
    for (const [i, shownLine] of missing.entries()) {
      const realLine = extra[i];
      if (realLine === undefined) break;
      const wanted = linePattern(shownLine).bound;
      const got = [...squeeze(realLine).matchAll(tokens)].map((m) => m[0]);
      const kinds = (xs: string[]): string =>
        xs.map((x) => (/^\d+$/.test(x) ? 'int' : new RegExp(`^${ID}$`).test(x) ? 'id' : 'hash')).join();
      if (kinds(wanted.map((w) => w.shown)) === kinds(got)) bindings.bind(shownLine, got);
    }
    if (missing.length === 0 && extra.length === 0) k++;
  }
}

/** The alignment as a diff: `-` shown but not printed, `+` printed but not shown. */
export function diffText(steps: readonly Step[]): string {
  const out: string[] = [];
  for (const s of steps) {
    if (s.op === 'same') out.push(`  ${s.real}`);
    else if (s.op === 'elided') out.push(`  ${s.shown.trim()}   (${s.real.length} line(s))`);
    else if (s.op === 'missing') out.push(`- ${s.shown}`);
    else out.push(`+ ${s.real}`);
  }
  return out.join('\n');
}
