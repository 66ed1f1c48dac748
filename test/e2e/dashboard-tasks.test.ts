import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TaskView } from '../../src/protocol/tasks.js';
import { freePort, launchChromium, screenshot, signIn, watchPage } from '../support/browser.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

/**
 * The task board in Debian's Chromium, with cmd tasks (the prompt runs as a command line) in a real
 * git workspace: columns, dependencies, adding a task through the form, drag and drop (and a move
 * the daemon refuses), and best of 2 compared and picked.
 */
describe('the dashboard task board (Chromium)', () => {
  let home: TestHome;
  let browser: Browser;
  let page: Page;
  let port: number;
  let watch: ReturnType<typeof watchPage> | undefined;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const card = (title: string) => page.locator(`[data-testid="task"][data-task="${title}"]`);
  const column = (status: string) => page.locator(`[data-testid="column"][data-status="${status}"]`);
  const inColumn = (title: string, status: string) =>
    column(status).locator(`[data-testid="task"][data-task="${title}"]`).waitFor({ timeout: 60_000 });
  const until = (title: string, status: string): Promise<TaskView> =>
    taskSteps(home).untilTask(title, `to be ${status}`, (t) => t.status === status);
  const add = async (args: string[]) => {
    const r = await home.run(['task', 'add', ...args, '-w', 'shop']);
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    port = await freePort();
    home = new TestHome({ WTP_API_PORT: String(port) });
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  maxAgentsPerWorkspace: 3\n  retries: 0\n');
    ({ repo, g } = gitRepo(home, 'shop'));
    // The repository's test command (approved below): attempt 2 of "answer" passes it, attempt 1 not.
    mkdirSync(join(repo, '.wezterm-parallel'), { recursive: true });
    writeFileSync(join(repo, '.wezterm-parallel', 'config.yaml'), 'test: test "$(cat answer.txt)" = v2\n');
    g(['add', '-A']);
    g(['commit', '-qm', 'test command']);
    await upWithWorkspace(home, 'shop', repo);
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);
    await add([
      'schema',
      '--prompt',
      'echo tables > schema.txt && git add schema.txt && git commit -qm schema',
    ]);
    await add([
      'api',
      '--after',
      'schema',
      '--prompt',
      'echo routes > api.txt && git add api.txt && git commit -qm api',
    ]);
    await add([
      'parked',
      '--backlog',
      '--prompt',
      'echo parked > parked.txt && git add parked.txt && git commit -qm parked',
    ]);
    await until('schema', 'review');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.setDefaultTimeout(30_000); // a step that never happens fails there, not at the test's limit
    watch = watchPage(page);
    await signIn(home, page);
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/tasks`);
  }, 120_000);
  // No page yet (beforeAll failed before it): nothing to dump.
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      if (watch) console.error(await watch.dump());
    }),
  );
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
  });

  it('shows every task in its status column, with its dependencies', async () => {
    await inColumn('schema', 'review');
    await inColumn('parked', 'backlog');
    await inColumn('api', 'ready');
    const dep = card('api').locator('[data-testid="dep"][data-dep="schema"]');
    expect(await dep.getAttribute('data-done')).toBe('false');
    await card('api').locator('[data-testid="blocked"][data-reason="dependencies"]').waitFor();
    // Why it is not dispatched, in the daemon's words (TaskView.blocked).
    expect(await card('api').locator('[data-testid="blocked-reason"]').textContent()).toContain(
      'Waiting for "schema" (review)',
    );
    // Hovering a task marks its dependencies and dependants.
    await card('api').hover();
    expect(await card('schema').getAttribute('data-related')).toBe('dependency');
    await card('schema').hover();
    expect(await card('api').getAttribute('data-related')).toBe('dependant');
  });

  it('adds a task through the form; the daemon’s objections show on their fields', async () => {
    await page.locator('[data-testid="add-task"]').click();
    // Nothing filled in: each field says what it needs, in words (not the schema's).
    await page.locator('[data-testid="add-task-submit"]').click();
    const modal = page.locator('[data-testid="add-task-modal"]');
    await modal.getByText('Give the task a title').waitFor({ timeout: 30_000 });
    await modal.getByText('Say what the agent should do').waitFor();
    expect(await modal.textContent()).not.toMatch(/Too small|expected string/);
    await page.locator('[data-testid="task-title"]').fill('from the form');
    // The only workspace with a folder is chosen for it.
    expect(await page.locator('[data-testid="task-workspace-field"]').inputValue()).toBe('shop');
    await page
      .locator('[data-testid="task-prompt"]')
      .fill('echo form > form.txt && git add form.txt && git commit -qm form');
    await page.locator('[data-testid="task-priority"]').fill('5000');
    await page.locator('[data-testid="add-task-submit"]').click();
    // The daemon's objection, in the form's words, under the priority field.
    await modal.getByText('Priority is at most 1000').waitFor({ timeout: 30_000 });
    expect(await modal.getByText('Give the task a title').count()).toBe(0);
    expect(await page.locator('[data-testid="task-title"]').inputValue()).toBe('from the form');
    await page.locator('[data-testid="task-priority"]').fill('7');
    await page.locator('[data-testid="add-task-submit"]').click();
    await page.locator('[data-testid="add-task-modal"]').waitFor({ state: 'hidden' });
    await card('from the form').waitFor({ timeout: 30_000 });
    const t = await until('from the form', 'review');
    expect(t.priority).toBe(7);
    await inColumn('from the form', 'review');
  });

  it('moves a task by dragging it; it runs and reaches review live', async () => {
    await card('parked').dragTo(column('ready'));
    await until('parked', 'review');
    await inColumn('parked', 'review');
  });

  it('shows where a card may not go, and keeps it there when the daemon refuses the move', async () => {
    // A card that cannot go to running (the dispatcher's move): that column refuses it while dragged.
    await card('schema').hover();
    await page.mouse.down();
    await column('running').hover();
    await column('ready').hover();
    expect(await column('ready').getAttribute('data-accepts')).toBe('true');
    expect(await column('running').getAttribute('data-accepts')).toBeNull();
    // Meanwhile someone merges it: review → done. Dropping on ready now asks done → ready.
    const schema = await taskSteps(home).task('schema');
    const agent = (await home.agents()).find((a) => a.id === schema.agents[0]);
    expect((await home.run(['merge', agent?.name ?? '?'])).code).toBe(0);
    await until('schema', 'done');
    await inColumn('schema', 'done');
    await column('ready').hover();
    await page.mouse.up();
    const error = page.locator('[data-testid="move-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('TASK_MOVE_REFUSED');
    await inColumn('schema', 'done');
    // Its dependant starts now, and shows its dependency done.
    await until('api', 'review');
    expect(await card('api').locator('[data-dep="schema"]').getAttribute('data-done')).toBe('true');
    await screenshot(page, home, 'tasks-board');
  });

  it('compares best of 2 side by side and picks the winner', async () => {
    await add(['answer', '--attempts', '2', '--prompt', 'echo v$WTP_TASK_ATTEMPT > answer.txt']);
    const best = await until('answer', 'review');
    await inColumn('answer', 'review');
    expect(await card('answer').locator('[data-testid="best-of"]').textContent()).toBe('best of 2');
    await card('answer').locator('[data-testid="compare-button"]').click();
    expect(new URL(page.url()).hash).toBe(`#/tasks/${best.id}`);
    const attempt = (n: number) => page.locator(`[data-testid="attempt"][data-attempt="${n}"]`);
    await attempt(2).waitFor({ timeout: 60_000 });
    // Diffs come at once; the test command's results follow.
    await page.locator('[data-testid="compare-progress"]').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await attempt(1).locator('[data-testid="attempt-diff"]').textContent()).toBe('1 file +1 −0');
    expect(await attempt(1).locator('[data-testid="attempt-test"]').textContent()).toContain('failed');
    expect(await attempt(2).locator('[data-testid="attempt-test"]').textContent()).toContain('passed');
    await screenshot(page, home, 'tasks-compare');
    await attempt(2).locator('[data-testid="pick"]').click();
    await page.locator('[data-testid="pick-confirm"]').click();
    await page.locator('[data-testid="picked"]').waitFor({ timeout: 60_000 });
    const done = await until('answer', 'done');
    const loser = done.runs.find((r) => r.attempt === 1)?.agentId;
    await eventually('the losing attempt’s agent to be removed', async () =>
      (await home.agents()).some((a) => a.id === loser) ? undefined : true,
    );
    expect(g(['show', 'main:answer.txt'])).toBe('v2');
  });

  it('keeps a column of 500 tasks to the cards in view', async () => {
    // The default workspace has no folder: its tasks stay ready, never dispatched.
    const plan = ['tasks:'];
    for (let i = 0; i < 500; i++) {
      const n = String(i).padStart(3, '0');
      plan.push(`  - name: t${n}`, `    title: many ${n}`, '    prompt: "true"');
    }
    writeFileSync(home.path('many.yaml'), `${plan.join('\n')}\n`);
    const imported = await home.run(['task', 'import', home.path('many.yaml'), '-w', 'default']);
    expect(imported.code, imported.stderr).toBe(0);
    await page.evaluate(() => (location.hash = '#/tasks'));
    await page.locator('[data-testid="tasks-view"]').waitFor();
    const ready = column('ready');
    await eventually('the 500 tasks in the ready column', async () =>
      Number(await ready.locator('[data-testid="column-count"]').textContent()) >= 500 ? true : undefined,
    );
    const rendered = await ready.locator('[data-testid="task"]').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(60);
    await ready.locator('[data-testid="column-scroll"]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await inColumn('many 499', 'ready'); // the last one made is the last in the column
    // The default workspace has no folder: each card says so, and what to do.
    const waits = card('many 499').locator('[data-testid="blocked-reason"]');
    expect(await waits.textContent()).toContain('has no folder to run agents in');
    expect(await card('many 499').locator('[data-testid="blocked"]').getAttribute('data-reason')).toBe(
      'no_folder',
    );
  }, 120_000);

  it('shows every status column in a 1400×900 window; narrower, names the hidden ones and scrolls to them', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/tasks`);
    const last = column('cancelled');
    await last.waitFor();
    const inView = async (width: number): Promise<true | undefined> => {
      const box = await last.boundingBox();
      return box && box.x >= 0 && box.x + box.width <= width ? true : undefined;
    };
    expect(await inView(1400)).toBe(true);
    expect(await page.locator('[data-testid="board-more-right"]').count()).toBe(0);
    await screenshot(page, home, 'tasks-board-1400', { fullPage: false });
    await page.setViewportSize({ width: 1000, height: 900 });
    const more = page.locator('[data-testid="board-more-right"]');
    await more.waitFor();
    expect(await more.textContent()).toContain('cancelled');
    expect(await inView(1000)).toBeUndefined();
    await more.click();
    await eventually('the cancelled column scrolled into view', () => inView(1000));
    await page.locator('[data-testid="board-more-left"]').waitFor();
  });

  it('fits a phone: one column at a time', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/tasks`);
    await page.locator('[data-testid="phone-column"]').waitFor();
    expect(await page.locator('[data-testid="column"]').count()).toBe(1);
    await page.locator('[data-testid="phone-column"]').click();
    await page.getByRole('option', { name: /^done/ }).click();
    await inColumn('answer', 'done');
    await screenshot(page, home, 'tasks-board-phone');
  });
});
