import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, screenshot, signedInPage } from '../support/browser.js';
import { ForgeStandIn, ghCheckRun } from '../support/forge-standin.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

/**
 * The dashboard's delivery in Chromium, on real git with a bare `origin` and the stand-in gh: the
 * review view's Push and Open pull request buttons, its checks with Refresh and the failing ones
 * sent to the agent, and the fleet row's PR link and checks badge.
 */
describe('the dashboard: push, pull request and checks (Chromium, real git, stand-in gh)', () => {
  let home: TestHome;
  let forges: ForgeStandIn;
  let browser: Browser;
  let page: Page;
  let repo: string;
  let remote: string;
  let g: (args: string[], cwd?: string) => string;
  const open = async (hash: string): Promise<void> => {
    await page.evaluate((h) => (location.hash = h), hash);
  };
  const result = () => page.locator('[data-testid="delivery-result"]');
  const remoteHead = (): string =>
    g(['ls-remote', '--heads', remote, 'refs/heads/wtp/api']).split('\t')[0] ?? '';

  beforeAll(async () => {
    home = new TestHome({ WTP_API_PORT: String(await freePort()) });
    forges = new ForgeStandIn(home.path('forge'));
    Object.assign(home.env, forges.env(home.env.PATH));
    ({ repo, g } = gitRepo(home, 'shop'));
    remote = home.path('remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    g(['remote', 'add', 'origin', remote]);
    g(['push', '-q', 'origin', 'main']);
    await home.up();
    // It commits its work and stays alive (echoing what it is sent), so feedback can reach it.
    const r = await home.run([
      'new',
      'cmd',
      '--name',
      'api',
      '--repo',
      repo,
      '--',
      'sh',
      '-c',
      'echo "GET /health" > routes.txt && git add routes.txt && git commit -qm "health route" && exec cat',
    ]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'the commit',
      () => g(['log', '-1', '--format=%s', 'wtp/api']) === 'health route',
      30_000,
    );
    ({ browser, page } = await signedInPage(home));
    await page.locator('[data-testid="stream-status"]', { hasText: 'live' }).waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('pushes from the review view, then opens a pull request there', async () => {
    await open('#/review/api');
    await page.locator('[data-testid="delivery-panel"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="push-button"]').click();
    await result().and(page.locator('[data-code="OK"]')).waitFor({ timeout: 30_000 });
    expect(await result().textContent()).toContain('(a new branch); it tracks origin/wtp/api.');
    expect(remoteHead()).toBe(g(['rev-parse', 'wtp/api']));

    await page.locator('[data-testid="pr-title"]').fill('Health route');
    await page.locator('[data-testid="pr-draft"]').check();
    await page.locator('[data-testid="pr-button"]').click();
    await result().filter({ hasText: 'Pull request opened' }).waitFor({ timeout: 30_000 });
    const create = forges.calls('gh').find((c) => c.argv[1] === 'create');
    expect(create?.argv).toEqual([
      'pr',
      'create',
      '--title=Health route',
      '--body-file=-',
      '--base=main',
      '--head=wtp/api',
      '--draft',
    ]);
    // The panel follows the agent: its pull request shows, the form to open one is gone.
    const link = page.locator('[data-testid="pull-request"] [data-testid="pr-url"]');
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toBe('https://github.com/acme/shop/pull/1');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.locator('[data-testid="pr-button"]').count()).toBe(0);
  });

  it('shows the checks after a refresh, and sends the failing ones to the agent', async () => {
    forges.setChecks(1, remoteHead(), [ghCheckRun('tests', 'FAILURE'), ghCheckRun('lint', 'SUCCESS')]);
    await page.locator('[data-testid="pr-refresh"]').click();
    const failing = page.locator('[data-testid="checks"] tr[data-check="tests"][data-state="fail"]');
    await failing.waitFor({ timeout: 30_000 });
    expect(await failing.getByRole('link').getAttribute('href')).toBe(
      'https://github.com/acme/shop/actions/runs/1/job/tests',
    );
    await page.locator('[data-testid="checks-feedback"]').click();
    await page
      .locator('[data-testid="pr-note"]', { hasText: 'Sent tests to api (round 1).' })
      .waitFor({ timeout: 30_000 });
    const sent = (await home.events('api')).filter((e) => e.type === 'agent.inputSent').at(-1);
    expect(sent?.data).toMatchObject({ text: expect.stringContaining('- CI / tests: FAILURE') });
    await screenshot(page, home, 'review-pull-request');
  });

  it('puts the PR link and its checks badge on the fleet row', async () => {
    await page.locator('[data-testid="tab-fleet"]').click();
    const row = page.locator('[data-testid="agent"][data-agent="api"]');
    const badge = row.locator('[data-testid="checks-badge"]');
    await badge.filter({ hasText: 'checks fail' }).waitFor({ timeout: 30_000 });
    expect(await badge.getAttribute('data-state')).toBe('failing');
    const link = row.locator('[data-testid="pr-link"]');
    expect(await link.textContent()).toBe('#1');
    expect(await link.getAttribute('href')).toBe('https://github.com/acme/shop/pull/1');
    expect(await link.getAttribute('target')).toBe('_blank');

    forges.setChecks(1, remoteHead(), [ghCheckRun('tests', 'SUCCESS')]);
    expect((await home.run(['pr', 'status', 'api'])).code).toBe(0);
    await badge.filter({ hasText: 'checks pass' }).waitFor({ timeout: 30_000 });
  });
});
