import { describe, expect, it } from 'vitest';
import { HostArgsError, parseHostArgs } from './host-member.js';

const base = ['--agent', 'ag-1', '--socket', '/s/host.sock', '--log-dir', '/s/agents/ag-1'];
const pane = {
  '--pane-id': '%3',
  '--pane-tty': '/dev/pts/7',
  '--pane-fifo': '/s/tmux-hosts/headless/p-1.fifo',
  '--pane-term': 'tmux-256color',
  '--tmux-socket': '/tmp/tmux-0/wtp-1',
};
const args = (over: Record<string, string | null> = {}): string[] =>
  Object.entries({ ...pane, ...over }).flatMap(([k, v]) => (v === null ? [] : [k, v]));

describe('a pane served by a host group: its arguments', () => {
  it('takes the five together in tmux, with --pane', () => {
    expect(parseHostArgs([...base, '--pane', ...args()], { group: false }).paneTty).toEqual({
      id: '%3',
      tty: '/dev/pts/7',
      fifo: '/s/tmux-hosts/headless/p-1.fifo',
      term: 'tmux-256color',
      tmuxSocket: '/tmp/tmux-0/wtp-1',
    });
    expect(parseHostArgs(base, { group: false }).paneTty).toBeNull();
  });

  it("takes a WezTerm pane's four, without a tmux socket", () => {
    const wez = args({ '--pane-id': '12', '--pane-term': 'xterm-256color', '--tmux-socket': null });
    expect(parseHostArgs([...base, '--pane', ...wez], { group: false }).paneTty).toEqual({
      id: '12',
      tty: '/dev/pts/7',
      fifo: '/s/tmux-hosts/headless/p-1.fifo',
      term: 'xterm-256color',
    });
  });

  it.each([
    ['a missing one', { '--pane-term': null }, /go together/],
    ['a device that is no terminal', { '--pane-tty': '/dev/sda' }, /terminal device/],
    ['a terminal path that climbs', { '--pane-tty': '/dev/pts/../sda' }, /terminal device/],
    ['a pane id that is not tmux’s', { '--pane-id': '%3;kill-server' }, /pane id/],
    ['a pane id that is not WezTerm’s', { '--pane-id': '3 ' }, /pane id/],
    ['a relative tmux socket', { '--tmux-socket': 'wtp-1' }, /absolute/],
    ['a TERM with a shell word', { '--pane-term': 'xterm $(id)' }, /terminal type/],
    ['a relative FIFO', { '--pane-fifo': 'p.fifo' }, /absolute/],
  ])('refuses %s', (_, over, message) => {
    expect(() => parseHostArgs([...base, '--pane', ...args(over)], { group: false })).toThrow(message);
  });

  it('refuses them without --pane, and a pane in a group without them', () => {
    expect(() => parseHostArgs([...base, ...args()], { group: false })).toThrow(HostArgsError);
    const group = ['--group', '/s/g.sock', '--members', '/s/g.members'];
    expect(() => parseHostArgs([...base, ...group, '--pane'], { group: true })).toThrow(/panes it is given/);
    expect(parseHostArgs([...base, ...group, '--pane', ...args()], { group: true }).paneTty?.id).toBe('%3');
  });
});
