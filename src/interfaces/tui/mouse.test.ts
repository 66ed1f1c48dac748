import { describe, expect, it } from 'vitest';
import { isMouseReport, parseMouse } from './mouse.js';

describe('mouse reports', () => {
  it('reads presses, releases and the wheel, with or without the ESC Ink strips', () => {
    expect(parseMouse('\x1b[<0;12;5M')).toEqual({ kind: 'press', button: 0, x: 11, y: 4 });
    expect(parseMouse('[<0;12;5m')).toEqual({ kind: 'release', button: 0, x: 11, y: 4 });
    expect(parseMouse('[<2;1;1M')).toEqual({ kind: 'press', button: 2, x: 0, y: 0 });
    expect(parseMouse('[<64;3;9M')).toEqual({ kind: 'wheelUp', button: 0, x: 2, y: 8 });
    expect(parseMouse('[<65;3;9M')).toEqual({ kind: 'wheelDown', button: 0, x: 2, y: 8 });
  });

  it('ignores drags, and takes nothing else for a report', () => {
    expect(parseMouse('[<32;4;4M')).toBeNull();
    expect(isMouseReport('[<32;4;4M')).toBe(true); // still not a key
    for (const other of ['[', '[A', '\x1b[A', 'j', '[<0;1M', '[<0;1;1;1M', 'x[<0;1;1M'])
      expect(isMouseReport(other), other).toBe(false);
  });
});
