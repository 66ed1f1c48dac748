import { describe, expect, it } from 'vitest';
import type { ClosedPanesRead } from '../protocol/host-group.js';
import { closedByHand, describePane, type HostGroups } from './held-pane.js';

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

describe('closedByHand: what a host group recorded, for this agent in this pane only', () => {
  const groups = (word: ClosedPanesRead, asked: number[] = []): HostGroups => ({
    groupDir: '/state/tmux-hosts/headless',
    spawnPane: () => Promise.reject(new Error('not here')),
    servedPanes: () => Promise.resolve([]),
    closedPanes: (pid) => {
      asked.push(pid);
      return Promise.resolve(word);
    },
  });
  const word = { panes: [{ agent: 'ag-a', pane: '%3/4100' }] };

  it('the agent in the pane its group names: closed by hand', async () => {
    const asked: number[] = [];
    expect(await closedByHand(groups(word, asked), '%3/4100', 'ag-a')).toEqual({ closed: true });
    expect(asked).toEqual([4100]);
  });

  it.each([
    ['another agent', '%3/4100', 'ag-b'],
    ['an earlier pane of the agent', '%9/4100', 'ag-a'],
    ['a pane with a host of its own', '%3', 'ag-a'],
    ['a headless group place', 'h-4100/ag-a', 'ag-a'],
    ['a WezTerm pane of the same number', '3/4100', 'ag-a'],
  ])('%s: not', async (_what, pane, agent) => {
    expect(await closedByHand(groups(word), pane, agent)).toEqual({ closed: false });
  });

  it("a WezTerm pane's group is asked by the pid its id carries", async () => {
    const asked: number[] = [];
    const wez = { panes: [{ agent: 'ag-a', pane: '12/4200' }] };
    expect(await closedByHand(groups(wez, asked), '12/4200', 'ag-a')).toEqual({ closed: true });
    expect(asked).toEqual([4200]);
  });

  it('no groups, or a refused record: not, and the refusal is passed on', async () => {
    expect(await closedByHand(undefined, '%3/4100', 'ag-a')).toEqual({ closed: false });
    expect(await closedByHand(groups({ refused: 'a link' }), '%3/4100', 'ag-a')).toEqual({
      closed: false,
      refused: 'a link',
    });
  });
});
