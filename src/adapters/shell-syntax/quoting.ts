import type { WordPart } from '../../core/ports/shell-syntax.js';

/** Appends a part, merged with the last one when of the same kind. */
export function pushPart(parts: WordPart[], kind: WordPart['kind'], text: string): void {
  if (text === '') return;
  const last = parts.at(-1);
  if (last?.kind === kind) parts[parts.length - 1] = { kind, text: last.text + text };
  else parts.push({ kind, text });
}

/** An unquoted word's text: `\x` is a quoted `x`, `\` before a newline joins the lines, the rest is bare. */
export function unquotedParts(text: string): WordPart[] {
  const parts: WordPart[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\' || i + 1 >= text.length) {
      pushPart(parts, 'bare', c);
      continue;
    }
    const next = text[++i] as string;
    if (next !== '\n') pushPart(parts, 'literal', next);
  }
  return parts;
}

/** Text inside double quotes: a backslash quotes only `$`, `` ` ``, `"`, `\` and a newline (which it removes). */
export function doubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c));
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** The text of an ANSI-C string `$'…'` (without `$'` and `'`), its escapes decoded as bash does. */
export function ansiC(body: string): string {
  return body.replace(
    /\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|c(.)|(.))/gs,
    (all, oct?: string, hex?: string, u4?: string, u8?: string, ctl?: string, other?: string) => {
      const code = (digits: string, radix: number): string => {
        const n = parseInt(digits, radix);
        return n <= 0x10ffff ? String.fromCodePoint(n) : '';
      };
      if (oct !== undefined) return code(oct, 8);
      if (hex !== undefined) return code(hex, 16);
      if (u4 !== undefined) return code(u4, 16);
      if (u8 !== undefined) return code(u8, 16);
      if (ctl !== undefined) return String.fromCharCode(ctl.toUpperCase().charCodeAt(0) & 0x1f);
      return SIMPLE_ESCAPES[other ?? ''] ?? all;
    },
  );
}
