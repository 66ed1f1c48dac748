import { describe, expect, it } from 'vitest';
import { table, visible, visibleControls } from './format.js';

describe('table', () => {
  it('keeps one line per row when a cell holds a newline or an escape sequence', () => {
    const out = table(
      ['NAME', 'CWD'],
      [
        ['a', '/tmp/x\ny'],
        ['b', '/tmp/\u001b]0;owned\u0007z'],
      ],
    );
    expect(out.split('\n')).toEqual(['NAME  CWD', 'a     /tmp/x\\ny', 'b     /tmp/\\x1b]0;owned\\x07z']);
  });

  it('leaves printable text alone', () => {
    expect(visibleControls('a b #(x) $(y) ü ✓')).toBe('a b #(x) $(y) ü ✓');
    expect(visibleControls('\t\r\u007f\u202e')).toBe('\\t\\r\\x7f\\u202e');
  });
});

describe('visible', () => {
  it('shows control, invisible and bidirectional characters as escapes; keeps lines, tabs and text', () => {
    expect(visible('a\tb\nc\r\nd')).toBe('a\tb\nc\r\nd');
    expect(visible('x\x1b[2Ky\rz\x07')).toBe('x\\x1b[2Ky\\x0dz\\x07');
    expect(visible('\u009b1A')).toBe('\\x9b1A');
    expect(visible('run: [rm]\u202e # \u200bok')).toBe('run: [rm]\\u202e # \\u200bok');
    expect(visible('héllo — ✓')).toBe('héllo — ✓');
  });
});
