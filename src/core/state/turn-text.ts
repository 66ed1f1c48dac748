/**
 * The prose of an agent's last message, as the end-of-turn rules read it (turn-rules.ts): terminal
 * escapes, code (fenced, indented, inline), quotations and quoted strings taken out, so that a `?`
 * in code, a log line or a quoted sentence never reads as the agent asking. Linear in the text's
 * length (no pattern that backtracks over it).
 */

/** CSI and OSC sequences, and the other C0 controls but tab and newline. */
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]|[\u0000-\u0008\u000b-\u001f\u007f]/g;
const FENCE = /^\s{0,3}(```|~~~)/;
const INLINE_CODE = /`[^`\n]*`/g;
/** A URL (its query's `?` is not a question). */
const URL = /\b(?:https?|ftp|file):\/\/[^\s<>()"']+/g;
/** A string in quotes (straight, curly, guillemets), kept on one line. */
const QUOTED = /"[^"\n]{0,400}"|“[^”\n]{0,400}”|«[^»\n]{0,400}»|„[^“\n]{0,400}“/g;

/** One block of prose: its lines (a paragraph, or a list), and whether it is a list. */
export interface ProseBlock {
  lines: string[];
  list: boolean;
  /** The block's items when it is a list (their text, markers removed). */
  items: string[];
}

/** A list item's marker: `-`, `*`, `+`, `1.`, `1)`, `(a)`, `a)`, `- [x]`. */
const ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)]|\(?[a-zA-Z]\)|\*\*[^*]{1,40}\*\*\s*[—–-])\s+(?:\[[ xX]\]\s+)?/;

/**
 * The end of a message, at most `max` characters from a line's start, read as the whole would be:
 * a code fence open at the cut is opened again before it.
 */
export function tailOf(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.indexOf('\n', text.length - max);
  cut = cut < 0 ? text.length : cut + 1;
  let fences = 0;
  for (const _ of text.slice(0, cut).matchAll(FENCES)) fences++;
  const rest = text.slice(cut);
  return fences % 2 === 1 ? `\`\`\`\n${rest}` : rest;
}
const FENCES = /^[^\S\n]{0,3}(?:```|~~~)/gm;

/** Text without terminal escapes and control characters, `\r\n` as `\n`. */
export function withoutEscapes(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ESCAPES, '');
}

/**
 * The message's prose blocks, in order: fenced code (an unclosed fence runs to the end), indented
 * code after a blank line, quotations (`> `), tables, inline code and quoted strings removed (a
 * quoted string becomes `"…"`, so the sentence around it keeps its shape).
 */
export function proseBlocks(text: string): ProseBlock[] {
  const blocks: ProseBlock[] = [];
  let cur: string[] = [];
  let inFence = false;
  let prevBlank = true;
  let inIndented = false;
  const flush = (): void => {
    if (cur.length > 0) blocks.push(toBlock(cur));
    cur = [];
  };
  for (const raw of withoutEscapes(text).split('\n')) {
    if (FENCE.test(raw)) {
      inFence = !inFence;
      flush();
      prevBlank = true;
      continue;
    }
    if (inFence) continue;
    const blank = raw.trim() === '';
    const indented = /^(?: {4}|\t)/.test(raw) && !ITEM.test(raw);
    if (indented && (prevBlank || inIndented)) {
      inIndented = true;
      flush();
      continue;
    }
    inIndented = false;
    prevBlank = blank;
    if (blank) {
      flush();
      continue;
    }
    const line = raw.trim();
    // Quotations and tables are someone else's words, or data.
    if (line.startsWith('>') || line.startsWith('|')) {
      flush();
      continue;
    }
    cur.push(line.replace(INLINE_CODE, '`…`').replace(URL, '<url>').replace(QUOTED, '"…"'));
  }
  flush();
  return blocks;
}

function toBlock(lines: string[]): ProseBlock {
  const itemLines = lines.filter((l) => ITEM.test(l));
  // A list: most of its lines are items (an intro line ending in ':' may lead it).
  const list = itemLines.length > 0 && itemLines.length >= lines.length - 1 && ITEM.test(lines.at(-1) ?? '');
  return { lines, list, items: list ? itemLines.map((l) => l.replace(ITEM, '').trim()) : [] };
}

/** The sentences of some prose, in order, each with its closing mark (`?`, `.`, `!`, `:`, or none). */
export function sentences(prose: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < prose.length; i++) {
    const c = prose[i] as string;
    const end = c === '?' || c === '？' || c === '!' || c === '。' || c === ':' || c === '.' || c === '\n';
    if (!end) continue;
    const next = prose[i + 1];
    // "3.5", "e.g.", "file.ts": a mark inside a word does not end a sentence.
    if ((c === '.' || c === ':') && next !== undefined && !/\s/.test(next)) continue;
    // Closing quotes and brackets after the mark belong to the sentence.
    let j = i + 1;
    while (j < prose.length && /["'”’)\]*_]/.test(prose[j] as string)) j++;
    const s = prose.slice(start, j).trim();
    if (s !== '') out.push(s);
    start = j;
    i = j - 1;
  }
  const rest = prose.slice(start).trim();
  if (rest !== '') out.push(rest);
  return out;
}

/** A sentence without markdown emphasis, trailing emoji, brackets and quotes: `**Proceed?**` → `Proceed?`. */
export function bare(sentence: string): string {
  return trimEndOf(sentence.replace(/[*_]{1,3}/g, ''), TRAILING)
    .replace(/^[\s(["'“‘]+/, '')
    .trim();
}

/** What `bare` takes off a sentence's end, one character (code point) at a time. */
const TRAILING = /^(?:[\s)\]"'”’]|\p{Extended_Pictographic}|\u200d|\ufe0f)$/u;

/**
 * `text` without its trailing characters that `one` matches: a loop from the end, where a
 * `(…)+$` pattern would retry every run of them from each of its characters (quadratic).
 */
function trimEndOf(text: string, one: RegExp): string {
  let end = text.length;
  while (end > 0) {
    const cp = text.codePointAt(end - 1) ?? 0;
    // A low surrogate: the code point starts one unit earlier.
    const start = cp >= 0xdc00 && cp <= 0xdfff && end >= 2 ? end - 2 : end - 1;
    if (!one.test(text.slice(start, end))) break;
    end = start;
  }
  return text.slice(0, end);
}
