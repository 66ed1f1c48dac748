import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/protocol/tasks.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * The dispatcher with real agents (cmd tasks run their prompt as a command line) in a real git
 * workspace: dependencies wait for a merge, an exit 0 goes to review, a failure fails the task.
 */
describe('dispatching tasks to agents (CLI, real git, cmd tasks)', () => {
  let home: TestHome;
  let repo: string;
  const g = (args: string[]): string =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...home.env } }).trim();
  const task = async (title: string): Promise<TaskView> =>
    (await home.json<{ task: TaskView }>(['task', 'show', title])).doc.task;
  const until = (title: string, status: string) =>
    eventually(
      `${title} to be ${status}`,
      async () => ((await task(title)).status === status ? task(title) : undefined),
      60_000,
    );

  beforeAll(async () => {
    home = new TestHome();
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  maxAgentsPerWorkspace: 2\n');
    repo = home.path('shop');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    g(['config', 'user.name', 'Test']);
    g(['config', 'user.email', 'test@example.com']);
    writeFileSync(join(repo, 'README'), 'shop\n');
    g(['add', '-A']);
    g(['commit', '-qm', 'start']);
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    expect((await home.run(['workspace', 'new', 'shop', '--repo', repo, '--backend', 'headless'])).code).toBe(
      0,
    );
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('runs ready tasks, holds dependants until their dependency is merged, fails a failing one', async () => {
    writeFileSync(
      home.path('plan.yaml'),
      [
        'workspace: shop',
        'tasks:',
        '  - name: schema',
        '    title: schema',
        '    prompt: echo tables > schema.txt && git add schema.txt && git commit -qm schema',
        '  - name: api',
        '    title: api',
        '    prompt: test -f schema.txt && echo routes > api.txt && git add api.txt && git commit -qm api',
        '    after: [schema]',
        '  - name: broken',
        '    title: broken',
        '    prompt: exit 4',
        '',
      ].join('\n'),
    );
    expect((await home.run(['task', 'import', home.path('plan.yaml')])).code).toBe(0);
    const schema = await until('schema', 'review');
    expect(schema.agents).toHaveLength(1);
    const failed = await until('broken', 'failed');
    expect(failed.statusReason).toBe('exit 4');
    expect((await task('api')).status).toBe('ready'); // waits for schema to be done

    const agent = (await home.agents()).find((a) => a.id === schema.agents[0]);
    expect(agent?.worktree?.branch).toMatch(/^wtp\/task-/);
    expect((await home.run(['merge', agent?.name ?? ''])).code).toBe(0);
    expect((await until('schema', 'done')).endedAt).not.toBeNull();
    expect(readFileSync(join(repo, 'schema.txt'), 'utf8')).toBe('tables\n');

    const api = await until('api', 'review'); // started after the merge, from main with schema.txt in it
    const apiAgent = (await home.agents()).find((a) => a.id === api.agents[0]);
    expect(existsSync(join(apiAgent?.worktree?.path ?? '', 'api.txt'))).toBe(true);
    const events = (await home.run(['events', '--type', 'task.statusChanged', '--json'])).stdout
      .trim()
      .split('\n');
    expect(events.length).toBeGreaterThanOrEqual(6);
  });
});
