import { describe, expect, it } from 'vitest';
import { niceCommand, niceProgram } from './lower-priority.js';

describe('niceCommand: an agent started at its lower priority', () => {
  it('starts it through nice, the command after --', () => {
    expect(niceCommand('-x', ['a', '--b'], 7, '/usr/bin/nice')).toEqual({
      command: '/usr/bin/nice',
      args: ['-n', '7', '--', '-x', 'a', '--b'],
    });
    expect(niceCommand('claude', [], 25.7, '/bin/nice')?.args).toEqual(['-n', '19', '--', 'claude']);
  });

  it('leaves it as it is at 0, below, or without a nice program', () => {
    expect(niceCommand('claude', [], 0, '/usr/bin/nice')).toBeNull();
    expect(niceCommand('claude', [], -5, '/usr/bin/nice')).toBeNull();
    expect(niceCommand('claude', [], 7, null)).toBeNull();
    expect(niceProgram(() => false)).toBeNull();
    expect(niceProgram((p) => p === '/bin/nice')).toBe('/bin/nice');
  });
});
