import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUI_NODE_FLAGS } from '../../bench/tui-flags.js';
import { BIN, eventually, REPO, TestHome } from '../support/harness.js';
import { TuiPane } from '../support/tui-pane.js';

describe('wtp tui', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('lists agents live, moves, stops one after asking, and quits leaving the shell screen', async () => {
    await home.run(['new', 'cmd', '--name', 'alpha', '--', 'sleep', '300']);
    const tui = await TuiPane.start(home, { cols: 80, rows: 24 });
    await tui.see('alpha');
    expect(await tui.screen()).toContain('1 agents');
    // Started by the `wtp` command, the TUI runs with the V8 flag that keeps its memory down.
    const panePid = (await home.tmux(['display', '-p', '-t', tui.target, '#{pane_pid}'])).stdout.trim();
    const children = execFileSync('ps', ['-A', '-o', 'ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim().split(/\s+/)[0] === panePid);
    expect(children.join('\n')).toContain(`node ${TUI_NODE_FLAGS.join(' ')} ${REPO}/bin/wtp.js tui`);
    // An agent created after the TUI started shows up without a key press.
    await home.run(['new', 'cmd', '--name', 'beta', '--', 'sleep', '300']);
    await tui.see('beta');
    await tui.keys('j', 'x');
    await tui.see('Stop beta?');
    await tui.keys('y');
    await tui.see('stopped beta');
    expect((await home.agent('beta')).state).toBe('exited');
    // Stopping it again stops nothing, and says so without asking.
    await tui.keys('x');
    await tui.see('beta has exited already: nothing to stop');
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
    await home.up();
    const screen = await tui.until('live again', (s) => s.includes('● live') && s.includes('gamma'));
    expect(screen).toContain('alpha');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    await tui.close();
  });

  it('selects an agent with a click and scrolls the preview with the wheel; a click is never typed as keys', async () => {
    await home.run(['new', 'cmd', '--name', 'talker', '--', 'sh', '-c', 'seq 1 300; exec sleep 300']);
    await home.run(['new', 'cmd', '--name', 'quiet', '--', 'sleep', '300']);
    const tui = await TuiPane.start(home, { cols: 80, rows: 24, name: 'mouse' });
    await tui.see('quiet');
    // The TUI asked the terminal for clicks and the wheel in SGR coordinates.
    const flags = async () =>
      (
        await home.tmux(['display', '-p', '-t', tui.target, '#{mouse_standard_flag}#{mouse_sgr_flag}'])
      ).stdout.trim();
    expect(await flags()).toBe('11');
    const click = async (name: string) => {
      const y = (await tui.screen()).split('\n').findIndex((l) => l.includes(name));
      expect(y).toBeGreaterThan(0);
      await tui.keys(`\x1b[<0;21;${y + 1}M`, `\x1b[<0;21;${y + 1}m`);
      return tui.until(`${name} selected by a click`, (s) => new RegExp(`▸ \\S+ ${name} `).test(s));
    };
    // A click on a row selects it: the marker moves and the preview follows.
    await click('quiet');
    const shown = await click('talker');
    // The click's bytes (`[<0;21;4M`) taken for keys would scroll (`[`) or say "Select a task…" (`M`).
    expect(shown).not.toContain('Select a task');
    expect(shown).not.toContain('lines back');
    await tui.until("talker's output in the preview", (s) => s.includes('talker —') && /^300\s*$/m.test(s));
    // The wheel over the preview (the lower part at 80 columns) scrolls it back, and forward again.
    await tui.keys('\x1b[<64;10;18M');
    await tui.see('lines back');
    await tui.keys('\x1b[<65;10;18M');
    await tui.until('back at the bottom', (s) => !s.includes('lines back'));
    // In a prompt a click types nothing.
    await tui.keys('/');
    await tui.see('filter: ');
    await tui.keys('\x1b[<0;21;4M', '\x1b[<0;21;4m', 'tal');
    const prompt = await tui.see('filter: tal');
    expect(prompt).not.toContain('[<');
    await tui.keys('Escape');
    await tui.until('the prompt closed', (s) => !s.includes('filter: '));
    // Typed faster than a frame (one read): the prompt opens, takes the text, and the Enter keeps it.
    // What came after that Enter is dropped, not taken as list keys: a pasted `x` would stop an agent.
    await tui.keys('/tal\rx');
    const kept = await tui.until(
      'the filter kept and its prompt closed',
      (s) => /^wtp .*filter: tal\b/m.test(s) && !s.includes('filter: tal█'),
    );
    expect(kept).not.toContain('Stop talker?');
    // The next key read on its own is the list's again.
    await tui.keys('x');
    await tui.see('Stop talker?');
    await tui.keys('n');
    await tui.see('Cancelled.');
    await tui.keys('q');
    expect(await tui.exited()).toBe(0);
    // Quitting gives the mouse back to the terminal.
    expect(await flags()).toBe('00');
    await tui.close();
    // tui.mouse: false leaves the mouse to the terminal (its own text selection).
    writeFileSync(home.path('config.yaml'), 'tui:\n  mouse: false\n');
    try {
      const plain = await TuiPane.start(home, { cols: 80, rows: 24, name: 'nomouse' });
      await plain.see('talker');
      expect(
        (await home.tmux(['display', '-p', '-t', plain.target, '#{mouse_standard_flag}'])).stdout.trim(),
      ).toBe('0');
      await plain.close();
    } finally {
      rmSync(home.path('config.yaml'));
    }
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
      await tmuxHome.up();
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

  it('after X removes an agent, the selection takes the place it left (the next one), not the top', async () => {
    const h = new TestHome({ SHELL: '/bin/sh' });
    try {
      await h.up();
      for (const n of ['r1', 'r2', 'r3']) await h.run(['new', 'cmd', '--name', n, '--', 'true']);
      for (const n of ['r1', 'r2', 'r3']) await h.untilState(n, 'exited');
      const tui = await TuiPane.start(h, { cols: 100, rows: 24, name: 'removal' });
      const selectedLine = (s: string): string => s.split('\n').find((l) => l.startsWith('▸ ')) ?? '';
      await tui.until(
        'r1 selected',
        (s) => ['r2', 'r3'].every((n) => s.includes(n)) && selectedLine(s).includes('r1'),
      );
      await tui.keys('j');
      await tui.until('r2 selected', (s) => selectedLine(s).includes('r2'));
      await tui.keys('X');
      await tui.see('Remove r2 and its logs?');
      await tui.keys('y');
      await tui.see('removed r2 and its logs');
      const after = await tui.until(
        'the selection on r3',
        (s) => !/\br2\b/.test(s.split('\n').slice(0, 6).join('\n')) && selectedLine(s).includes('r3'),
      );
      expect(selectedLine(after)).not.toContain('r1');
      await tui.keys('q');
      expect(await tui.exited()).toBe(0);
      await tui.close();
    } finally {
      await h.cleanup();
    }
  });
});
