import type { DialogAnswers, DialogKey } from '../agents/profiles.js';

/** One option of a dialog on screen: its number (1-based) and its label as drawn, wrapped rows joined. */
export interface DrawnOption {
  n: number;
  label: string;
}

/** Frame characters a dialog row may start or end with (Gemini's box, OpenCode's bar). */
const FRAME = /^[\s│┃║|]+|[\s│┃║|]+$/g;
/** `❯ 1. Yes`, `● 2. Allow for this session`, `› 3. No`: a cursor mark, the number, the label. */
const OPTION = /^(?:[❯›>●◉▶→]\s*)?(\d{1,2})\.\s+(\S.*)$/;
/** Rows that end a dialog's options: its footer (keys hints), a border. */
const FOOTER = /^(?:esc|enter|press|↑|←|tab)\b|\bto (?:cancel|confirm|select|navigate)\b|^[─━═╌╭╰]/i;
/** How far above the detector's row the options are looked for. */
const ABOVE = 12;

/**
 * The numbered options of the dialog whose detector row is `line`: the last run `1., 2., 3. …`
 * from a few rows above it to the bottom of the screen. A label that wraps goes on in the rows
 * under it (indented, neither an option nor the footer): those are joined, so the label is the
 * whole text the dialog draws for that option.
 */
export function drawnOptions(lines: readonly string[], line: number): DrawnOption[] {
  let run: DrawnOption[] = [];
  let best: DrawnOption[] = [];
  /** The column where the last option's label starts, while its rows may go on; -1: closed. */
  let labelAt = -1;
  for (let i = Math.max(0, line - ABOVE); i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const row = raw.replace(FRAME, '');
    const m = OPTION.exec(row);
    if (m) {
      const n = Number(m[1]);
      const label = (m[2] ?? '').trim();
      if (n === 1) run = [{ n, label }];
      else if (run.length > 0 && n === run.length + 1) run.push({ n, label });
      else {
        labelAt = -1;
        continue;
      }
      best = run;
      labelAt = raw.indexOf(label);
      continue;
    }
    const last = run.at(-1);
    const indent = raw.replace(/[│┃║|]/g, ' ').search(/\S/);
    if (labelAt >= 0 && last !== undefined && row !== '' && !FOOTER.test(row) && indent >= labelAt) {
      last.label = `${last.label} ${row.trim()}`;
      continue;
    }
    labelAt = -1;
  }
  return best.length >= 2 ? best : [];
}

/** The "always" option a dialog on screen offers: the keys that choose it and its label as drawn. */
export interface AlwaysChoice {
  keys: readonly DialogKey[];
  /** The option's own text: what the approval holds for, in the dialog's words. */
  text: string;
  /** The option changes the session's permission mode (it grants more than this request). */
  modeChange: boolean;
}

/** Whether an option's label changes the session's mode (the vendor's `modeChange` patterns). */
export const changesMode = (answers: DialogAnswers, label: string): boolean =>
  (answers.modeChange ?? []).some((re) => re.test(label));

/**
 * The "always" option of the dialog on screen (its detector row `line`), as the vendor's answers
 * locate it: the first numbered option after the first whose label matches `always.option`, or on
 * a dialog without numbered options the first row that matches (its first capture group, else the
 * match, is the label). Null when the dialog offers none (`wtp approve --always` is then refused).
 */
export function alwaysChoice(
  answers: DialogAnswers,
  lines: readonly string[],
  line: number,
): AlwaysChoice | null {
  const always = answers.always;
  if (always === null) return null;
  const options = drawnOptions(lines, line);
  if (options.length > 0) {
    const hit = options.find((o) => o.n > 1 && always.option.test(o.label));
    if (hit === undefined) return null;
    const keys = always.keys === 'number' ? [{ raw: String(hit.n) }] : always.keys;
    return { keys, text: hit.label, modeChange: changesMode(answers, hit.label) };
  }
  if (always.keys === 'number') return null;
  for (let i = Math.max(0, line - ABOVE); i < lines.length; i++) {
    const m = always.option.exec((lines[i] ?? '').replace(FRAME, ''));
    if (m === null) continue;
    const text = (m[1] ?? m[0]).trim();
    return { keys: always.keys, text, modeChange: changesMode(answers, text) };
  }
  return null;
}
