import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps } from '../support/task-steps.js';

/**
 * One rule for `wtp new` and `wtp workspace new`, run inside the user's git repository: an agent
 * gets a worktree and branch of its own only with `--repo`; otherwise it works in place. Both
 * commands say what they created.
 */
describe('a worktree per agent only with --repo (CLI, real git)', () => {
  let home: TestHome;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const branches = () => g(['branch', '--list', 'wtp/*', '--format=%(refname:short)']).split('\n');
  const worktrees = () =>
    g(['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((l) => l.startsWith('worktree '));
  const inRepo = { cwd: '' };

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    ({ repo, g } = gitRepo(home, 'shop'));
    repo = realpathSync(repo);
    inRepo.cwd = repo;
    await home.up();
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('wtp new: in place without --repo; a worktree and branch with --repo, printed', async () => {
    const plain = await home.json<{ agent: AgentView }>(
      ['new', 'cmd', '-n', 'here', '--', 'sleep', '600'],
      inRepo,
    );
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.doc.agent).toMatchObject({ cwd: repo, worktree: null });
    const human = await home.run(['new', 'cmd', '-n', 'here2', '--', 'sleep', '600'], inRepo);
    expect(human.stdout).toMatch(/^started here2 \(ag-[^)]+\), pid \d+\n$/);
    expect(branches()).toEqual(['']);
    expect(worktrees()).toHaveLength(1);

    const own = await home.run(['new', 'cmd', '-n', 'mine', '--repo', '.', '--', 'sleep', '600'], inRepo);
    expect(own.code, own.stderr).toBe(0);
    const mine = await home.agent('mine');
    const path = mine.worktree?.path ?? '';
    expect(mine).toMatchObject({
      cwd: path,
      worktree: { repo, branch: 'wtp/mine', base: 'main', owned: true },
    });
    expect(own.stdout.split('\n')[1]).toBe(`worktree ${path} on branch wtp/mine (from main)`);
    const json = await home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '-n',
      'mine2',
      '--repo',
      repo,
      '--',
      'sleep',
      '600',
    ]);
    expect(json.doc.agent.worktree).toMatchObject({
      branch: 'wtp/mine2',
      path: expect.not.stringContaining(repo),
    });
    expect(branches()).toEqual(['wtp/mine', 'wtp/mine2']);

    const shared = await home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '-n',
      'shared',
      '--repo',
      repo,
      '--no-worktree',
      '--',
      'sleep',
      '600',
    ]);
    expect(shared.doc.agent).toMatchObject({
      cwd: repo,
      worktree: { path: repo, branch: null, owned: false },
    });
    expect(branches()).toEqual(['wtp/mine', 'wtp/mine2']);
    expect(worktrees()).toHaveLength(3);

    // `default` had no folder: it took the repository of `mine`, so a task added here finds it.
    const [ws] = cliOutputSchemas.workspaces.parse((await home.json(['workspace', 'ls'])).doc).workspaces;
    expect(ws).toMatchObject({ name: 'default', repoPath: repo });
    const task = await home.json<{ task: { workspace: string } }>(
      ['task', 'add', 'first', '-p', 'sleep 600', '--profile', 'cmd', '--backlog'],
      inRepo,
    );
    expect(task.code, JSON.stringify(task.doc)).toBe(0);
    expect(task.doc.task.workspace).toBe('default');
    const set = await home.run(['events', '--type', 'workspace.folderSet']);
    expect(set.stdout).toContain('default');
  });

  it('workspace new: its agents work in place without --repo; with --repo each gets a worktree, printed', async () => {
    const plain = await home.json(['workspace', 'new', 'inplace', '--template', 'pair'], inRepo);
    expect(plain.code, plain.stderr).toBe(0);
    const ws = cliOutputSchemas.workspace.parse(plain.doc);
    expect(ws.workspace.repoPath).toBe(repo);
    expect(ws.agents.map((a) => [a.name, a.cwd, a.worktree])).toEqual([
      ['left', repo, null],
      ['right', repo, null],
    ]);
    const human = await home.run(['workspace', 'new', 'inplace2', '--template', 'solo', '--cwd', repo]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`created workspace inplace2 (headless, template solo) in ${repo}\n`);
    expect(human.stdout).not.toContain('worktree');
    expect(branches()).toEqual(['wtp/mine', 'wtp/mine2']);

    const own = await home.json(['workspace', 'new', 'own', '--template', 'pair', '--repo', repo]);
    expect(own.code, own.stderr).toBe(0);
    const made = cliOutputSchemas.workspace.parse(own.doc);
    expect(made.workspace.repoPath).toBe(repo);
    expect(made.agents.map((a) => [a.name, a.worktree?.branch, a.cwd === a.worktree?.path])).toEqual([
      ['left', 'wtp/left', true],
      ['right', 'wtp/right', true],
    ]);
    const ownHuman = await home.run(['workspace', 'new', 'own2', '--template', 'solo', '--repo', repo]);
    expect(ownHuman.code, ownHuman.stderr).toBe(0);
    const agent = (await home.agents()).find((a) => a.workspace === 'own2');
    expect(ownHuman.stdout).toContain(
      `\nagent: worktree ${agent?.worktree?.path ?? '?'} on branch wtp/agent (from main)\n`,
    );
    expect(branches()).toEqual(['wtp/agent', 'wtp/left', 'wtp/mine', 'wtp/mine2', 'wtp/right']);

    // The same rule for an agent added later to a workspace made with --repo.
    const later = await home.json<{ agent: AgentView }>(
      ['new', 'cmd', '-n', 'later', '-w', 'own', '--', 'sleep', '600'],
      inRepo,
    );
    expect(later.doc.agent).toMatchObject({ workspace: 'own', cwd: repo, worktree: null });
  });

  it('refuses --repo with --cwd, and a --repo that is not a repository, creating nothing', async () => {
    const both = await home.json<{ error: { code: string; message: string } }>([
      'workspace',
      'new',
      'both',
      '--repo',
      repo,
      '--cwd',
      repo,
    ]);
    expect([both.code, both.doc.error.code]).toEqual([2, 'INVALID_INPUT']);
    expect(both.doc.error.message).toContain('not both');
    const notRepo = await home.json<{ error: { code: string } }>([
      'workspace',
      'new',
      'norepo',
      '--template',
      'solo',
      '--repo',
      home.path('home'),
    ]);
    expect(notRepo.doc.error.code).toBe('NOT_A_REPOSITORY');
    // Without a template too (no agent to make it fail): --repo means a repository.
    const bare = await home.json<{ error: { code: string } }>([
      'workspace',
      'new',
      'bare',
      '--repo',
      home.path('home'),
    ]);
    expect(bare.doc.error.code).toBe('NOT_A_REPOSITORY');
    expect((await home.run(['workspace', 'new', 'plain', '--cwd', home.path('home')])).code).toBe(0);
    const names = cliOutputSchemas.workspaces
      .parse((await home.json(['workspace', 'ls'])).doc)
      .workspaces.map((w) => w.name);
    expect(names).not.toContain('both');
    expect(names).not.toContain('norepo');
    expect(names).not.toContain('bare');
  });

  it('tasks dispatched in a workspace made without --repo still run in worktrees of its repository', async () => {
    const add = await home.run([
      'task',
      'add',
      'job',
      '-p',
      'sleep 600',
      '--profile',
      'cmd',
      '-w',
      'inplace',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const t = await taskSteps(home).untilTask('job', 'to start', (x) => x.agents.length > 0);
    const agent = await eventually('the task agent', async () =>
      (await home.agents()).find((a) => a.id === t.agents[0]),
    );
    expect(agent.worktree).toMatchObject({ repo, branch: `wtp/${agent.name}`, owned: true });
    expect(agent.cwd).toBe(agent.worktree?.path);
  });
});
