import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, eventually, TestHome } from '../support/harness.js';
import { createScreen, flushScreen, screenText, toSvg } from '../support/terminal-svg.js';

/**
 * `wtp tui` in a real terminal (a PTY) rendered through @xterm/headless to SVG, in colour, at
 * 120×30 and 80×24. With WTP_SCREENSHOTS_DIR set the SVGs are written there (this is how
 * docs/images/tui-*.svg are made: see DEVELOPERS.md).
 */
describe('screenshots of the terminal UI', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh', PS1: '$ ', LANG: 'C.UTF-8' });
    await home.up();
    const work = (name: string, ws: string, script: string) =>
      home.run(['new', 'cmd', '--name', name, '--workspace', ws, '--', 'sh', '-c', script]);
    await home.run(['workspace', 'new', 'shop', '--cwd', home.dir]);
    await home.run(['workspace', 'new', 'blog', '--cwd', home.dir]);
    await work('api', 'shop', 'printf "\\033[32m✓\\033[0m 42 tests passed\\n"; exec sleep 300');
    await work('web', 'shop', 'printf "\\033[33m●\\033[0m building /orders…\\n"; exec sleep 300');
    await work('lint', 'shop', 'printf "3 warnings\\n"; exit 1');
    await work('docs', 'blog', 'printf "\\033[35m✎\\033[0m README updated\\n"; exec sleep 300');
  });
  afterAll(() => home.cleanup());

  for (const [cols, rows, file] of [
    [120, 30, 'tui-fleet.svg'],
    [80, 24, 'tui-narrow.svg'],
  ] as const) {
    it(`renders the fleet at ${cols}×${rows} (${file})`, async () => {
      const env: Record<string, string> = { ...(home.env as Record<string, string>), TERM: 'xterm-256color' };
      delete env.NO_COLOR;
      const term = pty.spawn(process.execPath, [BIN, 'tui'], { cols, rows, env, name: 'xterm-256color' });
      const screen = createScreen(cols, rows);
      term.onData((d) => screen.write(d));
      const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
      let last = '';
      const text = await eventually('the fleet and the preview drawn', async () => {
        await flushScreen(screen);
        last = screenText(screen).join('\n');
        // The first agent (blog/docs) is selected: its screen is in the preview.
        return ['▾ blog', '▾ shop', 'exited(1)', 'README updated', '? help'].every((w) => last.includes(w))
          ? last
          : undefined;
      }).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${last}`);
      });
      expect(text).toMatch(/4 agents/);
      const svg = toSvg(screen, 'wtp tui');
      for (const w of ['api', 'docs', 'lint', 'README updated']) expect(svg).toContain(w);
      expect(svg).toMatch(/fill="#(?!d3d7cf)[0-9a-f]{6}"/); // coloured text, not only the default
      const out = process.env.WTP_SCREENSHOTS_DIR;
      if (out) {
        mkdirSync(resolve(out), { recursive: true });
        writeFileSync(join(resolve(out), file), svg);
      }
      term.write('q');
      expect(await exited).toBe(0);
    });
  }
});
