import { withoutCode } from './doc-anchors.js';

/**
 * Performance figures in Markdown and the result files they come from: what test/docs/claims.test.ts
 * checks. Words used there:
 *
 * - a **block** is a paragraph, a list item (with its continuation lines) or a table row;
 * - a block **cites** a result file when it links or names `bench-results/<file>.json` (or names
 *   `` `<date>-<part>.json` ``);
 * - a **figure** is a number followed by a unit — ms, µs, s, MiB, KiB, MB, kB, GB, MB/s, tasks/s, %,
 *   ×, bytes or transactions — or written `×N`; a list or range before one unit (`0.7 / 1 / 1.5 %`,
 *   `0.05–0.15 s`) is a figure each. What stands in a code span (a setting such as `stopGraceMs: 5000`,
 *   a command) and in a link's target is not a figure.
 */

export interface Block {
  /** First line of the block (1-based). */
  line: number;
  /** The `##` and `###` headings it is under, e.g. `## 14. Performance` and `### Core`. */
  h2: string;
  h3: string | null;
  text: string;
}

const TABLE_RULE = /^\s*\|[\s:|-]*-[\s:|-]*$/;

/** The blocks of a document, outside fenced code. Headings, rules and HTML comments are not blocks. */
export function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let h2 = '';
  let h3: string | null = null;
  let current: Block | null = null;
  const flush = (): void => {
    if (current) out.push(current);
    current = null;
  };
  withoutCode(markdown)
    .replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ''))
    .split('\n')
    .forEach((line, i) => {
      if (/^#{1,6}\s/.test(line)) {
        flush();
        if (line.startsWith('## ')) {
          h2 = line.trim();
          h3 = null;
        } else if (line.startsWith('### ')) h3 = line.trim();
        return;
      }
      if (line.trim() === '') return flush();
      if (/^\s*\|/.test(line)) {
        flush();
        if (!TABLE_RULE.test(line)) out.push({ line: i + 1, h2, h3, text: line });
        return;
      }
      if (/^\s*(?:[-*+]|\d+\.)\s/.test(line)) flush();
      if (current) current.text += `\n${line}`;
      else current = { line: i + 1, h2, h3, text: line };
    });
  flush();
  return out;
}

/** The result files a text cites (file names under docs/bench-results/). */
export function citedFiles(text: string): string[] {
  return [
    ...new Set([
      ...[...text.matchAll(/bench-results\/([\w.-]+\.json)/g)].map((m) => m[1] ?? ''),
      ...[...text.matchAll(/`(\d{4}-\d{2}-\d{2}-[\w.-]+\.json)`/g)].map((m) => m[1] ?? ''),
    ]),
  ];
}

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const UNIT = String.raw`(?:ms|µs|s|MiB|KiB|MB\/s|MB|kB|GB|tasks\/s|%|×|bytes|transactions)(?![\p{L}\p{N}])`;
const FIGURE = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,/-])(${NUM})(?=(?:\s?(?:\/|–|-)\s?(?:${NUM}))*[\s\u00a0]?${UNIT})`,
  'gu',
);
const TIMES_PREFIX = new RegExp(String.raw`×\s?(${NUM})`, 'gu');

/** The figures of a text as shown (thousands separators removed), outside code spans and link targets. */
export function figures(text: string): string[] {
  const plain = text.replace(/`[^`]*`/g, ' ').replace(/\]\([^)]*\)/g, '] ');
  return [...plain.matchAll(FIGURE), ...plain.matchAll(TIMES_PREFIX)].map((m) =>
    (m[1] ?? '').replace(/,/g, ''),
  );
}

/** Every number a result file holds (its values, and those in its notes and names). */
export function numbersOf(json: string): number[] {
  return [...json.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
}

/** Does one of `numbers` read as `shown`, at the precision shown? */
export function holds(numbers: readonly number[], shown: string): boolean {
  const decimals = shown.split('.')[1]?.length ?? 0;
  return numbers.some((n) => n.toFixed(decimals) === shown);
}

/**
 * The command that writes a result file, as a document must name it: `npm run -s bench -- --only
 * <part>` (the part from the file's name), `npm run soak` for a soak, the vitest run of the API fuzz.
 */
export function commandPattern(file: string): RegExp {
  const part = /^\d{4}-\d{2}-\d{2}-([\w-]+)\.json$/.exec(file)?.[1] ?? file;
  if (part.startsWith('soak')) return /`npm run soak\b[^`]*`/;
  if (part === 'api-fuzz') return /`[^`]*vitest run[^`]*test\/integration\/api-fuzz\.test\.ts[^`]*`/;
  // `<date>-contention.json`: several parts, each measured quiet, then with --contention.
  if (part === 'contention') return /`npm run -s bench -- --only [\w,]+ --contention\b[^`]*`/;
  // `<date>-<part>-contention[-…].json`: the part measured quiet, then with --contention.
  if (part.includes('-contention')) {
    const of = part.replace(/-contention.*$/, '');
    return new RegExp(
      String.raw`\x60npm run -s bench -- --only (?:[\w,]+,)?${of}(?:,[\w,]+)? --contention\b[^\x60]*\x60`,
    );
  }
  const base = part.replace(/-(?:paint|heap|curl)$/, '');
  return new RegExp(String.raw`\x60npm run -s bench -- --only (?:[\w,]+,)?${base}(?:,[\w,]+)?[ \x60]`);
}
