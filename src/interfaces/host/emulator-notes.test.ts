import { describe, expect, it } from 'vitest';
import { EmulatorNotes } from './emulator-notes.js';

describe('EmulatorNotes', () => {
  it('counts parsing errors and notes only the first', () => {
    const lines: string[] = [];
    const notes = new EmulatorNotes((level, msg) => lines.push(`${level} ${msg}`));
    for (let i = 0; i < 100_000; i++) notes.parseError();
    expect(notes.parseErrors).toBe(100_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn the agent's output holds escape sequences/);
  });

  it('notes other messages at most ten a minute, then says how many it left out', () => {
    const lines: string[] = [];
    let now = 0;
    const notes = new EmulatorNotes(
      (level, msg) => lines.push(`${level} ${msg}`),
      () => now,
    );
    for (let i = 0; i < 50; i++) notes.note('warn', `m${i}`);
    expect(lines).toHaveLength(10);
    now = 60_000;
    notes.note('info', 'later');
    expect(lines.slice(10)).toEqual([
      'warn 40 more terminal emulator message(s) not noted',
      'info terminal emulator: later',
    ]);
  });
});
