import { describe, expect, it } from 'vitest';
import { cellText, visibleText } from '../../protocol/terminal-text.js';
import { table } from './format.js';

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
    expect(cellText('a b #(x) $(y) ü ✓')).toBe('a b #(x) $(y) ü ✓');
    expect(cellText('\t\r\u007f\u202e')).toBe('\\t\\r\\x7f\\u202e');
  });
});

describe('visibleText', () => {
  it('shows control, invisible and bidirectional characters as escapes; keeps lines, tabs and text', () => {
    expect(visibleText('a\tb\nc\r\nd')).toBe('a\tb\nc\r\nd');
    expect(visibleText('x\x1b[2Ky\rz\x07')).toBe('x\\x1b[2Ky\\x0dz\\x07');
    expect(visibleText('\u009b1A')).toBe('\\x9b1A');
    expect(visibleText('run: [rm]\u202e # \u200bok')).toBe('run: [rm]\\u202e # \\u200bok');
    expect(visibleText('héllo — ✓')).toBe('héllo — ✓');
  });
});
