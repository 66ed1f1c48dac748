import { describe, expect, it } from 'vitest';
import { keyBytesOf } from './keys.js';

describe('keyBytesOf', () => {
  it('presses named keys in any case, and a digit as itself (a numbered option: `--key 1`)', () => {
    expect(keyBytesOf('Esc')).toBe('\x1b');
    expect(keyBytesOf('shift-tab')).toBe('\x1b[Z');
    expect(keyBytesOf('1')).toBe('1');
    expect(keyBytesOf('0')).toBe('0');
  });

  it('knows nothing else: two digits, other characters, inherited names', () => {
    for (const k of ['10', 'a', '', ' 1', '1\n', 'toString', '__proto__'])
      expect(keyBytesOf(k)).toBeUndefined();
  });
});
