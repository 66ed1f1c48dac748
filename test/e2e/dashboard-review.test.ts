import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, screenshot, signedInPage } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

/**
 * The dashboard's Review view in Chromium, on real git: diff stats, the diff in split and unified
 * views, line comments sent back to the agent, merges behind a test command, and the conflict
 * radar's matrix.
 */
describe('the dashboard: review (Chromium, real git)', () => {
  let home: TestHome;
  let browser: Browser;
  let page: Page;
  let port: number;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const open = async (hash: string): Promise<void> => {
    await page.evaluate((h) => (location.hash = h), hash);
  };
  /** A `cmd` agent in its own worktree that runs `script` (sh -c). */
  const agent = async (name: string, script: string): Promise<void> => {
    const r = await home.run(['new', 'cmd', '--name', name, '--repo', repo, '--', 'sh', '-c', script]);
    expect(r.code, r.stderr).toBe(0);
  };
  const merged = () => page.locator('[data-testid="merge-result"]');
  const file = (path: string) => page.locator(`[data-testid="diff-file"][data-path="${path}"]`);

  beforeAll(async () => {
    port = await freePort();
    home = new TestHome({ WTP_API_PORT: String(port) });
    ({ repo, g } = gitRepo(home, 'shop'));
    writeFileSync(join(repo, 'app.txt'), 'one\ntwo\nthree\nfour\nfive\n');
    g(['add', '-A']);
    g(['commit', '-qm', 'app']);
    await home.up();
    // a edits a line, adds a text file, a binary file and a long file, and stays alive echoing input.
    await agent(
      'a',
      "printf 'one\\nTWO by a\\nthree\\nfour\\nfive\\n' > app.txt; echo fresh > new.txt; " +
        "printf '\\000\\001\\002' > logo.bin; seq 1 600 > data.txt; exec cat",
    );
    // b edits the same line differently, commits, and ends.
    await agent(
      'b',
      "printf 'one\\ntwo by b\\nthree\\nfour\\nfive\\n' > app.txt && git commit -qam 'b: edit'",
    );
    // c edits another part of the same file: it overlaps with a and b but merges cleanly.
    await agent(
      'c',
      "printf 'one\\ntwo\\nthree\\nfour\\nFIVE by c\\n' > app.txt && git commit -qam 'c: edit'",
    );
    ({ browser, page } = await signedInPage(home));
    await page.locator('[data-testid="stream-status"]', { hasText: 'live' }).waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('wtp ls --json and the page show the diff stat once the agent changed files', async () => {
    const b = await eventually(
      "b's diff stat",
      async () => {
        const x = await home.agent('b');
        return x.state === 'exited' && x.diffStat?.files === 1 ? x : undefined;
      },
      60_000,
    );
    expect(b.diffStat).toMatchObject({ files: 1, insertions: 1, deletions: 1 });
    const events = await home.events('b');
    expect(events.filter((e) => e.type === 'agent.diffChanged').at(-1)).toMatchObject({
      source: 'daemon',
      data: { files: 1, insertions: 1, deletions: 1 },
    });
    await open('#/review');
    const card = page.locator('[data-testid="review-agent"][data-agent="b"] [data-testid="diff-stat"]');
    await card.filter({ hasText: '1 file +1 −1' }).waitFor({ timeout: 30_000 });
  });

  it("shows the agent's diff in split and unified views", async () => {
    await open('#/review/a');
    await file('app.txt').waitFor({ timeout: 30_000 });
    const diff = page.locator('[data-testid="diff"]');
    expect(await diff.getAttribute('data-view')).toBe('split');
    await file('app.txt').locator('table.diff-split').waitFor();
    await file('app.txt').getByText('TWO by a').first().waitFor();
    await file('new.txt').getByText('fresh').first().waitFor();
    await file('logo.bin').getByText('Binary file').waitFor();
    // A long file starts collapsed until asked for.
    await file('data.txt').getByText('600 lines: click to show').waitFor();
    expect(await file('data.txt').locator('table.diff').count()).toBe(0);
    const list = await page.locator('[data-testid="diff-file-list"]').textContent();
    for (const f of ['app.txt', 'new.txt', 'logo.bin', 'data.txt']) expect(list).toContain(f);
    // Loading the diff measured it: the header shows the new stat.
    await page
      .locator('[data-testid="review"] [data-testid="diff-stat"]')
      .filter({ hasText: '4 files +602 −1' })
      .waitFor({ timeout: 30_000 });
    expect((await home.agent('a')).diffStat).toMatchObject({ files: 4, insertions: 602, deletions: 1 });
    await screenshot(page, home, 'review-diff-split');

    await page.locator('[data-testid="view-type"]').getByText('Unified').click();
    await file('app.txt').locator('table.diff-unified').waitFor();
    expect(await diff.getAttribute('data-view')).toBe('unified');
    await file('app.txt').getByText('TWO by a').first().waitFor();
  });

  it('a comment on a line goes back to the agent as feedback through the safe-input path', async () => {
    const line = file('app.txt').locator('tr.diff-line', { hasText: 'TWO by a' });
    await line.locator('td.diff-gutter').last().click();
    await page.locator('[data-testid="comment-input"]').fill('please keep it lowercase');
    await page.locator('[data-testid="comment-add"]').click();
    await file('app.txt')
      .locator('[data-testid="line-comment"]', { hasText: 'please keep it lowercase' })
      .waitFor();
    const draft = page.locator('[data-testid="draft-comment"]');
    expect(await draft.count()).toBe(1);
    expect(await draft.first().textContent()).toContain('app.txt:2');
    await screenshot(page, home, 'review-diff-unified');
    // A cmd agent never works, so the daemon's answer for a working agent is played here, once:
    // the page says so, keeps the draft and offers to send anyway (force), which goes through.
    const asked: { force?: boolean }[] = [];
    await page.route('**/api/v1/agents/*/feedback', async (route) => {
      const body = route.request().postDataJSON() as { force?: boolean };
      asked.push(body);
      if (body.force) return route.continue();
      const busy = {
        code: 'AGENT_BUSY',
        message: 'busy',
        details: { agent: 'a', state: 'working', evidence: 'hook PreToolUse Bash' },
      };
      return route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify(busy) });
    });
    await page.locator('[data-testid="send-feedback"]').click();
    const busy = page.locator('[data-testid="feedback-busy"]');
    await busy.waitFor();
    expect(await busy.textContent()).toContain('hook PreToolUse Bash');
    expect(await draft.count()).toBe(1);
    await page.locator('[data-testid="send-anyway"]').click();
    await page.locator('[data-testid="feedback-sent"]').waitFor({ timeout: 30_000 });
    await page.unroute('**/api/v1/agents/*/feedback');
    expect(asked.map((b) => b.force)).toEqual([false, true]);
    expect(await busy.count()).toBe(0);
    expect(await draft.count()).toBe(0);
    const text = 'Review comments:\n- app.txt:2: please keep it lowercase\n  > TWO by a';
    const sent = (await home.events('a')).filter((e) => e.type === 'agent.inputSent');
    expect(sent.at(-1)).toMatchObject({ data: { text, enter: true, forced: true } });
    // cat echoes it: the text reached the agent.
    await eventually('the feedback in the output of a', async () => {
      const logs = await home.run(['logs', 'a', '--plain']);
      return logs.stdout.includes('- app.txt:2: please keep it lowercase');
    });
  });

  it('a failing test command stops the merge and shows MERGE_TEST_FAILED with its output', async () => {
    const mainBefore = g(['rev-parse', 'main']);
    await page.locator('[data-testid="merge-strategy"]').getByText('squash').click();
    // The diff has untracked files: the commit message is asked for up front.
    await page.locator('[data-testid="merge-commit-message"]').fill('a: lowercase work');
    await page.locator('[data-testid="merge-test"]').fill('echo "2 tests failed"; exit 3');
    await page.locator('[data-testid="merge-button"]').click();
    await page.locator('[data-testid="merge-confirm"]').click();
    await merged().and(page.locator('[data-code="MERGE_TEST_FAILED"]')).waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="test-output"]').textContent()).toContain('2 tests failed');
    expect(await merged().textContent()).toContain('exited with 3');
    expect(g(['rev-parse', 'main'])).toBe(mainBefore);
    expect(g(['log', '-1', '--format=%s', 'wtp/a'])).toBe('a: lowercase work'); // committed first
  });

  it('the radar matrix shows the red cell of two agents editing the same lines', async () => {
    await open('#/review');
    const cell = page.locator('[data-testid="radar-cell"][data-a="a"][data-b="b"]');
    await cell.and(page.locator('[data-verdict="conflict"]')).waitFor({ timeout: 60_000 });
    const verdict = (a: string, b: string) =>
      page.locator(`[data-testid="radar-cell"][data-a="${a}"][data-b="${b}"]`).getAttribute('data-verdict');
    expect(await verdict('b', 'a')).toBe('conflict');
    expect(await verdict('a', 'c')).toBe('overlap');
    expect(await verdict('a', 'main')).toBe('clean');
    expect(await page.locator('[data-testid="radar-conflicts"]').textContent()).toContain('app.txt');
    // Every branch with changes: the finished ones (b and c merge cleanly) first, then a, which still runs.
    const order = await page.locator('[data-testid="merge-order"]').textContent();
    expect(order).toContain('Suggested merge order: b → c → a');
    expect(order).toContain('Still running: a; their branches may change before they are merged.');
    await cell.click();
    await page.locator('[data-testid="radar-details"]').getByText('app.txt', { exact: false }).waitFor();
    await screenshot(page, home, 'review-radar');
    await page.keyboard.press('Escape');
    // The API behind it: the cached report, and a validated query.
    const answers = await page.evaluate(async () => {
      const cached = await fetch('/api/v1/conflicts?cached=true');
      const bad = await fetch('/api/v1/conflicts?cached=maybe');
      return [cached.status, (await cached.json()) as unknown, bad.status, (await bad.json()) as unknown];
    });
    expect(answers[0]).toBe(200);
    expect(answers[1]).toMatchObject({
      pairs: expect.arrayContaining([expect.objectContaining({ a: 'a', b: 'b', conflicting: true })]),
    });
    expect(answers[2]).toBe(400);
    expect(answers[3]).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('the fleet shows each agent’s diff stat and its conflict warning, linking to the review', async () => {
    await open('#/fleet');
    const row = (name: string) => page.locator(`[data-testid="agent"][data-agent="${name}"]`);
    await row('a').locator('[data-testid="diff-stat"]').waitFor({ timeout: 30_000 });
    const warning = row('a').locator('[data-testid="radar-warning"]');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toContain('conflicts with b');
    expect(await row('c').locator('[data-testid="radar-warning"]').count()).toBe(0);
    await screenshot(page, home, 'fleet-review');
    await warning.click();
    expect(new URL(page.url()).hash).toBe('#/review/a');
  });

  it('merges with squash after a passing test command: the target branch has the change', async () => {
    await open('#/review/a');
    await file('app.txt').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="merge-strategy"]').getByText('squash').click();
    await page.locator('[data-testid="merge-test"]').fill('test -f new.txt && echo "all tests passed"');
    expect(await page.locator('[data-testid="merge-commit-message"]').count()).toBe(0); // all committed now
    await page.locator('[data-testid="merge-button"]').click();
    await page.locator('[data-testid="merge-confirm"]').click();
    await merged().and(page.locator('[data-code="OK"]')).waitFor({ timeout: 60_000 });
    expect(await merged().textContent()).toContain('Merged into main');
    expect(await page.locator('[data-testid="test-output"]').textContent()).toContain('all tests passed');
    expect(g(['show', 'main:app.txt'])).toContain('TWO by a');
    expect(g(['show', 'main:new.txt'])).toBe('fresh');
    expect(g(['rev-list', '--parents', '-n', '1', 'main']).split(' ')).toHaveLength(2); // squashed: one parent
    const commit = (await merged().locator('code').first().textContent()) ?? '';
    expect(g(['rev-parse', 'main']).startsWith(commit)).toBe(true);
  });

  it('fits a phone: unified view by default', async () => {
    await open('#/review');
    await page.setViewportSize({ width: 390, height: 844 });
    await open('#/review/b');
    await file('app.txt').locator('table.diff-unified').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="diff"]').getAttribute('data-view')).toBe('unified');
    await screenshot(page, home, 'review-phone');
  });
});
