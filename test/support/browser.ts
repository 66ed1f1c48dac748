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
