import { ansiC, doubleQuoted, unquotedParts } from './quoting.js';

/**
 * Text that tree-sitter-bash 0.25 reads otherwise than bash 5.2 does, as pure checks on source
 * text (found by bash-differential.test.ts); the translation (bash-tree.ts) reports what they find
 * as unresolved.
 */

/** An unescaped backquote, `$(`, `<(` or `>(`: a substitution, where the parser saw text. */
export const SUBSTITUTION = /(?:^|[^\\])(?:\\\\)*(?:`|\$\(|[<>]\()/;

/** Whether text would run a command if bash expanded it (again): a `$(`, a backquote, `<(` or `>(`. */
export const runsIfExpanded = (value: string): boolean => /\$\(|`|[<>]\(/.test(value);

/** The value of a quoted or escaped text node as written (`type`, its source `t`); null for others. */
export function quotedValue(type: string, t: string): string | null {
  if (type === 'raw_string') return t.slice(1, -1);
  if (type === 'ansi_c_string') return ansiC(t.slice(2, -1));
  if (type === 'string_content') return doubleQuoted(t);
  if (type === 'word')
    return unquotedParts(t)
      .map((p) => p.text)
      .join('');
  return null;
}

/** `NAME=`, `NAME+=`, `NAME[…]=` at the start of a word. */
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;

/**
 * Whether the text inside backquotes escapes `$`, `` ` ``, `\` or `"`: bash drops those
 * backslashes before it reads the commands (`` `\\rm x` `` runs rm); the parser reads them as written.
 */
export const backquoteEscapes = (body: string): boolean => /\\[$`\\"]/.test(body);

/** Where `text` has an unescaped `$(` or `${`. */
export const expansionStarts = (text: string): number[] =>
  [...text.matchAll(/(?<=(?:^|[^\\])(?:\\\\)*)\$[({]/g)].map((m) => m.index);

/**
 * Where `text` has a line continuation (an unquoted `\` before a line break) that joins two
 * characters that are not blanks, or that is `\` before CR LF (bash quotes the CR; tree-sitter-bash
 * reads a continuation).
 */
export function joiningContinuations(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\\+(\r?)\n/g)) {
    const cr = m[1] ?? '';
    const run = m[0].length - cr.length - 1;
    if (run % 2 === 0) continue;
    const at = m.index + run - 1;
    const before = at > 0 ? (text[at - 1] as string) : ' ';
    const after = text[m.index + m[0].length] ?? ' ';
    if (cr !== '' || (!/\s/.test(before) && !/\s/.test(after))) out.push(at);
  }
  return out;
}

/** A quoted piece of a word: `'…'`, `"…"`, `\x`. */
const QUOTED_PIECE = /'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)/gs;

/** A word's text with its quotes removed. */
const unquoted = (t: string): string =>
  t.replace(
    QUOTED_PIECE,
    (_, single?: string, double?: string, escaped?: string) =>
      single ?? (double !== undefined ? doubleQuoted(double) : (escaped ?? '')),
  );

/**
 * Why tree-sitter-bash ends a here-document (`start`, its delimiter as written, `op` `<<` or
 * `<<-`) on another line than bash, given the line it ended on (`end`, null if none); null if not.
 */
export function misreadDelimiter(start: string, end: string | null, op: string): string | null {
  // `<<EOF;cmd` is the delimiter `EOF;cmd` to tree-sitter-bash; bash ends the word at the `;`.
  if (/[;&|<>()\s]/.test(start.replace(QUOTED_PIECE, ''))) return 'a here-document delimiter read otherwise';
  if (end === null) return null;
  // bash ends the body at the delimiter with its quotes removed (`<<E"0"` ends at `E0`).
  const closing = end.replace(op === '<<-' ? /^\t+/ : /^/, '').replace(/\r?\n$/, '');
  return closing === unquoted(start) ? null : 'a here-document ended elsewhere';
}
