import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/protocol/tasks.js';
import { TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

/**
 * The dispatcher with real agents (cmd tasks run their prompt as a command line) in a real git
 * workspace: dependencies wait for a merge, an exit 0 goes to review, a failure fails the task.
 */
describe('dispatching tasks to agents (CLI, real git, cmd tasks)', () => {
  let home: TestHome;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const task = (title: string): Promise<TaskView> => taskSteps(home).task(title);
  const until = (title: string, status: string): Promise<TaskView> =>
    taskSteps(home).untilTask(title, `to be ${status}`, (t) => t.status === status);

  beforeAll(async () => {
    home = new TestHome();
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  maxAgentsPerWorkspace: 2\n');
    ({ repo, g } = gitRepo(home, 'shop'));
    await upWithWorkspace(home, 'shop', repo);
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
    // Retried once (config tasks.retries: 1) on a fresh agent, then failed for good.
    expect(failed.statusReason).toBe('every attempt failed; the last: exit 4');
    expect(failed.runs.map((r) => [r.attempt, r.try, r.status, r.reason])).toEqual([
      [1, 1, 'failed', 'exit 4'],
      [1, 2, 'failed', 'exit 4'],
    ]);
    expect(new Set(failed.agents).size).toBe(2);
    expect((await task('api')).status).toBe('ready'); // waits for schema to be done

    const agent = (await home.agents()).find((a) => a.id === schema.agents[0]);
    expect([agent?.name, agent?.worktree?.branch]).toEqual(['schema', 'wtp/schema']);
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

  it('best of 2: both attempts run, compare shows diff and test result, pick merges one and removes the other', async () => {
    // The repository's test command, approved like a setup script.
    mkdirSync(join(repo, '.wezterm-parallel'), { recursive: true });
    writeFileSync(join(repo, '.wezterm-parallel', 'config.yaml'), 'test: test "$(cat answer.txt)" = v2\n');
    g(['add', '-A']);
    g(['commit', '-qm', 'test command']);
    const shown = await home.json<{ setup: { test: string; approved: boolean; hash: string } }>([
      'setup',
      'show',
      '--repo',
      repo,
    ]);
    expect(shown.doc.setup).toMatchObject({ test: 'test "$(cat answer.txt)" = v2', approved: false });
    const unapproved = await home.json<{ attempts: { testSkipped?: string }[] }>([
      'task',
      'compare',
      'schema',
    ]);
    expect(unapproved.doc.attempts[0]?.testSkipped).toMatch(/not approved/);
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);

    const add = await home.json<{ task: TaskView }>([
      'task',
      'add',
      'answer',
      '-w',
      'shop',
      '--attempts',
      '2',
      '--prompt',
      // Left uncommitted, as agents often leave their work: pick commits the winner's.
      'echo v$WTP_TASK_ATTEMPT > answer.txt',
    ]);
    expect(add.code).toBe(0);
    const best = await until('answer', 'review');
    expect(best.runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'review'],
      [2, 'review'],
    ]);

    const compared = await home.json<{
      attempts: {
        attempt: number;
        diff: { files: number; insertions: number } | null;
        test: { passed: boolean; exitCode: number } | null;
        states: { state: string }[];
        ms: number;
      }[];
    }>(['task', 'compare', 'answer']);
    expect(compared.code).toBe(0);
    expect(compared.doc.attempts.map((a) => [a.attempt, a.diff, a.test?.passed])).toEqual([
      [1, { files: 1, insertions: 1, deletions: 0 }, false],
      [2, { files: 1, insertions: 1, deletions: 0 }, true],
    ]);
    expect(compared.doc.attempts[0]?.states.map((s) => s.state)).toContain('exited');
    const text = await home.run(['task', 'compare', 'answer', '--no-test']);
    expect(text.stdout).toMatch(/ATTEMPT 1\s+ATTEMPT 2/);
    expect(text.stdout).toContain('1 files +1 -0');

    // Picking an attempt that is not there, or with bad input, changes nothing.
    expect((await home.json(['task', 'pick', 'answer', '3'])).doc).toMatchObject({
      error: { code: 'TASK_ATTEMPT_NOT_FOUND' },
    });
    expect((await home.run(['task', 'pick', 'answer', 'two'])).code).toBe(2);

    const loser = best.runs.find((r) => r.attempt === 1);
    const loserAgent = (await home.agents()).find((a) => a.id === loser?.agentId);
    const picked = await home.json<{ task: TaskView; removed: string[]; merged: { target: string } }>([
      'task',
      'pick',
      'answer',
      '2',
    ]);
    expect(picked.code).toBe(0);
    expect(picked.doc.task.status).toBe('done');
    expect(picked.doc.merged.target).toBe('main');
    expect(picked.doc.removed).toEqual([loserAgent?.name]);
    expect(picked.doc.task.runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'discarded'],
      [2, 'merged'],
    ]);
    expect(g(['show', 'main:answer.txt'])).toBe('v2');
    expect(g(['log', '-1', '--format=%s', 'main'])).toMatch(/answer|Merge/);
    expect(g(['log', '--format=%s', 'main'])).toContain(`answer (task ${best.id}, attempt 2)`);
    expect(existsSync(loserAgent?.worktree?.path ?? '/nonexistent')).toBe(false);
    expect(g(['branch', '--list', loserAgent?.worktree?.branch ?? 'none'])).toBe('');
  });
});
