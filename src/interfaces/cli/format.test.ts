import { describe, expect, it } from 'vitest';
import { table, visibleControls } from './format.js';

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
    expect(visibleControls('\t\r\u007f')).toBe('\\t\\r\\x7f');
  });
});
