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

  it('fits a width: columns give way in order, the free text is cut, the first and kept ones never', () => {
    const header = ['NAME', 'ID', 'STATE', 'CWD', 'ASKS'];
    const rows = [
      ['api', 'ag-1234567890', 'needs_permission', '/home/u/work/api', 'to run Bash: npm test -- --watch'],
    ];
    const fit = (width: number | null) =>
      table(header, rows, undefined, { width, keep: ['STATE'], drop: ['CWD', 'ID'], flex: 'ASKS' }).split(
        '\n',
      );
    // A pipe (no width) and a wide terminal: whole rows.
    expect(fit(null)[1]).toBe(
      'api   ag-1234567890  needs_permission  /home/u/work/api  to run Bash: npm test -- --watch',
    );
    expect(fit(200)).toEqual(fit(null));
    // CWD goes first, then ID; then ASKS is cut, down to 24 characters.
    expect(fit(80)).toEqual([
      'NAME  ID             STATE             ASKS',
      'api   ag-1234567890  needs_permission  to run Bash: npm test -- --watch',
    ]);
    expect(fit(50)).toEqual([
      'NAME  STATE             ASKS',
      'api   needs_permission  to run Bash: npm test -- …',
    ]);
    // Narrower than what must stay: the state is whole, the row longer than the width.
    expect(fit(30)[1]).toBe('api   needs_permission  to run Bash: npm test -…');
    // Colours follow their column wherever it ends up.
    const painted = table(header, rows, (_r, col, s) => (col === 2 ? `<${s.trim()}>` : s), {
      width: 50,
      keep: ['STATE'],
      drop: ['CWD', 'ID'],
      flex: 'ASKS',
    });
    expect(painted.split('\n')[1]).toBe('api   <needs_permission>  to run Bash: npm test -- …');
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
