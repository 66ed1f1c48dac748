import type { ModeReading } from '../core/agents/profiles.js';

/**
 * What the vendors' permission-mode readers share: reading an option's value as a CLI
 * parser would (the last one wins), and the mode line at the bottom of a screen.
 */

/** The value of the last `name VALUE` or `name=VALUE` among the arguments (any of `names`), or null. */
export function lastOption(args: readonly string[], ...names: string[]): string | null {
  let value: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') break;
    for (const name of names) {
      if (a === name && i + 1 < args.length) value = args[i + 1] ?? null;
      else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
    }
  }
  return value;
}

/** `Claude Code 2.1.330's default` (the version the agent runs, when known). */
export function defaultEvidence(product: string, version: string | null, where = ''): string {
  return `${product}${version === null ? '' : ` ${version}`}'s default${where}`;
}

/** Whether any of the flags is among the arguments (before a `--`). */
export function hasFlag(args: readonly string[], ...flags: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => flags.includes(a));
}

/** How many non-empty rows from the bottom a mode line is looked for in. */
export const MODE_LINE_ROWS = 4;

/**
 * The mode a screen's mode line names: the first of the last `rows` non-empty rows that matches
 * `re`, turned into the CLI's mode name by `native` (null: not a mode line); its evidence is the
 * row (`screen line 39: "⏵⏵ auto mode on (shift+tab to cycle)"`).
 */
export function modeLine(
  lines: readonly string[],
  re: RegExp,
  native: (m: RegExpMatchArray) => string | null,
  rows = MODE_LINE_ROWS,
): ModeReading | null {
  let seen = 0;
  for (let i = lines.length - 1; i >= 0 && seen < rows; i--) {
    const text = (lines[i] ?? '').trim();
    if (text === '') continue;
    seen++;
    const m = re.exec(text);
    const mode = m === null ? null : native(m);
    if (mode !== null) {
      const row = text.length > 120 ? `${text.slice(0, 119)}…` : text;
      return { native: mode, evidence: `screen line ${i}: ${JSON.stringify(row)}` };
    }
  }
  return null;
}
