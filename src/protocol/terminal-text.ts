/**
 * The one sanitizer for text from users, agents, repositories or the database that reaches a terminal:
 * a terminal acts on more than colours (OSC 52 writes the clipboard, CSI can make it answer into the
 * user's input or move the cursor over what was printed, DCS/APC carry payloads, a C1 control does as
 * much in one character, CR and bidirectional marks make a line read other than it is). `show` makes
 * every control visible as an escape (`\x1b`, `\u202e`): the text stays readable and no sequence acts;
 * `drop` removes whole sequences (`wtp logs`, `--plain`). Either way only the SGR asked for passes:
 * `palette` (our views' colours) or `all` (an agent's, in `wtp logs`); invisible marks show as `\uXXXX`.
 */

/** What passes as it is. */
export type SgrPolicy = 'none' | 'palette' | 'all';

export interface TerminalTextOptions {
  /** `show`: control characters as escapes (`\x1b`); `drop`: sequences and controls removed. */
  controls: 'show' | 'drop';
  /** SGR sequences kept: none (default), the views' own palette, or every SGR. */
  sgr?: SgrPolicy;
  /** One line: newline, CR and tab shown as `\n`, `\r`, `\t` (`show`) or as a space (`drop`). */
  oneLine?: boolean;
  /** Other CSI sequences allowed through (the TUI's own cursor moves), by parameters and final byte. */
  allowCsi?: (params: string, final: string) => boolean;
  /** `drop` only: a CR passes as it is (a view that draws its own screen). */
  keepCr?: boolean;
}

/** The SGR parameters wezterm-parallel's views paint (cli/format.ts `paint`, the TUI's selection). */
const PALETTE = new Set(['', '0', '1', '7', '22', '27', '39', '31', '32', '33', '34', '35', '36', '90']);

/** Longest CSI kept whole; a longer one is dropped (a stream never holds more). */
const MAX_CSI = 64;

/** Zero-width and direction marks: shown as `\uXXXX` so a line cannot read other than it is. */
const INVISIBLE = /[\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/;

/** What `ground` passes as it is: no C0, DEL, C1 or invisible mark (so nothing `ground` acts on). */
const PLAIN_RUN = new RegExp(`[^\\x00-\\x1f\\x7f-\\x9f${INVISIBLE.source.slice(1, -1)}]+`, 'y');

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** `\x1b`, `\x9b`, `\u202e`: how a control character is shown. */
export function escapeOf(ch: string): string {
  const n = ch.codePointAt(0) ?? 0;
  return n < 0x100 ? `\\x${hex(n, 2)}` : `\\u${hex(n, 4)}`;
}

const ONE_LINE: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

type State =
  | { kind: 'ground' }
  /** After ESC (or a C1 introducer): `raw` is what has been read of the sequence. */
  | { kind: 'escape'; raw: string }
  | { kind: 'csi'; raw: string; body: string }
  /** An ESC sequence with intermediates (`ESC ( B`). */
  | { kind: 'nf'; raw: string }
  /** OSC, DCS, SOS, PM, APC: until ST (`ESC \`, U+009C) — or BEL for OSC. */
  | { kind: 'string'; osc: boolean; escSeen: boolean }
  /** A CR whose meaning depends on the next character. */
  | { kind: 'cr' };

const C1_INTRODUCERS: Record<number, 'csi' | 'osc' | 'string'> = {
  0x9b: 'csi',
  0x9d: 'osc',
  0x90: 'string',
  0x98: 'string',
  0x9e: 'string',
  0x9f: 'string',
};

/**
 * The sanitizer as a stream: `push` text as it comes (a sequence cut between two chunks is judged
 * whole), `end` when there is no more (a sequence still open then is dropped, or shown). It holds
 * at most one short CSI sequence or a CR between chunks, never a string's payload.
 */
export class TerminalFilter {
  private state: State = { kind: 'ground' };

  constructor(private readonly o: TerminalTextOptions) {}

  push(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (this.state.kind === 'ground') {
        // A run of characters that pass as they are, copied at once (most of any text).
        PLAIN_RUN.lastIndex = i;
        if (PLAIN_RUN.test(text)) {
          out += text.slice(i, PLAIN_RUN.lastIndex);
          i = PLAIN_RUN.lastIndex;
          continue;
        }
      }
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      out += this.step(ch);
      i += ch.length;
    }
    return out;
  }

  /** What is still open is settled: a cut sequence is dropped (or shown), a lone ESC too. */
  end(): string {
    const s = this.state;
    this.state = { kind: 'ground' };
    const show = this.o.controls === 'show';
    switch (s.kind) {
      case 'escape':
      case 'nf':
      case 'csi':
        return show ? this.visible(s.raw) : '';
      case 'cr':
        return this.cr(null);
      default:
        return '';
    }
  }

  private step(ch: string): string {
    const s = this.state;
    switch (s.kind) {
      case 'ground':
        return this.ground(ch);
      case 'cr':
        this.state = { kind: 'ground' };
        return this.cr(ch) + (ch === '\n' || ch === '\r' ? this.lineEnd(ch) : this.ground(ch));
      case 'escape':
        return this.afterEscape(s.raw, ch);
      case 'nf':
        return this.nf(s.raw, ch);
      case 'csi':
        return this.csi(s, ch);
      case 'string':
        return this.inString(s, ch);
    }
  }

  private ground(ch: string): string {
    const n = ch.codePointAt(0) ?? 0;
    const show = this.o.controls === 'show';
    if (ch === '\x1b') {
      this.state = { kind: 'escape', raw: ch };
      return '';
    }
    if (ch === '\r') {
      if (this.o.keepCr && !show) return ch;
      this.state = { kind: 'cr' };
      return '';
    }
    if (ch === '\n' || ch === '\t') return this.lineEnd(ch);
    if (n >= 0x80 && n <= 0x9f) {
      const intro = C1_INTRODUCERS[n];
      if (intro === 'csi') {
        this.state = { kind: 'csi', raw: ch, body: '' };
        return '';
      }
      if (intro !== undefined) {
        this.state = { kind: 'string', osc: intro === 'osc', escSeen: false };
        return show ? escapeOf(ch) : '';
      }
      return show ? escapeOf(ch) : '';
    }
    if (n < 0x20 || n === 0x7f) return show ? escapeOf(ch) : '';
    if (INVISIBLE.test(ch)) return escapeOf(ch);
    return ch;
  }

  /** A newline or tab in ground state. */
  private lineEnd(ch: string): string {
    if (ch === '\r') {
      this.state = { kind: 'cr' };
      return '';
    }
    if (!this.o.oneLine) return ch;
    return this.o.controls === 'show' ? (ONE_LINE[ch] ?? ch) : ' ';
  }

  /**
   * A CR followed by `next` (null: the end). CR LF stays a line end; in a line of its own a CR
   * would let later text overwrite earlier text: shown (`\x0d`), or in `drop` a line break.
   */
  private cr(next: string | null): string {
    const show = this.o.controls === 'show';
    if (this.o.oneLine) return show ? '\\r' : ' ';
    if (next === '\n') return '\r';
    if (show) return escapeOf('\r');
    return next === '\r' || next === null ? '' : '\n';
  }

  private afterEscape(raw: string, ch: string): string {
    const n = ch.codePointAt(0) ?? 0;
    const show = this.o.controls === 'show';
    if (ch === '[') {
      this.state = { kind: 'csi', raw: raw + ch, body: '' };
      return '';
    }
    if (ch === ']' || ch === 'P' || ch === 'X' || ch === '^' || ch === '_') {
      this.state = { kind: 'string', osc: ch === ']', escSeen: false };
      return show ? this.visible(raw + ch) : '';
    }
    if (n >= 0x20 && n <= 0x2f) {
      this.state = { kind: 'nf', raw: raw + ch };
      return '';
    }
    this.state = { kind: 'ground' };
    if (n >= 0x30 && n <= 0x7e) return show ? this.visible(raw + ch) : '';
    // A lone ESC: gone (or shown), and the character after it is read on its own.
    return (show ? this.visible(raw) : '') + this.ground(ch);
  }

  private nf(raw: string, ch: string): string {
    const n = ch.codePointAt(0) ?? 0;
    const show = this.o.controls === 'show';
    if (n >= 0x20 && n <= 0x2f && raw.length < MAX_CSI) {
      this.state = { kind: 'nf', raw: raw + ch };
      return '';
    }
    this.state = { kind: 'ground' };
    if (n >= 0x30 && n <= 0x7e) return show ? this.visible(raw + ch) : '';
    return (show ? this.visible(raw) : '') + this.ground(ch);
  }

  private csi(s: Extract<State, { kind: 'csi' }>, ch: string): string {
    const n = ch.codePointAt(0) ?? 0;
    const show = this.o.controls === 'show';
    if (n >= 0x20 && n <= 0x3f && s.body.length < MAX_CSI) {
      this.state = { kind: 'csi', raw: s.raw + ch, body: s.body + ch };
      return '';
    }
    this.state = { kind: 'ground' };
    if (n >= 0x40 && n <= 0x7e && s.body.length < MAX_CSI) {
      if (this.keeps(s.body, ch)) return `\x1b[${s.body}${ch}`;
      return show ? this.visible(s.raw + ch) : '';
    }
    // Cut short by a character that cannot be in it (or too long): what came so far is not a sequence.
    return (show ? this.visible(s.raw) : '') + this.ground(ch);
  }

  private keeps(body: string, final: string): boolean {
    const sgr = this.o.sgr ?? 'none';
    if (final === 'm' && sgr !== 'none' && /^[\d;:]*$/.test(body)) {
      return sgr === 'all' || body.split(';').every((p) => PALETTE.has(p));
    }
    return this.o.allowCsi?.(body, final) ?? false;
  }

  private inString(s: Extract<State, { kind: 'string' }>, ch: string): string {
    const show = this.o.controls === 'show';
    const n = ch.codePointAt(0) ?? 0;
    if (s.escSeen) {
      this.state = { kind: 'ground' };
      // ESC \ is the string terminator; any other ESC ends the string and starts a sequence.
      if (ch === '\\') return show ? '\\x1b\\' : '';
      return (show ? '\\x1b' : '') + this.afterEscape('\x1b', ch);
    }
    if (ch === '\x1b') {
      this.state = { ...s, escSeen: true };
      return '';
    }
    if ((s.osc && ch === '\x07') || n === 0x9c || ch === '\x18' || ch === '\x1a') {
      this.state = { kind: 'ground' };
      return show ? escapeOf(ch) : '';
    }
    return show ? this.shown(ch) : '';
  }

  /** One character as `show` prints it, whatever the state. */
  private shown(ch: string): string {
    if (ch === '\n' || ch === '\t' || ch === '\r')
      return this.o.oneLine ? (ONE_LINE[ch] ?? ch) : ch === '\r' ? escapeOf(ch) : ch;
    return this.visible(ch);
  }

  /** A sequence's text with its control characters shown. */
  private visible(raw: string): string {
    let out = '';
    for (const ch of raw) {
      const n = ch.codePointAt(0) ?? 0;
      out += n < 0x20 || (n >= 0x7f && n <= 0x9f) || INVISIBLE.test(ch) ? escapeOf(ch) : ch;
    }
    return out;
  }
}

/** `text` through a fresh `TerminalFilter`, whole. */
export function terminalText(text: string, o: TerminalTextOptions): string {
  const f = new TerminalFilter(o);
  return f.push(text) + f.end();
}

/** A table cell or a field of one line: every control character, newline and tab shown as an escape. */
export function cellText(text: string): string {
  return terminalText(text, { controls: 'show', oneLine: true });
}

/** Text of several lines (a prompt, a file shown for review): newlines and tabs kept, the rest shown. */
export function visibleText(text: string): string {
  return terminalText(text, { controls: 'show' });
}

/** Plain text: escape sequences and control characters removed (`wtp logs --plain`). */
export function plainText(text: string): string {
  return terminalText(text, { controls: 'drop' });
}

/** Characters JSON leaves raw that a terminal acts on or that reorder text: C1, DEL, invisible and bidi marks. */
const JSON_RAW = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * `JSON.stringify(value)` safe to print on a terminal: the same document, with the characters
 * JSON leaves raw (C1 controls, DEL, bidi marks) written as `\uXXXX` escapes.
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(JSON_RAW, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}
