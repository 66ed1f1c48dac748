import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { WtpEvent } from '../../src/protocol/events.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { freePort, screenshot, signedInPage } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * The dashboard's terminal in Debian's Chromium: xterm.js over the pty WebSocket, with the
 * scrollback from the agent's log, typing through the safe-input path, the agent resized to the
 * window, and the connection closed when the terminal is not shown.
 */
describe('the dashboard terminal (Chromium)', () => {
  let home: TestHome;
  let browser: Browser;
  let page: Page;
  let port: number;
  const terminalText = () => page.locator('[data-testid="terminal"] .xterm-rows').innerText();
  const untilText = (what: string, needle: string | RegExp) =>
    eventually(
      what,
      async () => {
        const t = await terminalText().catch(() => '');
        return (typeof needle === 'string' ? t.includes(needle) : needle.test(t)) ? t : undefined;
      },
      30_000,
    );
  const events = async (type: string): Promise<WtpEvent[]> => {
    const r = await home.run(['events', '--type', type, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event);
  };
  const peek = async (name: string) => cliOutputSchemas.peek.parse((await home.json(['peek', name])).doc);

  beforeAll(async () => {
    port = await freePort();
    home = new TestHome({ WTP_API_PORT: String(port), SHELL: '/bin/sh' });
    await home.up();
    expect((await home.run(['new', 'shell', '--name', 'sh'])).code).toBe(0);
    // Output from before the page opens: it must be there, from the log and the screen.
    expect((await home.run(['send', 'sh', 'seq 1 300; echo before-the-page', '--enter'])).code).toBe(0);
    await eventually('the earlier output', async () =>
      (await peek('sh')).screen.lines.join('\n').includes('before-the-page'),
    );
    ({ browser, page } = await signedInPage(home));
  });
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('opens an agent’s terminal with what it printed before', async () => {
    await page.locator('[data-testid="agent"][data-agent="sh"]').waitFor();
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/sh`);
    await page.locator('[data-testid="terminal-panel"][data-status="live"]').waitFor({ timeout: 30_000 });
    await untilText('the earlier output in the terminal', 'before-the-page');
    // The lines above the screen are in the scrollback, from the agent's log, once each.
    await page.locator('[data-testid="terminal"]').hover();
    const scrolled = async (dy: number, needle: string) =>
      eventually(
        `the terminal to scroll to ${needle}`,
        async () => {
          await page.mouse.wheel(0, dy);
          const t = await terminalText();
          return t.includes(needle) ? t : undefined;
        },
        30_000,
      );
    const top = await scrolled(-2_000, 'seq 1 300');
    expect(top).toMatch(/\n1\n2\n3\n/);
    await scrolled(2_000, 'before-the-page');
    // No line lost or repeated where the scrollback meets the repainted screen (at line 263):
    // a view a few lines up from the bottom spans both.
    await page.mouse.wheel(0, -150);
    const view = await eventually(
      'a view across the scrollback and the screen',
      async () => {
        const rows = (await terminalText())
          .split('\n')
          .filter((r) => /^\d+$/.test(r))
          .map(Number);
        return rows.includes(262) && rows.includes(263) && rows[0] !== 261 ? rows : undefined;
      },
      30_000,
    );
    expect(view).toEqual(view.map((_, i) => (view[0] ?? 0) + i));
  });

  it('types what the user types, and audits it as typed in the dashboard', async () => {
    await page.locator('[data-testid="terminal"]').click();
    await page.keyboard.type('echo typed $((6 * 7))');
    await page.keyboard.press('Enter');
    await untilText('the echo of the typed command', 'typed 42');
    const sent = await eventually('the audit of the typed line', async () => {
      const e = (await events('agent.inputSent')).filter(
        (x) => x.type === 'agent.inputSent' && x.data.via === 'dashboard',
      );
      return e.length > 0 ? e : undefined;
    });
    expect(sent.map((e) => e.type === 'agent.inputSent' && [e.data.text, e.data.enter, e.source])).toEqual([
      ['echo typed $((6 * 7))', true, 'user'],
    ]);
    await screenshot(page, home, 'terminal');
  });

  it('fits the headless agent to the window, and follows the window', async () => {
    const sizeText = page.locator('[data-testid="terminal-status"]');
    const sizes = async () => {
      const m = /(\d+)×(\d+)/.exec((await sizeText.textContent()) ?? '');
      const s = (await peek('sh')).screen;
      return m ? { page: [Number(m[1]), Number(m[2])], agent: [s.cols, s.rows] } : null;
    };
    const first = await eventually('the agent to take the page’s size', async () => {
      const s = await sizes();
      return s && s.page[0] === s.agent[0] && s.page[1] === s.agent[1] && s.agent[0] !== 120 ? s : undefined;
    });
    await page.setViewportSize({ width: 900, height: 900 });
    await eventually('the agent to follow a narrower window', async () => {
      const s = await sizes();
      return s && (s.agent[0] ?? 0) < (first.agent[0] ?? 0) && s.page[0] === s.agent[0] ? s : undefined;
    });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('streams a flood of output to the end, with flow control', async () => {
    const flood = [
      'new',
      'cmd',
      '--name',
      'flood',
      '--',
      'sh',
      '-c',
      'seq 1 200000; echo flood-done; exec sleep 600',
    ];
    expect((await home.run(flood)).code).toBe(0);
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/flood`);
    await untilText('the last line of the flood', 'flood-done');
    const t = await terminalText();
    expect(t).toContain('199999');
  });

  it('closes the terminal connection when another view is shown', async () => {
    await page.locator('[data-testid="terminal-panel"][data-status="live"]').waitFor();
    const detachedBefore = (await events('agent.detached')).length;
    await page.locator('[data-testid="tab-fleet"]').click();
    await eventually('the dashboard to detach', async () =>
      (await events('agent.detached')).length > detachedBefore ? true : undefined,
    );
  });

  it('fits a phone: the quick keys and the terminal', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/sh`);
    await page.locator('[data-testid="terminal-panel"][data-status="live"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="quick-keys"] [data-key="Esc"]').waitFor();
    await untilText('the shell’s screen', 'typed 42');
    // A phone does not squeeze the agent: fitting is opt-in there, the terminal scrolls sideways.
    const size = await page.locator('[data-testid="terminal-status"]').textContent();
    expect(Number(/(\d+)×/.exec(size ?? '')?.[1])).toBeGreaterThan(80);
    await screenshot(page, home, 'terminal-phone');
  });
});
