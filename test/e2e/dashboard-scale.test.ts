import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WtpClient } from '../../src/client/wtp-client.js';
import { freePort, screenshot, signedInPage } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';

const N = 100;
const name = (i: number): string => `a-${String(i).padStart(3, '0')}`;

/** A hundred agents in the dashboard: a virtualised list, live changes anywhere in it, bursts. */
describe('the dashboard with 100 agents (Chromium)', () => {
  let home: TestHome;
  let browser: Browser;
  let page: Page;
  let client: WtpClient;
  const rows = () => page.locator('[data-testid="agent"]');
  const filter = async (text: string) => {
    await page.locator('[data-testid="fleet-filter"]').fill(text);
  };

  beforeAll(async () => {
    const port = await freePort();
    home = new TestHome({ WTP_API_PORT: String(port) });
    await home.up();
    client = new WtpClient({ socketPath: home.path('run', 'api.sock') });
    for (let i = 0; i < N; i += 5) {
      await Promise.all(
        [0, 1, 2, 3, 4].map((k) =>
          client.call('createAgent', {
            body: { profile: 'cmd', name: name(i + k), cwd: home.dir, argv: ['sleep', '600'], wait: true },
          }),
        ),
      );
    }
    ({ browser, page } = await signedInPage(home));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('lists all of them but renders only the rows in view', async () => {
    await page.locator('[data-testid="tab-fleet"]', { hasText: `Fleet (${N})` }).waitFor({ timeout: 30_000 });
    await rows().first().waitFor();
    const inDom = await rows().count();
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(N / 2);
    expect(await page.locator(`[data-agent="${name(N - 1)}"]`).count()).toBe(0);
    await screenshot(page, home, 'fleet-100', { fullPage: false });
  });

  it('shows a change of an agent far down the list once scrolled to it', async () => {
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const last = page.locator(`[data-testid="agent"][data-agent="${name(N - 1)}"]`);
    await last.waitFor({ timeout: 30_000 });
    expect(await page.locator(`[data-agent="${name(0)}"]`).count()).toBe(0);
    await client.call('stopAgent', { params: { agent: name(N - 1) }, body: {} });
    await last.locator('[data-state="exited"]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('filters by name, and by state', async () => {
    await filter('a-05');
    await eventually('ten rows', async () => ((await rows().count()) === 10 ? true : undefined));
    expect(await page.locator('[data-testid="fleet-count"]').textContent()).toBe(`10 of ${N}`);
    expect(await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')))).toEqual(
      Array.from({ length: 10 }, (_, i) => name(50 + i)),
    );
    await filter('');
  });

  it('takes a burst of changes to many agents at once', async () => {
    const burst = Array.from({ length: 20 }, (_, i) => name(10 + i));
    await Promise.all(
      burst.map((a) => client.call('stopAgent', { params: { agent: a }, body: { wait: false } })),
    );
    await filter('exited');
    const count = page.locator('[data-testid="fleet-count"]');
    await eventually(
      'the 21 stopped agents to show exited',
      async () => ((await count.textContent()) === `21 of ${N}` ? true : undefined),
      60_000,
    );
    // The rows rendered (the list is virtualised: those in view) are all of them stopped ones.
    const shown = await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')));
    expect(shown.length).toBeGreaterThan(5);
    for (const a of shown) expect([...burst, name(N - 1)]).toContain(a);
    await filter('');
  });
});
