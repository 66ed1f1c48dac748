import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/protocol/tasks.js';
import { REPO, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

type ErrorDoc = { error: { code: string; message: string; details: Record<string, unknown> } };

/**
 * `wtp task add` and `import` without --workspace, from a folder (as `gh` infers the repository),
 * and why a task is not dispatched, as `task ls`, `task show` and `--json` say it.
 */
describe('wtp task: the workspace of the current directory, and why tasks wait', () => {
  let home: TestHome;
  let repo: string;
  let elsewhere: string;
  const tasks = async (): Promise<TaskView[]> =>
    (await home.json<{ tasks: TaskView[] }>(['task', 'ls'])).doc.tasks;

  beforeAll(async () => {
    home = new TestHome();
    // Task agents run their prompt as a command line, one per workspace at a time.
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  maxAgentsPerWorkspace: 1\n');
    ({ repo } = gitRepo(home, 'shop'));
    await upWithWorkspace(home, 'shop', repo);
    elsewhere = realpathSync(home.path());
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('refuses to add a task outside every workspace, saying how to make one', async () => {
    const r = await home.run(['task', 'add', 'api', '--prompt', 'p'], { cwd: elsewhere });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: No workspace works on ${elsewhere}. Make one with \`wtp workspace new NAME --repo .\`, then \`wtp task add … --workspace NAME\`; or pass \`--workspace\`. [WORKSPACE_REQUIRED]\n`,
    );
    const doc = await home.json<ErrorDoc>(['task', 'add', 'api', '--prompt', 'p'], { cwd: elsewhere });
    expect(doc.doc.error).toMatchObject({ code: 'WORKSPACE_REQUIRED', details: { cwd: elsewhere } });
    expect(await tasks()).toEqual([]);
  });

  it('adds to the workspace of the git repository; names agents after tasks; says why the others wait', async () => {
    mkdirSync(join(repo, 'src'));
    const first = await home.json<{ task: TaskView }>(['task', 'add', 'First job', '--prompt', 'sleep 600'], {
      cwd: join(repo, 'src'),
    });
    expect(first.doc.task.workspace).toBe('shop');
    const { task, untilTask } = taskSteps(home);
    const running = await untilTask('First job', 'to run', (t) => t.status === 'running');
    const agent = (await home.agents()).find((a) => a.id === running.runs[0]?.agentId);
    expect([agent?.name, agent?.worktree?.branch]).toEqual(['first-job', 'wtp/first-job']);

    const second = await home.run(['task', 'add', 'second', '--prompt', 'true', '--after', 'First job'], {
      cwd: repo,
    });
    expect(second.stdout).toMatch(/^added tk-\S+ \(waiting\) to workspace shop: second\n/);
    expect(second.stdout).toContain(
      '  Waiting for "First job" (running): it starts once it is done (merged).',
    );
    expect((await home.run(['task', 'add', 'third', '--prompt', 'true'], { cwd: repo })).code).toBe(0);

    const ls = (await home.run(['task', 'ls', '--workspace', 'shop'])).stdout;
    expect(ls).toMatch(/^ID\s+STATUS\s+PRI\s+WORKSPACE\s+TITLE\s+WHY\n/);
    expect(ls).toMatch(/\n\S+\s+running\s+0\s+shop\s+First job\s+-\n/);
    expect(ls).toMatch(/\n\S+\s+waiting\s+0\s+shop\s+second\s+after First job \(running\)\n/);
    expect(ls).toMatch(/\n\S+\s+ready\s+0\s+shop\s+third\s+workspace at max agents\n/);
    const byTitle = new Map((await tasks()).map((t) => [t.title, t]));
    expect(byTitle.get('second')).toMatchObject({
      status: 'ready',
      blocked: {
        reason: 'dependencies',
        waitingOn: [{ id: first.doc.task.id, title: 'First job', status: 'running' }],
      },
    });
    expect(byTitle.get('third')?.blocked?.reason).toBe('max_agents');
    expect(byTitle.get('First job')?.blocked).toBeNull();
    expect((await home.run(['task', 'show', 'third'])).stdout).toContain(
      '  why:       Workspace "shop" already runs 1 task agent(s), its maximum',
    );
    expect((await task('third')).runs).toEqual([]);
  });

  it("imports a plan into the workspace of the current directory, or --workspace's over the plan's", async () => {
    // The example plan of the docs; its titles default to the names.
    const example = await home.json<{ tasks: TaskView[] }>(
      ['task', 'import', join(REPO, 'docs/examples/plan.yaml')],
      {
        cwd: repo,
      },
    );
    expect(example.code).toBe(0);
    expect(example.doc.tasks.map((t) => [t.title, t.workspace, t.blocked?.reason])).toEqual([
      ['schema', 'shop', 'max_agents'],
      ['Orders API', 'shop', 'dependencies'],
      ['Orders page', 'shop', 'dependencies'],
      ['Document the orders API', 'shop', 'dependencies'],
    ]);

    writeFileSync(home.path('named.yaml'), 'workspace: shop\ntasks:\n  - name: named\n    prompt: "true"\n');
    const over = await home.json<{ tasks: TaskView[] }>(
      ['task', 'import', home.path('named.yaml'), '-w', 'default'],
      {
        cwd: elsewhere,
      },
    );
    expect(over.doc.tasks.map((t) => [t.title, t.workspace])).toEqual([['named', 'default']]);
    const own = await home.json<{ tasks: TaskView[] }>(['task', 'import', home.path('named.yaml')], {
      cwd: elsewhere,
    });
    expect(own.doc.tasks.map((t) => t.workspace)).toEqual(['shop']);

    writeFileSync(home.path('bare.yaml'), 'tasks:\n  - name: bare\n    prompt: "true"\n');
    const refused = await home.json<ErrorDoc>(['task', 'import', home.path('bare.yaml')], { cwd: elsewhere });
    expect(refused.doc.error.code).toBe('WORKSPACE_REQUIRED');
    expect(refused.doc.error.message).toContain(
      `\`wtp task import ${home.path('bare.yaml')} --workspace NAME\``,
    );
  });

  it('refuses to guess when two workspaces work on the repository', async () => {
    const again = await home.run(['workspace', 'new', 'shop2', '--repo', repo, '--backend', 'headless']);
    expect(again.code, again.stderr).toBe(0);
    const r = await home.json<ErrorDoc>(['task', 'add', 'x', '--prompt', 'p'], { cwd: repo });
    expect(r.doc.error).toMatchObject({
      code: 'WORKSPACE_AMBIGUOUS',
      details: { candidates: ['shop', 'shop2'] },
    });
    const picked = await home.json<{ task: TaskView }>(
      ['task', 'add', 'x', '--prompt', 'p', '-w', 'shop2', '--backlog'],
      {
        cwd: repo,
      },
    );
    expect(picked.doc.task.workspace).toBe('shop2');
  });
});
