import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { NO_KEY as NONE } from '../../../../test/support/ink-key.js';
import { keyRuns } from './app-hooks.js';

const shape = (runs: [string, Key][]) =>
  runs.map(([input, key]) => [
    input,
    key.return ? 'return' : key.backspace ? 'backspace' : key.tab ? 'tab' : '',
  ]);

describe('keyRuns: keys that came in one read, split for a line editor', () => {
  it('text, then each Enter on its own, flagged as Ink flags an Enter pressed alone', () => {
    expect(shape(keyRuns('sh1\r\r', NONE))).toEqual([
      ['sh1', ''],
      ['\r', 'return'],
      ['\r', 'return'],
    ]);
    expect(shape(keyRuns('ab\x7fc\td', NONE))).toEqual([
      ['ab', ''],
      ['\x7f', 'backspace'],
      ['c', ''],
      ['\t', 'tab'],
      ['d', ''],
    ]);
  });
  it('a paste without control keys, a single key and a modified key are as they came', () => {
    const paste = 'a long pasted line with spaces';
    expect(keyRuns(paste, NONE)).toEqual([[paste, NONE]]);
    const enter = { ...NONE, return: true };
    expect(keyRuns('\r', enter)).toEqual([['\r', enter]]);
    const ctrl = { ...NONE, ctrl: true };
    expect(keyRuns('u', ctrl)).toEqual([['u', ctrl]]);
  });
});
