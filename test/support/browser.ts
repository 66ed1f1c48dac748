// Debian's Chromium driven by playwright-core, for the dashboard's end-to-end tests.
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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
 * Saves a screenshot of the page under `dir` (a test's temporary folder) and returns its path:
 * the whole page, or only the window with `fullPage: false` (a virtualised list is mostly spacer).
 */
export async function screenshot(
  page: Page,
  dir: string,
  name: string,
  o = { fullPage: true },
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: o.fullPage });
  return path;
}
