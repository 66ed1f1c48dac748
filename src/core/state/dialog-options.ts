import type { AlwaysOption, DialogAnswers, DialogKey } from '../agents/profiles.js';

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
  /** The option opens a second stage whose text says what it holds for (AlwaysOption.stage). */
  stage?: NonNullable<AlwaysOption['stage']>;
}

/**
 * A second stage of an "always" option on screen (AlwaysOption.stage): its text, spaces squashed
 * (what the approval holds for), and whether it changes the session's mode; null when not drawn.
 */
export function stageText(
  answers: DialogAnswers,
  stage: NonNullable<AlwaysOption['stage']>,
  lines: readonly string[],
): { text: string; modeChange: boolean } | null {
  const rows = lines.map((row) => row.replace(FRAME, ''));
  const m = stage.text.exec(rows.join('\n'));
  if (m === null) return null;
  const text = (m[1] ?? m[0]).replace(/\s+/g, ' ').trim();
  return { text, modeChange: changesMode(answers, text, rows) };
}

/** Whether the screen shows the stage the deny keys may open (DialogAnswers.denyStage). */
export function denyStageShown(
  stage: NonNullable<DialogAnswers['denyStage']>,
  lines: readonly string[],
): boolean {
  return stage.text.test(lines.map((row) => row.replace(FRAME, '')).join('\n'));
}

/**
 * Whether an option's label changes the session's mode (the vendor's `modeChange`), on the dialog
 * whose rows are `dialog` (from a few rows above its detector row to the bottom).
 */
export function changesMode(answers: DialogAnswers, label: string, dialog: readonly string[] = []): boolean {
  return (answers.modeChange ?? []).some((m) =>
    m instanceof RegExp ? m.test(label) : m.option.test(label) && dialog.some((row) => m.dialog.test(row)),
  );
}

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
  const dialog = lines.slice(Math.max(0, line - ABOVE)).map((row) => row.replace(FRAME, ''));
  const options = drawnOptions(lines, line);
  if (options.length > 0) {
    const hit = options.find((o) => o.n > 1 && always.option.test(o.label));
    if (hit === undefined) return null;
    const keys = always.keys === 'number' ? [{ raw: String(hit.n) }] : always.keys;
    return { keys, text: hit.label, modeChange: changesMode(answers, hit.label, dialog) };
  }
  if (always.keys === 'number') return null;
  for (const row of dialog) {
    const m = always.option.exec(row);
    if (m === null) continue;
    const text = (m[1] ?? m[0]).trim();
    const stage = always.stage === undefined ? {} : { stage: always.stage };
    return { keys: always.keys, text, modeChange: changesMode(answers, text, dialog), ...stage };
  }
  return null;
}

/** A list of choices on screen, numbered or not, and the one its cursor is on. */
export interface CursorList {
  labels: string[];
  /** 0-based index of the option the cursor is on; null when the screen marks none. */
  selected: number | null;
}

/** `❯ Yes, I trust this folder`, `› 1. Trust and continue`: a cursor mark, then the label. */
const CURSOR_ROW = /^([❯›>●◉▶→])\s*(?:\d{1,2}\.\s+)?(\S.*)$/;
const PLAIN_ROW = /^(?:\d{1,2}\.\s+)?(\S.*)$/;

/**
 * The choices of a dialog whose options may be unnumbered (Claude Code's trust prompt: `No, exit` /
 * `❯ Yes, I trust this folder`): the row with the cursor mark and the rows above and below it whose
 * label starts in the same column, up to an empty row or one that starts elsewhere.
 */
export function cursorList(lines: readonly string[], line: number): CursorList | null {
  const from = Math.max(0, line - ABOVE);
  const rows = lines.map((l) => l.replace(/[│┃║|]/g, ' '));
  for (let i = rows.length - 1; i >= from; i--) {
    const text = (rows[i] ?? '').trim();
    const m = CURSOR_ROW.exec(text);
    if (m === null) continue;
    const col = (rows[i] ?? '').indexOf(m[2] ?? '');
    const at = (j: number): string | null => {
      const row = rows[j] ?? '';
      const t = row.trim();
      if (t === '' || FOOTER.test(t)) return null;
      const cursor = CURSOR_ROW.exec(t);
      const label = cursor ? cursor[2] : PLAIN_ROW.exec(t)?.[1];
      return label !== undefined && row.indexOf(label) === col ? label.trim() : null;
    };
    const above: string[] = [];
    for (let j = i - 1; j >= from; j--) {
      const label = at(j);
      if (label === null) break;
      above.unshift(label);
    }
    const below: string[] = [];
    for (let j = i + 1; j < rows.length; j++) {
      const label = at(j);
      if (label === null) break;
      below.push(label);
    }
    const labels = [...above, (m[2] ?? '').trim(), ...below];
    return labels.length >= 2 ? { labels, selected: above.length } : null;
  }
  return null;
}

/**
 * The keys that choose the first option whose label matches `want` on a list with a cursor: the
 * arrows from the cursor to it, then Enter — and its label. Null when no option matches.
 */
export function chooseOption(list: CursorList, want: RegExp): { keys: DialogKey[]; label: string } | null {
  const pick = list.labels.findIndex((l) => want.test(l));
  if (pick < 0) return null;
  const from = list.selected ?? 0;
  const move: DialogKey = pick > from ? 'down' : 'up';
  const keys: DialogKey[] = [...Array<DialogKey>(Math.abs(pick - from)).fill(move), 'enter'];
  return { keys, label: list.labels[pick] ?? '' };
}
