import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { ForgeStandIn, ghCheckRun } from '../support/forge-standin.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

/**
 * A task's work delivered as a pull request through the stand-in `gh` (test/fixtures/fake-gh,
 * following gh's documented commands): the PR made from the task, its checks polled back (failing,
 * then passing), and its merge upstream ending the task, whose worktree `wtp gc` then removes.
 */
describe('wtp pr with gh (CLI, real git, stand-in gh, a task)', () => {
  let home: TestHome;
  let forges: ForgeStandIn;
  let repo: string;
  let remote: string;
  let g: (args: string[], cwd?: string) => string;
  const agent = async (): Promise<AgentView> => home.agent('health');
  const task = (): Promise<TaskView> => taskSteps(home).task('health');
  const remoteHead = (branch: string): string =>
    g(['ls-remote', '--heads', remote, `refs/heads/${branch}`]).split('\t')[0] ?? '';

  beforeAll(async () => {
    home = new TestHome();
    forges = new ForgeStandIn(home.path('forge'));
    Object.assign(home.env, forges.env(home.env.PATH));
    ({ repo, g } = gitRepo(home, 'shop'));
    mkdirSync(join(repo, '.wezterm-parallel'));
    writeFileSync(join(repo, '.wezterm-parallel', 'config.yaml'), 'test: test -f routes.txt\n');
    g(['add', '-A']);
    g(['commit', '-qm', 'test command']);
    remote = home.path('remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    g(['remote', 'add', 'origin', remote]);
    g(['push', '-q', 'origin', 'main']);
    // Polled every second, so the test sees checks come back by themselves.
    home.writeConfig(
      ['forge:', '  pollIntervalMs: 1000', 'tasks:', '  defaultProfile: cmd', '  retries: 0', ''].join('\n'),
    );
    await upWithWorkspace(home, 'shop', repo);
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);
    const added = await home.run([
      'task',
      'add',
      'health',
      '--workspace',
      'shop',
      '--prompt',
      'echo "GET /health" > routes.txt && git add routes.txt && git commit -qm "health route"',
    ]);
    expect(added.code, added.stderr).toBe(0);
    await taskSteps(home).untilTask('health', 'to be in review', (t) => t.status === 'review');
  }, 120_000);
  afterAll(async () => {
    await home?.cleanup();
  });

  it('runs no forge CLI while no pull request exists, then opens one described from the task', async () => {
    expect(forges.calls()).toEqual([]);
    const opened = await home.run(['pr', 'health']);
    expect(opened.code, opened.stderr).toBe(0);
    const head = g(['rev-parse', 'wtp/health']);
    expect(opened.stdout).toBe(
      [
        `pushed wtp/health to origin (new branch): ${head.slice(0, 10)}; upstream origin/wtp/health`,
        'opened pull request #1 for health: https://github.com/acme/shop/pull/1',
        '  wtp/health → main: health',
        '  tests: test -f routes.txt passed (in the description)',
        '',
      ].join('\n'),
    );
    expect(remoteHead('wtp/health')).toBe(head);
    const calls = forges.calls('gh');
    expect(calls.map((c) => c.argv)).toEqual([
      ['pr', 'list', '--head=wtp/health', '--state=open', '--json=number,url', '--limit=1'],
      ['pr', 'create', '--title=health', '--body-file=-', '--base=main', '--head=wtp/health'],
    ]);
    expect(calls.every((c) => c.cwd === repo)).toBe(true);
    expect(calls[1]?.stdin).toBe(
      [
        'echo "GET /health" > routes.txt && git add routes.txt && git commit -qm "health route"',
        '',
        '## Commits',
        `- ${head.slice(0, 10)} health route`,
        '',
        '## Changes',
        '- `routes.txt` (added) +1 −0',
        '',
        '1 file(s), +1 −0',
        '',
        '## Tests',
        '`test -f routes.txt` passed',
        '',
        '---',
        'Opened by wezterm-parallel for agent `health` (branch `wtp/health` into `main`).',
        '',
      ].join('\n'),
    );
    expect(forges.pr('gh', 1)).toMatchObject({
      title: 'health',
      base: 'main',
      head: 'wtp/health',
      draft: false,
    });

    const a = await agent();
    expect(a.pullRequest).toMatchObject({
      forge: 'github',
      number: 1,
      url: 'https://github.com/acme/shop/pull/1',
      state: 'open',
      headCommit: head,
    });
    expect((await task()).pullRequests).toEqual([
      { agentId: a.id, number: 1, url: 'https://github.com/acme/shop/pull/1', state: 'open' },
    ]);
    expect((await home.run(['ls'])).stdout).toMatch(
      /^NAME .* BRANCH +DISK +PR +CWD\nhealth .* wtp\/health +\S+ +#1 +\//m,
    );
    // Again: the open pull request of the branch is taken, not a second one.
    const again = await home.json(['pr', 'health']);
    expect(cliOutputSchemas.pr.parse(again.doc)).toMatchObject({
      created: false,
      pullRequest: { number: 1 },
    });
    expect(forges.state('gh')?.prs).toHaveLength(1);
  });

  it('polls the checks by itself: failing, then passing; wtp pr status asks now', async () => {
    const head = g(['rev-parse', 'wtp/health']);
    forges.setChecks(1, head, [ghCheckRun('tests', 'FAILURE'), ghCheckRun('lint', 'SUCCESS')]);
    await eventually(
      'the failing checks to be polled',
      async () => (await agent()).pullRequest?.checksState === 'failing',
    );
    const status = await home.run(['pr', 'status', 'health']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /^health +#1 +open +- +failing: tests \(1 of 2 passing\) +https:\/\/github.com\/acme\/shop\/pull\/1$/m,
    );
    expect(status.stdout).toMatch(
      /^✗ +CI \/ tests +FAILURE +https:\/\/github.com\/acme\/shop\/actions\/runs\/1\/job\/tests$/m,
    );
    expect((await home.run(['ls'])).stdout).toMatch(/ #1 ✗ /);

    forges.setChecks(1, head, [ghCheckRun('tests', 'SUCCESS'), ghCheckRun('lint', 'SUCCESS')]);
    await eventually(
      'the passing checks to be polled',
      async () => (await agent()).pullRequest?.checksState === 'passing',
    );
    const changes = (await home.events('health')).filter((e) => e.type === 'agent.prChanged');
    expect(
      changes.map((e) => (e.type === 'agent.prChanged' ? [e.data.checksState, e.data.failing] : [])),
    ).toEqual([
      ['failing', ['tests']],
      ['passing', []],
    ]);
    const all = cliOutputSchemas.prStatus.parse((await home.json(['pr', 'status'])).doc);
    expect(all.pullRequests.map((p) => [p.agent, p.pullRequest.checksState])).toEqual([
      ['health', 'passing'],
    ]);
    expect(
      forges
        .calls('gh')
        .filter((c) => c.argv[1] === 'view')
        .every((c) => c.argv.includes('--')),
    ).toBe(true);
  });

  it('merged upstream: the task is done, polling stops, and wtp gc removes the worktree', async () => {
    const head = g(['rev-parse', 'wtp/health']);
    // The forge squash-merges the branch into main and deletes it; this repository prunes its copy.
    const forge = home.path('forge-side');
    execFileSync('git', ['clone', '-q', '-b', 'main', remote, forge]);
    g(['fetch', '-q', 'origin', 'wtp/health'], forge);
    g(['merge', '-q', '--squash', 'FETCH_HEAD'], forge);
    g(['-c', 'user.name=Forge', '-c', 'user.email=f@example.com', 'commit', '-qm', 'health (#1)'], forge);
    g(['push', '-q', 'origin', 'main', ':wtp/health'], forge);
    forges.merge(1, g(['rev-parse', 'HEAD'], forge), head);
    g(['fetch', '-q', '--prune', 'origin']);

    const done = await taskSteps(home).untilTask('health', 'to be done', (t) => t.status === 'done');
    expect(done.runs.map((r) => [r.status, r.reason])).toEqual([
      ['merged', 'pull request #1 merged upstream'],
    ]);
    expect(done.pullRequests.map((p) => p.state)).toEqual(['merged']);
    const merged = (await home.events('health')).find((e) => e.type === 'agent.prMerged');
    expect(merged?.data).toEqual({
      number: 1,
      url: 'https://github.com/acme/shop/pull/1',
      mergeCommit: expect.any(String),
    });
    expect((await agent()).pullRequest).toMatchObject({ state: 'merged', nextPollAt: null });
    const views = forges.calls('gh').filter((c) => c.argv[1] === 'view').length;

    // Its commit is on no branch any more (squashed, deleted upstream), yet merged: gc takes it.
    const wt = (await agent()).worktree?.path ?? '';
    const gc = cliOutputSchemas.gc.parse((await home.json(['gc'])).doc);
    expect(gc.removed.map((r) => r.agent)).toEqual(['health']);
    expect(existsSync(wt)).toBe(false);
    expect(forges.calls('gh').filter((c) => c.argv[1] === 'view').length).toBe(views); // no more polls
  });
});
