import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

/** `wtp fork` through the CLI on real git: branch, worktree, name, uncommitted work, refusals. */
describe('wtp fork (CLI, real git)', () => {
  let home: TestHome;
  let repo: string;
  let api: AgentView;
  let g: ReturnType<typeof gitRepo>['g'];

  beforeAll(async () => {
    home = new TestHome();
    ({ repo, g } = gitRepo(home, 'shop', ['app.txt', 'one\n']));
    await home.up();
    const made = await home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '--name',
      'api',
      '--repo',
      repo,
      '-e',
      'MODE=dev',
      '--',
      'sleep',
      '600',
    ]);
    expect(made.code).toBe(0);
    api = made.doc.agent;
    // The agent's work: one commit on its branch, then a change and a new file not committed.
    const wt = api.worktree?.path ?? '';
    writeFileSync(join(wt, 'app.txt'), 'one\ntwo\n');
    g(['commit', '-qam', 'two'], wt);
    writeFileSync(join(wt, 'app.txt'), 'one\ntwo\nthree (not committed)\n');
    writeFileSync(join(wt, 'todo.md'), 'untracked\n');
  });
  afterAll(() => home?.cleanup());

  it("forks onto a new branch from the agent's branch head, leaving uncommitted work behind with a warning", async () => {
    const r = await home.run(['fork', 'api']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^forked api into api-fork \(ag-\w+\) on wtp\/api-fork from wtp\/api: running\n/,
    );
    expect(r.stdout).toContain(
      'conversation: starts a fresh conversation: cmd agents have no conversation to carry\n',
    );
    expect(r.stderr).toBe(
      'warning: api has 2 uncommitted file(s) the fork does not have: app.txt, todo.md; commit them first (wtp commit api) or fork with --with-uncommitted\n',
    );
    const fork = await home.agent('api-fork');
    expect(fork).toMatchObject({
      profile: 'cmd',
      state: 'running',
      env: { MODE: 'dev' },
      args: ['600'],
      worktree: { repo, branch: 'wtp/api-fork', base: 'wtp/api', owned: true },
    });
    expect(fork.command).toMatch(/\/sleep$/);
    const wt = fork.worktree?.path ?? '';
    expect(fork.cwd).toBe(wt);
    expect(g(['rev-parse', 'wtp/api-fork'])).toBe(g(['rev-parse', 'wtp/api']));
    expect(readFileSync(join(wt, 'app.txt'), 'utf8')).toBe('one\ntwo\n'); // committed work only
    expect(existsSync(join(wt, 'todo.md'))).toBe(false);
    // The source is untouched.
    expect(readFileSync(join(api.worktree?.path ?? '', 'app.txt'), 'utf8')).toContain('three');
  });

  it('carries the uncommitted work with --with-uncommitted (--json), under the name given', async () => {
    const r = await home.json(['fork', 'api', '--name', 'api-b', '--with-uncommitted']);
    expect(r.code).toBe(0);
    const doc = cliOutputSchemas.fork.parse(r.doc);
    expect(doc).toMatchObject({
      source: { id: api.id, name: 'api', branch: 'wtp/api' },
      conversation: { forked: false, session: null },
      uncommitted: { files: ['app.txt', 'todo.md'], carried: true },
      agent: { name: 'api-b', worktree: { branch: 'wtp/api-b' } },
    });
    const wt = doc.agent.worktree?.path ?? '';
    expect(readFileSync(join(wt, 'app.txt'), 'utf8')).toBe('one\ntwo\nthree (not committed)\n');
    expect(readFileSync(join(wt, 'todo.md'), 'utf8')).toBe('untracked\n');
    expect(g(['status', '--porcelain'], wt)).toBe('M app.txt\n?? todo.md'); // changed, nothing staged
    expect(g(['diff', '--cached', '--name-only'], wt)).toBe('');
    // A second plain fork takes the next free name.
    expect((await home.json<{ agent: AgentView }>(['fork', 'api'])).doc.agent.name).toBe('api-fork-2');
  });

  it('refuses an agent outside git and one whose branch is gone, saying what to do', async () => {
    await home.run(['new', 'cmd', '--name', 'plain', '--', 'sleep', '600']);
    const outside = await home.run(['fork', 'plain']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain(
      'error: Agent "plain" works outside git (it was created without a repository), so there is no branch to fork. Fork an agent created with `--repo <dir>` or in a workspace with a repository. [AGENT_HAS_NO_WORKTREE]',
    );
    const made = await home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '--name',
      'gone',
      '--repo',
      repo,
      '--',
      'true',
    ]);
    g(['worktree', 'remove', '--force', made.doc.agent.worktree?.path ?? '']);
    g(['branch', '-D', 'wtp/gone']);
    const gone = await home.json<{ error: { code: string; message: string } }>(['fork', 'gone']);
    expect(gone.code).toBe(1);
    expect(gone.doc.error).toMatchObject({
      code: 'GIT_REF_NOT_FOUND',
      message: `The branch wtp/gone of agent "gone" no longer exists in ${repo}, perhaps merged and removed, so there is nothing to fork from. Start a new agent with \`wtp new\` instead.`,
    });
    expect((await home.agents()).map((a) => a.name).sort()).toEqual(
      ['api', 'api-b', 'api-fork', 'api-fork-2', 'gone', 'plain'].sort(),
    );
  });
});
