import { describe, expect, it } from 'vitest';
import { isFastCall } from './fast-path.js';

describe('isFastCall: the forms the launcher runs without the CLI program', () => {
  it('takes ls, diff and answers to one agent in their common forms', () => {
    for (const argv of [
      ['ls'],
      ['ls', '--json'],
      ['diff', 'a1'],
      ['diff', 'ws/a1', '--stat'],
      ['diff', '--stat', 'a1', '--json'],
      ['approve', 'a1'],
      ['deny', 'ws/a1', '--json'],
      ['answer', 'a1', '2'],
      ['answer', '--json', 'a1', 'use Postgres'],
    ]) {
      expect(isFastCall(argv), argv.join(' ')).toBe(true);
    }
  });

  it('leaves every other form to the whole CLI', () => {
    for (const argv of [
      [],
      ['ls', '--state', 'running'],
      ['ls', 'x'],
      ['ls', '--json', '--json'],
      ['diff'],
      ['diff', 'a1', 'a2'],
      ['diff', 'a1', '--help'],
      ['diff', 'a1', '--stat=1'],
      ['diff', '--', 'a1'],
      ['diff', ''],
      ['why', 'a1'],
      ['approve'],
      ['approve', '--all'],
      ['approve', 'a1', '--always'],
      ['approve', 'a1', 'a2'],
      ['deny', 'a1', '--message', 'no'],
      ['answer', 'a1'],
      ['answer', 'a1', ''],
      ['answer', '--all', '2'],
      ['answer', 'a1', '-1'],
    ]) {
      expect(isFastCall(argv), argv.join(' ')).toBe(false);
    }
  });
});
