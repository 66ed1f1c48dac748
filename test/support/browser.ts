// Debian's Chromium driven by playwright-core, for the dashboard's end-to-end tests.
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestHome } from './harness.js';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A TCP port free right now on 127.0.0.1 (the daemon keeps it across a restart in a test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Saves a screenshot of the page in the test's folder, or in `$WTP_SCREENSHOTS` to keep it (for the
 * README), and returns its path: the whole page, or only the window with `fullPage: false` (a
 * virtualised list is mostly spacer).
 */
export async function screenshot(
  page: Page,
  home: TestHome,
  name: string,
  o = { fullPage: true },
): Promise<string> {
  const dir = process.env['WTP_SCREENSHOTS'] ?? home.path('screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: o.fullPage });
  return path;
}

/** Signs `page` in to the dashboard of `home`'s daemon with a one-time link (`wtp dashboard --print-url`). */
export async function signIn(home: TestHome, page: Page): Promise<void> {
  const link = await home.json<{ url: string }>(['dashboard', '--print-url', '--json']);
  if (link.code !== 0) throw new Error(`wtp dashboard --print-url failed: ${link.stderr}`);
  await page.goto(link.doc.url);
}

/** Chromium with a page (laptop-sized unless told) signed in to the dashboard of `home`'s daemon. */
export async function signedInPage(
  home: TestHome,
  viewport = { width: 1280, height: 900 },
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  await signIn(home, page);
  return { browser, page };
}

/**
 * Records what goes wrong in `page` (console errors, uncaught errors, failed or refused requests, a
 * crash). `dump()` gives it with the text the page shows: printed when a test fails, since CI keeps
 * no screenshot and a race seen there once may not come back.
 */
export function watchPage(page: Page): { dump(): Promise<string> } {
  const seen: string[] = [];
  const note = (s: string) => seen.push(`${new Date().toISOString().slice(11, 23)} ${s}`);
  page.on('console', (m) => (m.type() === 'error' ? note(`console: ${m.text()}`) : undefined));
  page.on('pageerror', (e) => note(`uncaught: ${e.message}`));
  page.on('crash', () => note('the page crashed'));
  page.on('requestfailed', (r) => note(`failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => (r.status() >= 400 ? note(`HTTP ${r.status()}: ${r.url()}`) : undefined));
  return {
    dump: async () => {
      const shown = await page
        .locator('main')
        .innerText({ timeout: 2_000 })
        .catch((err: unknown) => `(cannot be read: ${String(err)})`);
      return `the page at ${page.url()}\n${seen.join('\n') || '(nothing went wrong)'}\nit shows:\n${shown.slice(0, 3_000)}`;
    },
  };
}
