import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, eventually, TestHome } from '../support/harness.js';
import { TuiPane } from '../support/tui-pane.js';

describe('wtp tui', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    expect((await home.run(['up', '--detach'])).code).toBe(0);
  });
  afterAll(() => home.cleanup());

  it('lists agents live, moves, stops one after asking, and quits leaving the shell screen', async () => {
    await home.run(['new', 'cmd', '--name', 'alpha', '--', 'sleep', '300']);
    const tui = await TuiPane.start(home, { cols: 80, rows: 24 });
    await tui.see('alpha');
    expect(await tui.screen()).toContain('1 agents');
    // An agent created after the TUI started shows up without a key press.
    await home.run(['new', 'cmd', '--name', 'beta', '--', 'sleep', '300']);
    await tui.see('beta');
    await tui.keys('j', 'x');
    await tui.see('Stop beta?');
    await tui.keys('y');
    await tui.see('stopped beta: exited');
    expect((await home.agent('beta')).state).toBe('exited');
    expect((await home.agent('alpha')).state).toBe('running');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    // The alternate screen is left: what was on the terminal before comes back, the list does not stay.
    expect(await tui.screen()).not.toContain('alpha');
    await tui.close();
  });

  it('refuses without a terminal, and says how to start the daemon when it is not running', async () => {
    // Interactive only, like `attach`: no --json.
    expect((await home.run(['tui', '--json'])).code).toBe(2);
    const plain = await home.run(['tui']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('`wtp tui` needs an interactive terminal');
    // Bare `wtp` in a script prints the help instead of starting the TUI.
    expect((await home.run([])).stderr).toContain('Usage: wtp');
    const other = new TestHome();
    try {
      const tui = await TuiPane.start(other, { cols: 80, rows: 24 });
      expect(await tui.exited()).toBe(1);
      expect(await tui.history()).toContain('The daemon is not running. Start it with `wtp up`');
    } finally {
      await other.cleanup();
    }
  });

  it('follows a daemon restart: reconnecting, then live again with the same agents', async () => {
    await home.run(['new', 'cmd', '--name', 'gamma', '--', 'sleep', '300']);
    const tui = await TuiPane.start(home, { cols: 100, rows: 24, name: 'restart' });
    await tui.see('gamma');
    expect((await home.run(['down'])).code).toBe(0);
    await tui.see('reconnecting');
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    const screen = await tui.until('live again', (s) => s.includes('● live') && s.includes('gamma'));
    expect(screen).toContain('alpha');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  });

  it('runs as a pane of a tmux workspace from a template (a command pane running wtp tui)', async () => {
    const tmuxHome = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh' });
    try {
      // `wtp` on the PATH the daemon gives its panes, as an installed one is.
      mkdirSync(tmuxHome.path('bin'));
      symlinkSync(BIN, tmuxHome.path('bin', 'wtp'));
      tmuxHome.env.PATH = `${tmuxHome.path('bin')}:${tmuxHome.env.PATH ?? ''}`;
      writeFileSync(
        tmuxHome.path('fleet.yaml'),
        [
          'description: an agent and the fleet beside it',
          'layout:',
          '  split: right',
          '  panes:',
          '    - agent: { name: worker, profile: shell }',
          "    - command: { title: fleet, shell: 'wtp tui' }",
          '',
        ].join('\n'),
      );
      expect((await tmuxHome.run(['up', '--detach'])).code).toBe(0);
      const made = await tmuxHome.run([
        'workspace',
        'new',
        'shop',
        '--template',
        tmuxHome.path('fleet.yaml'),
        '--cwd',
        tmuxHome.dir,
      ]);
      expect(made.code, made.stderr).toBe(0);
      const fleetPane = await eventually('the TUI drawn in the fleet pane', async () => {
        const panes = (await tmuxHome.tmux(['list-panes', '-a', '-F', '#{pane_id}'])).stdout
          .trim()
          .split('\n');
        for (const id of panes) {
          const text = (await tmuxHome.tmux(['capture-pane', '-p', '-t', id])).stdout;
          if (text.includes('● live') && text.includes('worker')) return text;
        }
        return undefined;
      });
      expect(fleetPane).toContain('1 agents');
    } finally {
      await tmuxHome.cleanup();
    }
  });
});
