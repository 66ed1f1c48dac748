import { cursorList } from './dialog-options.js';

/** The options a question dialog on screen offers, and which one its cursor is on. */
export interface QuestionOptions {
  /** Labels in order: option 1 first. */
  options: string[];
  /** 0-based index of the highlighted option; null when the screen marks none. */
  selected: number | null;
}

/** Frame characters a dialog row may start or end with (Gemini's box, OpenCode's bar). */
const FRAME = /^[\s│┃║|]+|[\s│┃║|]+$/g;
/** `❯ 1. Red`, `● 1.  Red`, `› 2. Blue`, `1. Red`: a cursor mark, the number, the label. */
const OPTION = /^([❯›>●◉▶→]\s*)?(\d{1,2})\.\s+(.*\S)$/;
/** How far above the matched row (the question, or the rule's row) options are looked for. */
const ABOVE = 12;

/**
 * The options of the question dialog whose detector row is `line` (ScreenVerdict.line): the last
 * run `1., 2., 3. …` from a few rows above it to the bottom of the screen; without one, a list
 * with a cursor mark (Copilot's form, Claude Code's bypass-permissions warning), whose options are
 * numbered here in their order.
 */
export function questionOptions(lines: readonly string[], line: number): QuestionOptions | null {
  const numbered = numberedOptions(lines, line);
  if (numbered !== null) return numbered;
  const list = cursorList(lines, line);
  return list === null ? null : { options: list.labels, selected: list.selected };
}

function numberedOptions(lines: readonly string[], line: number): QuestionOptions | null {
  let run: QuestionOptions | null = null;
  let best: QuestionOptions | null = null;
  for (let i = Math.max(0, line - ABOVE); i < lines.length; i++) {
    const m = OPTION.exec((lines[i] ?? '').replace(FRAME, ''));
    if (!m) continue;
    const n = Number(m[2]);
    // A description on the same row (Codex: `2. Blue        A blue button`) is not the label.
    const label = (m[3] ?? '').trim().split(/\s{2,}/)[0] ?? '';
    if (n === 1) run = { options: [label], selected: m[1] ? 0 : null };
    else if (run && n === run.options.length + 1) {
      run.options.push(label);
      if (m[1]) run.selected = n - 1;
    } else continue;
    best = run;
  }
  return best && best.options.length >= 2 ? best : null;
}

/**
 * Which option an answer names: its number (`2`) or its label, case and spacing aside (`blue`
 * for "Blue"; `red` for "Red (Recommended)": the words before a parenthesis). 0-based, or null.
 */
export function pickOption(options: readonly string[], answer: string): number | null {
  const a = answer.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^\d{1,2}$/.test(a)) {
    const n = Number(a);
    return n >= 1 && n <= options.length ? n - 1 : null;
  }
  const norm = options.map((o) => o.toLowerCase().replace(/\s+/g, ' '));
  const exact = norm.indexOf(a);
  if (exact >= 0) return exact;
  const prefixed = norm.flatMap((o, i) => (o.startsWith(`${a} (`) ? [i] : []));
  return prefixed.length === 1 ? (prefixed[0] ?? null) : null;
}
