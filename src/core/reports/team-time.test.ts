import { describe, expect, it } from 'vitest';
import { withTeams } from './team-time.js';

describe('a task’s time includes its lead’s team (issue 34)', () => {
  it('adds the workers its agents started, down the tree, once each', () => {
    const leadOf = new Map([
      ['w1', 'lead'],
      ['w2', 'lead'],
      ['ww', 'w1'],
      ['other', 'stranger'],
    ]);
    const [t] = withTeams([{ id: 'tk', agents: ['lead'] }], leadOf);
    expect(t?.agents.sort()).toEqual(['lead', 'w1', 'w2', 'ww']);
  });

  it('hostile: a cycle of leads, or a worker already in the task, is counted once', () => {
    const leadOf = new Map([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    const [t] = withTeams([{ id: 'tk', agents: ['a', 'b'] }], leadOf);
    expect(t?.agents).toEqual(['a', 'b']);
  });
});
