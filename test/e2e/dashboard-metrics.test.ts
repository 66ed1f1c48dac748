import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { StateCounts } from '../../src/protocol/metrics.js';
import { untilState } from '../support/agent-steps.js';
import { freePort, launchChromium, screenshot, signIn } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * A stand-in `codex` that reports its state with OSC 7501 records (as Codex 0.169 does): working,
 * then blocked on a question for ten seconds, then idle. The cheap way to a real wait for a human.
 */
const FAKE_CODEX = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi
rec() { printf '\\033]7501;%s\\033\\\\' "$1"; }
rec 'state=working:app=codex'
sleep 4
rec 'state=blocked:kind=question:app=codex'
sleep 10
rec 'state=idle:app=codex'
exec sleep 600
`;

/**
 * The Metrics view in Chromium: CPU of a busy loop above an idle sleep, agents by state (live as an
 * agent exits), and the time an agent waited for a human, from the real daemon.
 */
describe('the dashboard metrics view (Chromium)', () => {
  let home: TestHome;
  let browser: Browser;
  let page: Page;
  const statsUrls: string[] = [];
  const resourceRow = (name: string) => page.locator(`[data-testid="resource-row"][data-agent="${name}"]`);
  const lastCounts = async (): Promise<StateCounts | null> => {
    const raw = await page.locator('[data-testid="state-chart"]').getAttribute('data-last');
    return raw ? (JSON.parse(raw) as StateCounts) : null;
  };
  const cpuAvg = async (name: string): Promise<number> =>
    Number(await resourceRow(name).getAttribute('data-cpu-avg'));

  beforeAll(async () => {
    const port = await freePort();
    home = new TestHome({ WTP_API_PORT: String(port) });
    const bin = home.path('bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(`${bin}/codex`, FAKE_CODEX);
    chmodSync(`${bin}/codex`, 0o755);
    home.env['WTP_CODEX_BIN'] = `${bin}/codex`;
    // A crash loop is quick to reach: two restarts, 100 ms apart, make an agent crashed.
    home.writeConfig(
      'stats:\n  intervalMs: 500\nnotifications:\n  enabled: false\nrestart:\n  backoffBaseMs: 100\n  crashLoopCount: 2\n',
    );
    await home.up();
    for (const [name, argv] of [
      ['busy', ['sh', '-c', 'while :; do :; done']],
      ['calm', ['sleep', '600']],
    ] as const) {
      const r = await home.run(['new', 'cmd', '--name', name, '--', ...argv]);
      expect(r.code, r.stderr).toBe(0);
    }
    const asker = await home.run(['new', 'codex', '--name', 'asker', '--cwd', home.dir]);
    expect(asker.code, asker.stderr).toBe(0);
    const flaky = [
      'new',
      'cmd',
      '--name',
      'flaky',
      '--restart',
      'on-failure',
      '--',
      'sh',
      '-c',
      'sleep 2; exit 1',
    ];
    expect((await home.run(flaky)).code).toBe(0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/stats/history')) statsUrls.push(r.url());
    });
    await signIn(home, page);
    await page.locator('[data-testid="stream-status"]', { hasText: 'live' }).waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('shows the busy loop above the idle sleep on the CPU chart, polling with since', async () => {
    await page.locator('[data-testid="tab-metrics"]').click();
    expect(new URL(page.url()).hash).toBe('#/metrics');
    await resourceRow('busy').waitFor({ timeout: 30_000 });
    await resourceRow('calm').waitFor({ timeout: 30_000 });
    await eventually(
      'busy above calm',
      async () => (await cpuAvg('busy')) > (await cpuAvg('calm')) + 20 || undefined,
    );
    // Both are drawn by default (the busiest five), each a line of the CPU chart.
    const drawn = await page.locator('[data-testid="cpu-chart"] .recharts-line').count();
    expect(drawn).toBeGreaterThanOrEqual(2);
    const sparkline = resourceRow('busy').locator('[data-testid="sparkline"]');
    expect(await sparkline.textContent()).toMatch(/^\d+(\.\d)? % · \d+(\.\d)? (B|kB|MB|GB)$/);
    // After the first request, each asks only for samples newer than the last one received.
    await eventually('three polls', () => statsUrls.length >= 3 || undefined);
    const sinces = statsUrls.map((u) => Number(new URL(u).searchParams.get('since')));
    expect(sinces[0]).toBe(0);
    expect(sinces.at(-1)).toBeGreaterThan(0);
    expect(sinces).toEqual([...sinces].sort((a, b) => a - b));
  });

  it('counts the agents by state over the window', async () => {
    // The last bucket (15 s of the hour) averages over its length: the agents count from their start.
    const counts = await eventually('running agents in the last bucket', async () => {
      const c = await lastCounts();
      return c && c.running > 0 ? c : undefined;
    });
    expect(counts.running).toBeGreaterThan(0);
    expect(counts.exited).toBe(0);
    expect(
      Number(await page.locator('[data-testid="state-chart"]').getAttribute('data-points')),
    ).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="state-chart"] .recharts-area').count()).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('shows the time an agent waited for a human', async () => {
    await untilState(home, 'asker', 'idle', 'the fake codex to finish its question');
    const row = page.locator('[data-testid="wait-row"][data-name="asker"]');
    await eventually('the wait in the table', async () =>
      (await row.count()) > 0 && Number(await row.getAttribute('data-waits')) >= 1 ? true : undefined,
    );
    expect(Number(await row.getAttribute('data-waiting-ms'))).toBeGreaterThan(0);
    const busy = page.locator('[data-testid="wait-row"][data-name="busy"]');
    expect(await busy.getAttribute('data-waits')).toBe('0');
    await page.locator('[data-testid="waiting-report"] .recharts-bar-rectangle').first().waitFor();
  });

  it('follows an agent that exits, live', async () => {
    expect((await home.run(['stop', 'busy'])).code).toBe(0);
    await eventually(
      'an exited agent in the last bucket',
      async () => ((await lastCounts())?.exited ?? 0) > 0 || undefined,
    );
    await untilState(home, 'flaky', 'crashed', 'the crash loop to end');
    await eventually(
      'a crashed agent in the last bucket',
      async () => ((await lastCounts())?.crashed ?? 0) > 0 || undefined,
    );
    // A picture with a few buckets of history (15 s each in the hour): each more is 15 s of waiting.
    await eventually(
      'three rows on the state chart',
      async () =>
        Number(await page.locator('[data-testid="state-chart"]').getAttribute('data-points')) >= 3 ||
        undefined,
      90_000,
    );
    // The time axes label their ticks as finely as the buckets need (15 s here), never twice the same.
    for (const chart of ['state-chart', 'cpu-chart', 'rss-chart']) {
      const ticks = await page
        .locator(`[data-testid="${chart}"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value`)
        .allTextContents();
      expect(ticks.length, chart).toBeGreaterThan(1);
      expect(new Set(ticks).size, `${chart}: ${ticks.join(' ')}`).toBe(ticks.length);
    }
    await screenshot(page, home, 'metrics');
  });

  it('shows the other windows and fits a phone', async () => {
    await page.locator('[data-testid="metrics-window"]').getByText('24 h').click();
    // 288 buckets of 5 minutes (a few ms more: the window ends when the daemon answers).
    await eventually('the 24 h buckets', async () => {
      const ms = Number(await page.locator('[data-testid="state-chart"]').getAttribute('data-bucket-ms'));
      return ms >= 300_000 && ms < 301_000 ? ms : undefined;
    });
    await page.locator('[data-testid="metrics-window"]').getByText('1 h').click();
    await page.setViewportSize({ width: 390, height: 844 });
    await resourceRow('calm').waitFor();
    await page.locator('[data-testid="state-chart"] .recharts-area').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, home, 'metrics-phone');
  });
});
