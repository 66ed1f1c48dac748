import { describe, expect, it } from 'vitest';
import { truncate, utf8Encode, utf8Length } from './text.js';

const encoded = (s: string): number => new TextEncoder().encode(s).length;
/** Code units in hex, so a failure says which input it was. */
const units = (s: string): string =>
  s
    .split('')
    .map((c) => c.charCodeAt(0).toString(16))
    .join(' ');

describe('utf8Length', () => {
  it('counts 1, 2, 3 and 4 byte characters', () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('a\u007f\u0080\u07ff\u0800\uffff')).toBe(1 + 1 + 2 + 2 + 3 + 3);
  });

  it('agrees with TextEncoder on well-formed text', () => {
    for (const s of [
      'hello world\n',
      'héllo wörld',
      'naïve — “quotes”',
      '日本語のテキスト',
      'a😀b🎉c',
      '\r\n\t\u0000',
    ]) {
      expect(utf8Length(s)).toBe(encoded(s));
    }
  });

  it('counts a lone surrogate as the 3-byte replacement character, like TextEncoder', () => {
    // JSON may carry unpaired surrogates; what reaches the terminal is U+FFFD (3 bytes).
    for (const s of [
      '\ud800',
      '\udc00',
      'a\ud800',
      '\ud800a',
      '\ud800é',
      '\ud800€',
      '\ud800\ud800',
      '\udc00\ud800',
    ]) {
      expect({ s: units(s), n: utf8Length(s) }).toEqual({ s: units(s), n: encoded(s) });
    }
  });
});

describe('truncate', () => {
  it('keeps short text as is', () => {
    expect(truncate('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(truncate('', 0)).toEqual({ text: '', truncated: false });
  });

  it('cuts to max characters and says so', () => {
    expect(truncate('abcdef', 4)).toEqual({ text: 'abcd', truncated: true });
    expect(truncate('x'.repeat(2_500), 2_000)).toEqual({ text: 'x'.repeat(2_000), truncated: true });
  });

  it('never ends in half a surrogate pair', () => {
    expect(truncate('ab😀cd', 3)).toEqual({ text: 'ab', truncated: true });
    expect(truncate('ab😀cd', 4)).toEqual({ text: 'ab😀', truncated: true });
  });
});

describe('utf8Encode', () => {
  it('encodes like TextEncoder, lone surrogates included', () => {
    for (const s of ['', 'abc', 'héllo €', '😀 x', 'a\ud800b', '\udc00', 'x\ud83d']) {
      expect([...utf8Encode(s)]).toEqual([...new TextEncoder().encode(s)]);
    }
  });
});
