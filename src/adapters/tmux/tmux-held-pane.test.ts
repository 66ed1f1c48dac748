import { describe, expect, it } from 'vitest';
import { describePane } from './tmux-held-pane.js';

describe('describePane', () => {
  it('reads a new pane, its session name last with its spaces', () => {
    expect(describePane('%12 4711 /dev/pts/3 tmux-256color my work\n')).toEqual({
      id: '%12',
      pid: 4711,
      tty: '/dev/pts/3',
      term: 'tmux-256color',
      session: 'my work',
    });
  });

  it('leaves empty what tmux did not print', () => {
    expect(describePane('%1 9\n')).toEqual({ id: '%1', pid: 9, tty: '', term: '', session: '' });
  });
});
