import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, eventually, TestHome } from '../support/harness.js';
import { createScreen, flushScreen, screenText, toSvg } from '../support/terminal-svg.js';

const COLS = 120;
const ROWS = 30;

/** What each agent pane is told to print; the screenshot must show all of it. */
const WORK: Record<string, string> = {
  api: 'printf "\\033[32m✓\\033[0m 42 tests passed\\n"',
  ui: 'printf "\\033[33m●\\033[0m 3 lint warnings\\n"',
  tests: 'printf "\\033[36m→\\033[0m e2e: /orders\\n"',
  docs: 'printf "\\033[35m✎\\033[0m README updated\\n"',
};

const TEMPLATE = `description: Four agents for the README screenshot
layout:
  split: right
  panes:
    - split: down
      panes:
        - agent: { name: api }
        - agent: { name: tests }
    - split: down
      panes:
        - agent: { name: ui }
        - agent: { name: docs }
`;

/**
 * A real terminal attached to a tmux workspace (`wtp workspace attach`, in a PTY), rendered
 * through @xterm/headless to SVG. With WTP_SCREENSHOTS_DIR set, the SVG is also written there
 * (this is how docs/images/tmux-quad.svg is made: see docs/DEVELOPERS.md).
 */
describe('screenshot of a tmux workspace', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh', PS1: '$ ', LANG: 'C.UTF-8' });
    mkdirSync(home.path('shop'));
    writeFileSync(home.path('four.yaml'), TEMPLATE);
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('attaches a terminal that shows four labelled agent panes with their output, then detaches', async () => {
    const r = await home.run([
      'workspace',
      'new',
      'shop',
      '--template',
      home.path('four.yaml'),
      '--cwd',
      home.path('shop'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const [name, cmd] of Object.entries(WORK)) {
      expect((await home.run(['send', `shop/${name}`, cmd, '--enter'])).code).toBe(0);
    }
    // A neutral status line (the default shows the host name and the clock).
    await home.tmux(['set-option', '-g', 'status-right', ' wezterm-parallel ']);

    const term = pty.spawn(process.execPath, [BIN, 'workspace', 'attach', 'shop'], {
      cols: COLS,
      rows: ROWS,
      env: { ...(home.env as Record<string, string>), TERM: 'xterm-256color' },
      name: 'xterm-256color',
    });
    const screen = createScreen(COLS, ROWS);
    term.onData((d) => screen.write(d));
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));

    const expected = ['✓ 42 tests passed', '● 3 lint warnings', '→ e2e: /orders', '✎ README updated'];
    const text = await eventually('every pane to be drawn', async () => {
      await flushScreen(screen);
      const t = screenText(screen).join('\n');
      return expected.every((e) => t.includes(e)) && /api · running/.test(t) && /docs · running/.test(t)
        ? t
        : undefined;
    });
    // Four panes: a vertical border down the middle, labelled top borders, the session in the status line.
    expect(text).toContain('│');
    for (const name of Object.keys(WORK)) expect(text).toMatch(new RegExp(`${name} · running`));
    expect(screenText(screen).at(-1)).toMatch(/^\[shop\] 0:shop\*/);

    const svg = toSvg(screen, 'wtp workspace attach shop');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const e of ['42 tests passed', 'api · running', 'wezterm-parallel']) expect(svg).toContain(e);
    writeFileSync(home.path('tmux-quad.svg'), svg);
    const out = process.env.WTP_SCREENSHOTS_DIR;
    if (out) {
      mkdirSync(resolve(out), { recursive: true });
      writeFileSync(join(resolve(out), 'tmux-quad.svg'), svg);
    }

    term.write('\x02d'); // the tmux prefix (C-b), then d: detach
    expect(await exited).toBe(0);
    expect((await home.agents()).every((a) => a.state === 'running')).toBe(true);
  });
});
