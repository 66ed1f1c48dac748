import type { ShellWord } from '../ports/shell-syntax.js';

/** A word's value when it holds no expansion or substitution; null when it is known only at run time. */
export function wordValue(w: ShellWord): string | null {
  return w.parts.some((p) => p.kind === 'dynamic') ? null : w.parts.map((p) => p.text).join('');
}

/** A word as a deny rule reads it: expansions as written (`rm $X`), or left out (`${IFS}rm` → `rm`). */
export function wordText(w: ShellWord, dynamic: 'source' | 'drop'): string {
  return w.parts.map((p) => (p.kind !== 'dynamic' ? p.text : dynamic === 'source' ? p.text : '')).join('');
}

/** The word's unquoted text, with every quoted or dynamic piece as a neutral `x`. */
const bareView = (w: ShellWord): string =>
  w.parts.map((p) => (p.kind === 'bare' ? p.text : 'x'.repeat(Math.min(p.text.length, 1)))).join('');

/** Brace expansion (`{a,b}`, `{1..9}`): one word becomes several. */
const BRACES = /\{[^{}]*(?:,|\.\.)[^{}]*\}/;
/** Pathname expansion (`*`, `?`, `[…]`). */
const GLOB = /[*?[]/;

/**
 * What the shell may still change in a word before the command gets it, beyond its expansions:
 * `braces` (one word becomes several), `glob` (file names), `tilde` (a leading `~`: a home folder).
 * Null when nothing (quoted text is taken as it is).
 */
export function wordExpands(w: ShellWord): 'braces' | 'glob' | 'tilde' | null {
  const bare = bareView(w);
  if (BRACES.test(bare)) return 'braces';
  if (GLOB.test(bare)) return 'glob';
  if (w.parts[0]?.kind === 'bare' && w.parts[0].text.startsWith('~')) return 'tilde';
  return null;
}

/** A text as a reason names it: at most 200 characters (reasons go to logs). */
export const clipped = (s: string): string => (s.length <= 200 ? s : `${s.slice(0, 199)}…`);

/** The same, quoted. */
export const quoted = (s: string): string => JSON.stringify(clipped(s));
