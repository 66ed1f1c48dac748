import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { freePort, launchChromium, screenshot, signIn } from '../support/browser.js';
import { TestHome } from '../support/harness.js';

/**
 * A stand-in `codex` that sends no status records: its approval dialog (as Codex 0.169 draws it)
 * is found on its screen alone.
 */
const SCREEN_ONLY_CODEX = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi
printf '%s\r\n' '• I will write the file.' '' '  Would you like to run the following command?' '' \
  '  Reason: Do you want to allow writing out.txt?' '' '  $ echo hi > out.txt' '' '› 1. Yes, proceed (y)' \
  '  2. No, and tell Codex what to do differently (esc)' '' '  Press enter to confirm or esc to cancel'
exec sleep 600
`;

/**
 * The dashboard in Debian's Chromium: the one-time link signs in, the fleet shows every agent with
 * its state, state changes arrive live, the inbox says what each waiting agent asks, and the page
 * reconnects and resumes after a daemon restart (or says it is signed out when its session is gone).
 */
describe('the dashboard (Chromium)', () => {
  let home: TestHome;
  let browser: Browser;
  let page: Page;
  let port: number;
  const row = (name: string) => page.locator(`[data-testid="agent"][data-agent="${name}"]`);
  const stateOf = (name: string) => row(name).locator('[data-testid="state"]');

  beforeAll(async () => {
    port = await freePort(); // fixed, so the page's origin stays the same across a daemon restart
    home = new TestHome({ WTP_API_PORT: String(port) });
    // A crash loop is quick to reach: two restarts, 100 ms apart, make an agent crashed.
    home.writeConfig('restart:\n  backoffBaseMs: 100\n  crashLoopCount: 2\n');
    const bin = home.path('bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(`${bin}/codex`, SCREEN_ONLY_CODEX);
    chmodSync(`${bin}/codex`, 0o755);
    home.env['WTP_CODEX_BIN'] = `${bin}/codex`;
    await home.up();
    expect((await home.run(['new', 'shell', '--name', 'sh1'])).code).toBe(0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    if (process.env['WTP_DEBUG_E2E']) {
      page.on('console', (m) => console.error('CONSOLE', m.text()));
      page.on('response', (r) => console.error('RESP', r.status(), r.url()));
      page.on('websocket', (w) => {
        console.error('WS open', w.url());
        w.on('framereceived', (f) => console.error('WS <', String(f.payload).slice(0, 160)));
        w.on('close', () => console.error('WS close'));
      });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('a page opened without the link is not signed in, says how to sign in, and shows no data', async () => {
    await page.goto(`http://127.0.0.1:${port}/dashboard/`);
    const signedOut = page.locator('[data-testid="signed-out"]');
    await signedOut.getByText('Not signed in').waitFor();
    expect(await signedOut.textContent()).toContain('wtp dashboard --print-url');
    expect(await signedOut.textContent()).not.toMatch(/restarted/);
    // It does not pretend to be connecting, and shows no views.
    await page.locator('[data-testid="stream-status"]', { hasText: 'signed out' }).waitFor();
    expect(await page.locator('[data-testid="tab-fleet"]').count()).toBe(0);
    expect(await page.locator('[data-testid="agent"]').count()).toBe(0);
  });

  it('signs in with the one-time link and shows the fleet; the page runs nothing its CSP refuses', async () => {
    const errors: string[] = [];
    const onConsole = (m: ConsoleMessage) => (m.type() === 'error' ? errors.push(m.text()) : undefined);
    page.on('console', onConsole);
    const link = await home.json<{ url: string }>(['dashboard', '--print-url', '--json']);
    expect(link.code, link.stderr).toBe(0);
    await page.goto(link.doc.url);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await stateOf('sh1').waitFor();
    expect(await stateOf('sh1').getAttribute('data-state')).toBe('running');
    await page.locator('[data-testid="stream-status"]', { hasText: 'live' }).waitFor();
    page.off('console', onConsole);
    // zod's probe for `new Function` was refused on every load.
    expect(errors).toEqual([]);
    // The one-time link cannot be used twice.
    const again = await browser.newPage();
    const res = await again.goto(link.doc.url);
    expect(res?.status()).toBe(401);
    await again.close();
  });

  it('shows state changes and new agents live', async () => {
    expect(
      (await home.run(['new', 'cmd', '--name', 'brief', '--', 'sh', '-c', 'sleep 1; exit 3'])).code,
    ).toBe(0);
    await row('brief').waitFor();
    await page.locator('[data-agent="brief"] [data-state="exited"]').waitFor({ timeout: 30_000 });
    expect((await home.run(['stop', 'sh1'])).code).toBe(0);
    await page.locator('[data-agent="sh1"] [data-state="exited"]').waitFor({ timeout: 30_000 });
    expect(await row('sh1').locator('[data-testid="evidence"]').textContent()).toContain('stopped');
  });

  it('marks a sandboxed agent (docs/sandbox.md), and only that one', async () => {
    const dir = home.path('fenced');
    mkdirSync(dir);
    const r = await home.run([
      'new',
      'cmd',
      '--sandbox',
      '--name',
      'fenced',
      '-C',
      dir,
      '--',
      'sleep',
      '300',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const badge = row('fenced').locator('[data-testid="sandbox"]');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('sandboxed');
    expect(await row('sh1').locator('[data-testid="sandbox"]').count()).toBe(0);
    expect((await home.run(['rm', '--force', 'fenced'])).code).toBe(0);
  });

  it('the inbox lists the agents that need you, with a count on its tab', async () => {
    expect(await page.locator('[data-testid="inbox-count"]').count()).toBe(0);
    const flaky = ['new', 'cmd', '--name', 'flaky', '--restart', 'on-failure', '--', 'sh', '-c', 'exit 1'];
    expect((await home.run(flaky)).code).toBe(0);
    await page.locator('[data-agent="flaky"] [data-state="crashed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="inbox-count"]', { hasText: '1' }).waitFor();
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = page.locator('[data-testid="inbox-item"]');
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.first().getAttribute('data-agent')).toBe('flaky');
    expect(await item.first().textContent()).toContain('wtp restart flaky');
    await screenshot(page, home, 'inbox');
    await page.locator('[data-testid="tab-fleet"]').click();
    await row('flaky').waitFor();
    await screenshot(page, home, 'fleet');
  });

  it('says what an agent asks when its dialog was found on screen, in words, with a drawn icon', async () => {
    const asker = await home.run(['new', 'codex', '--name', 'asker', '--cwd', home.dir]);
    expect(asker.code, asker.stderr).toBe(0);
    await home.untilState('asker', 'needs_permission', 'the approval dialog on its screen');
    const why = row('asker').locator('[data-testid="evidence"]');
    await page.locator('[data-agent="asker"] [data-state="needs_permission"]').waitFor({ timeout: 30_000 });
    // In words (issue 31): what it asks to run; the signal (`screen codex/approval line …`) stays
    // in `wtp why` and on the badge's hover.
    expect(await why.textContent()).toMatch(
      /^asks to run exec_command: echo hi > out\.txt · \d+ (?:s|min) ago$/,
    );
    // Its icon is drawn, not a glyph of some font (✋ was a blank box without an emoji font).
    const badge = page.locator('[data-agent="asker"] [data-state="needs_permission"]');
    expect(await badge.locator('svg[data-testid="state-icon"]').count()).toBe(1);
    expect((await badge.textContent())?.trim()).toBe('needs permission');
    // At every laptop width the state is whole: the columns that give way are others.
    for (const width of [1400, 1100, 700]) {
      await page.setViewportSize({ width, height: 800 });
      const cut = await page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid="state"]')).flatMap((b) => {
          const label = b.querySelector('.mantine-Badge-label') ?? b;
          const box = b.getBoundingClientRect();
          const cell = b.parentElement?.getBoundingClientRect();
          const clipped = cell !== undefined && box.right > cell.right + 0.5;
          return label.scrollWidth > label.clientWidth || clipped ? [b.textContent ?? ''] : [];
        }),
      );
      expect(cut, `state badges cut at ${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = page.locator('[data-testid="inbox-item"][data-agent="asker"]');
    await item.waitFor();
    // Not "asks to use a tool": the tool its dialog names, and the command it shows.
    expect(await item.textContent()).toContain('asks to run exec_command');
    expect(await item.locator('[data-testid="inbox-about"]').textContent()).toBe('echo hi > out.txt');
    await screenshot(page, home, 'inbox-screen-permission');
    await page.locator('[data-testid="tab-fleet"]').click();
  });

  it('reconnects after a daemon restart and resumes from the last event; a page whose session is gone says so', async () => {
    // A second page, signed in and live, then its session cookie lost (cleared, as an expired one is).
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const lost = await other.newPage();
    await signIn(home, lost);
    await lost.locator('[data-testid="stream-status"]', { hasText: 'live' }).waitFor({ timeout: 30_000 });
    await other.clearCookies();
    expect((await home.run(['down'])).code).toBe(0);
    await page.locator('[data-testid="stream-status"]', { hasText: 'reconnecting' }).waitFor();
    // Its first retry, 250 ms after its socket closed, may meet a daemon still on its way down: a
    // 401 then signs it out at once, before the test looks.
    await lost.locator('[data-testid="stream-status"]', { hasText: /reconnecting|signed out/ }).waitFor();
    await home.up();
    await page.locator('[data-testid="stream-status"]', { hasText: 'live' }).waitFor({ timeout: 30_000 });
    expect((await home.run(['new', 'shell', '--name', 'after'])).code).toBe(0);
    await page.locator('[data-agent="after"] [data-state="running"]').waitFor({ timeout: 30_000 });
    // The daemon is back, but not for the page without a session: it stops trying and says how to sign in.
    await lost
      .locator('[data-testid="stream-status"]', { hasText: 'signed out' })
      .waitFor({ timeout: 30_000 });
    await lost.locator('[data-testid="signed-out"]').waitFor();
    await other.close();
  });

  it('fits a phone: one card per agent', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="agent"][data-agent="after"]').waitFor();
    expect(await page.locator('table').count()).toBe(0);
    await screenshot(page, home, 'fleet-phone');
  });
});
