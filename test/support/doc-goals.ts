/**
 * Goals the documents state beside a figure, with their verdict — "the goal of p99 < 100 ms is
 * **not met**", "target < 400 ms: met at p50, **not at p99**", a table's `≤ 1.5×: met` — and what
 * the figures of the same block (or table row) say of them: what test/docs/claims.test.ts checks.
 *
 * - A **goal** is `goal`/`target` (or a table cell) with a bound: `< N unit`, `≤ N unit`, or `N×`
 *   (at most N times); a goal may name its statistic (`p99 < 20 ms`).
 * - Its **verdict** is the words after it: `met`, `not met`, or per statistic (`met at p50, not at
 *   p99`, `p50 met, p99 not`, `met at p50 only`).
 * - Its **figure** is, in the same block: the statistic's own (`p99 186 ms`) when the goal or the
 *   verdict names one; else the first figure of the goal's unit (times in ms or s, sizes in MB or
 *   MiB); for a ratio, the first `N×` outside the goal's cell, or a `ratio` column.
 */

export interface StatedGoal {
  text: string;
  bound: number;
  /** `<`: strictly below; `≤` (and a bare `N×`): at most. */
  strict: boolean;
  unit: 'ms' | 'MB' | '×';
  /** What the document says, per statistic (`all` when it names none). */
  verdict: Partial<Record<'all' | 'p50' | 'p99', boolean>>;
  /** The figure per statistic the verdict is about, in the goal's unit (undefined: none found). */
  figure: Partial<Record<'all' | 'p50' | 'p99', number | undefined>>;
}

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const num = (s: string): number => Number(s.replace(/,/g, ''));

/** A time in ms, a size in MB, or a ratio, from a number and its unit; null for other units. */
function inUnit(n: number, unit: string): { v: number; unit: StatedGoal['unit'] } | null {
  if (unit === 'ms') return { v: n, unit: 'ms' };
  if (unit === 's') return { v: n * 1000, unit: 'ms' };
  if (unit === 'MB') return { v: n, unit: 'MB' };
  if (unit === 'MiB') return { v: n * 1.048576, unit: 'MB' };
  if (unit === '×') return { v: n, unit: '×' };
  return null;
}

const GOAL = new RegExp(
  String.raw`(?:(?:goal|target)(?: of)?\s+(?:the\s+)?|the\s+(?=(?:<|≤)\s?[\d.,]+\s?\S+\s(?:goal|target)\b)|^\s*)(p50|p99)?\s*(<|≤)?\s*(${NUM})\s?(ms|s|MiB|MB|×)(?![\p{L}\p{N}])`,
  'gu',
);

/** The few words after a match (`the < 80 MB target is …`: its goal word). */
const after0 = (part: string, m: RegExpMatchArray): string =>
  part.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 8);

/** The verdict of the words after a goal, or null when they give none. */
function verdictOf(words: string): StatedGoal['verdict'] | null {
  const w = words.replace(/\*/g, '');
  const per: StatedGoal['verdict'] = {};
  if (/met at p50|p50 met/.test(w)) per.p50 = true;
  if (/not at p99|p99 not|met at p50 only/.test(w)) per.p99 = false;
  if (Object.keys(per).length > 0) return per;
  if (/\bnot met\b/.test(w)) return { all: false };
  if (/\bmet\b/.test(w)) return { all: true };
  return null;
}

/** The first figure of `unit` in `text` (after `stat` when given), converted. */
function firstFigure(text: string, unit: StatedGoal['unit'], stat?: 'p50' | 'p99'): number | undefined {
  const plain = text.replace(/`[^`]*`/g, ' ').replace(/\*/g, '');
  const re = new RegExp(
    String.raw`${stat ? `${stat}\\s+` : ''}(?<![\p{L}\p{N}.,])(${NUM})\s?(ms|s|MiB|MB|×)(?![\p{L}\p{N}])`,
    'gu',
  );
  for (const m of plain.matchAll(re)) {
    const got = inUnit(num(m[1] ?? ''), m[2] ?? '');
    if (got?.unit === unit) return got.v;
  }
  return undefined;
}

/**
 * The goals of one block with their verdict and figures. `cells`: a table row's cells (the goal is
 * looked for in each; its figures in the others), with the table's header when it has a `ratio`.
 */
export function statedGoals(block: string, header?: readonly string[]): StatedGoal[] {
  const cells = block.trim().startsWith('|')
    ? block
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
    : null;
  const parts = cells ?? [block];
  const out: StatedGoal[] = [];
  parts.forEach((part, i) => {
    for (const m of part.matchAll(GOAL)) {
      const [whole, stat, op, n = '', u = ''] = m;
      if (op === undefined && u !== '×') continue; // `100 %`, `5.2 ms`: a figure, not a bound
      if (cells === null && !/goal|target/.test(whole + after0(part, m))) continue;
      const bound = inUnit(num(n), u);
      if (bound === null) continue;
      const after = part.slice((m.index ?? 0) + whole.length);
      const verdict = verdictOf(after.split(/[;)(|]/)[0] ?? '');
      if (verdict === null) continue;
      // Where its figure is: before it in its own text, then the row's other cells but its first
      // (the figure's name, whose numbers are settings: "100 agents", "20 ms apart").
      const before = part.slice(0, m.index ?? 0);
      const others = cells ? cells.filter((_c, k) => k !== i && k !== 0).join(' | ') : '';
      const ratioCol = header?.findIndex((h) => h.trim() === 'ratio') ?? -1;
      const find = (text: string, s?: 'p50' | 'p99'): number | undefined =>
        s === undefined ? firstFigure(text, bound.unit) : firstFigure(text, bound.unit, s);
      const figureOf = (s?: 'p50' | 'p99'): number | undefined => {
        if (bound.unit === '×' && cells && ratioCol >= 0) return num(cells[ratioCol]?.trim() ?? 'NaN');
        const found = find(before, s) ?? find(others, s);
        if (found !== undefined || s === undefined)
          return found ?? (bound.unit === '×' ? find(after) : undefined);
        return find(before) ?? find(others);
      };
      const figure: StatedGoal['figure'] = {};
      for (const key of Object.keys(verdict) as (keyof StatedGoal['verdict'])[]) {
        figure[key] = figureOf(key === 'all' ? (stat as 'p50' | 'p99' | undefined) : key);
      }
      out.push({ text: whole.trim(), bound: bound.v, strict: op === '<', unit: bound.unit, verdict, figure });
    }
  });
  return out;
}

/** Does the figure meet the bound? */
export function meets(g: StatedGoal, figure: number): boolean {
  return g.strict ? figure < g.bound : figure <= g.bound;
}

/** Each table row of a document with its table's header, and each other block. */
export function goalBlocks(markdown: string): { line: number; text: string; header?: string[] }[] {
  const out: { line: number; text: string; header?: string[] }[] = [];
  const lines = markdown.replace(/^```[\s\S]*?^```$/gm, (c) => c.replace(/[^\n]/g, '')).split('\n');
  let header: string[] | undefined;
  let para: { line: number; text: string } | null = null;
  const flush = (): void => {
    if (para) out.push(para);
    para = null;
  };
  lines.forEach((line, i) => {
    if (/^\s*\|/.test(line)) {
      flush();
      if (/^\s*\|[\s:|-]*-[\s:|-]*$/.test(line)) return;
      if (/^\s*\|[\s:|-]*-[\s:|-]*$/.test(lines[i + 1] ?? '')) {
        header = line
          .trim()
          .replace(/^\||\|$/g, '')
          .split('|');
        return;
      }
      out.push({ line: i + 1, text: line, ...(header ? { header } : {}) });
      return;
    }
    header = undefined;
    if (line.trim() === '' || /^#{1,6}\s/.test(line)) return flush();
    if (/^\s*(?:[-*+]|\d+\.)\s/.test(line)) flush();
    if (para) para.text += `\n${line}`;
    else para = { line: i + 1, text: line };
  });
  flush();
  return out;
}
