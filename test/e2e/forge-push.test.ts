import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

interface ErrorDoc {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/**
 * `wtp push` through the CLI, on real git with a real bare repository as `origin`: the refusals a
 * merge makes (same codes), progress, the upstream, and `--force-with-lease` refused when the remote
 * moved since it was last seen.
 */
describe('wtp push (CLI, real git, a bare repository as origin)', () => {
  let home: TestHome;
  let repo: string;
  let remote: string;
  let g: (args: string[], cwd?: string) => string;
  const remoteHead = (branch: string): string =>
    g(['ls-remote', '--heads', remote, `refs/heads/${branch}`]).split('\t')[0] ?? '';
  const worktree = async (name: string): Promise<string> => (await home.agent(name)).worktree?.path ?? '';
  const cmdAgent = async (name: string, script: string): Promise<AgentView> => {
    const r = await home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '--name',
      name,
      '--repo',
      repo,
      '--',
      'sh',
      '-c',
      script,
    ]);
    expect(r.code, r.stderr).toBe(0);
    return home.untilState(name, 'exited');
  };

  beforeAll(async () => {
    home = new TestHome();
    ({ repo, g } = gitRepo(home, 'shop'));
    remote = home.path('remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    g(['remote', 'add', 'origin', remote]);
    g(['push', '-q', 'origin', 'main']);
    await home.up();
    await cmdAgent('api', 'echo "GET /health" > routes.txt');
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('refuses uncommitted work with the code a merge uses, then commits and pushes it, git’s progress relayed', async () => {
    const refused = await home.json<ErrorDoc>(['push', 'api']);
    expect(refused.code).toBe(1);
    expect(refused.doc.error).toMatchObject({
      code: 'MERGE_UNCOMMITTED',
      details: { agent: 'api', files: ['routes.txt'] },
    });
    expect(refused.doc.error.message).toContain(
      "nothing was pushed to origin. Commit it with `wtp push api --commit 'MESSAGE'`",
    );
    expect(refused.doc.error.details.next).toContain("commit it and push: wtp push api --commit 'MESSAGE'");
    expect(remoteHead('wtp/api')).toBe('');

    const pushed = await home.run(['push', 'api', '--commit', 'health route', '--progress']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const head = g(['rev-parse', 'wtp/api']);
    expect(pushed.stdout).toBe(
      `committed ${head.slice(0, 10)} in api\npushed wtp/api to origin (new branch): ${head.slice(0, 10)}; upstream origin/wtp/api\n`,
    );
    expect(pushed.stderr).toMatch(/^Writing objects: 100% \(\d+\/\d+\), .*done\.$/m); // finished lines only: stderr is a pipe
    expect(pushed.stderr).not.toMatch(/\r/);
    expect(remoteHead('wtp/api')).toBe(head);
    expect(g(['rev-parse', '--abbrev-ref', 'wtp/api@{upstream}'])).toBe('origin/wtp/api');
    expect(g(['log', '-1', '--format=%s', 'wtp/api'])).toBe('health route');

    const again = await home.json(['push', 'api']);
    expect(cliOutputSchemas.push.parse(again.doc)).toMatchObject({
      status: 'up-to-date',
      commit: head,
      committed: null,
    });
    const events = (await home.events('api')).filter(
      (e) => e.type === 'agent.pushed' || e.type === 'agent.committed',
    );
    expect(events.map((e) => [e.type, e.source, 'status' in e.data ? e.data.status : null])).toEqual([
      ['agent.committed', 'cli', null],
      ['agent.pushed', 'cli', 'new'],
      ['agent.pushed', 'cli', 'up-to-date'],
    ]);
  });

  it('refuses a push the remote is ahead of, then --force-with-lease while the remote moved unseen; replaces it once fetched', async () => {
    // Someone else pushes to the agent's branch; the agent rewrites its own commit.
    const other = home.path('other');
    execFileSync('git', ['clone', '-q', '-b', 'wtp/api', remote, other]);
    writeFileSync(join(other, 'theirs.txt'), 'theirs\n');
    g(['add', '-A'], other);
    g(['-c', 'user.name=Other', '-c', 'user.email=o@example.com', 'commit', '-qm', 'their change'], other);
    g(['push', '-q', 'origin', 'wtp/api'], other);
    const theirs = g(['rev-parse', 'HEAD'], other);
    const wt = await worktree('api');
    g(['commit', '-q', '--amend', '-m', 'health route, amended'], wt);

    const behind = await home.json<ErrorDoc>(['push', 'api']);
    expect(behind.code).toBe(1);
    expect(behind.doc.error).toMatchObject({
      code: 'PUSH_REJECTED',
      details: { reason: 'behind', remote: 'origin' },
    });
    expect((behind.doc.error.details.next as string[])[0]).toContain(
      'the branch was rewritten on purpose (a rebase, an amend): wtp push api --force-with-lease',
    );
    expect(behind.doc.error.message).toContain('run `wtp push api --force-with-lease`');
    const stale = await home.json<ErrorDoc>(['push', 'api', '--force-with-lease']);
    expect(stale.code).toBe(1);
    expect(stale.doc.error).toMatchObject({ code: 'PUSH_REJECTED', details: { reason: 'stale' } });
    expect(stale.doc.error.message).toContain('origin/wtp/api moved since this repository last saw it');
    expect(remoteHead('wtp/api')).toBe(theirs); // untouched by both

    // Seen (fetched) and still to be replaced: the lease holds now.
    g(['fetch', '-q', 'origin'], wt);
    const forced = await home.json(['push', 'api', '--force-with-lease']);
    expect(cliOutputSchemas.push.parse(forced.doc).status).toBe('forced');
    expect(remoteHead('wtp/api')).toBe(g(['rev-parse', 'HEAD'], wt));
  });

  it('refuses a branch that would conflict with its base on the remote (MERGE_CONFLICT): nothing pushed', async () => {
    await cmdAgent('web', 'echo "# shop, by web" > README && git commit -qam "web title"');
    writeFileSync(join(repo, 'README'), '# shop, by main\n');
    g(['commit', '-qam', 'main title']);
    g(['push', '-q', 'origin', 'main']);
    const refused = await home.json<ErrorDoc>(['push', 'web']);
    expect(refused.code).toBe(1);
    expect(refused.doc.error).toMatchObject({
      code: 'MERGE_CONFLICT',
      details: { agent: 'web', target: 'origin/main', conflicts: ['README'] },
    });
    expect(refused.doc.error.message).toContain(
      "web's branch wtp/web would conflict with origin/main in README: nothing was pushed",
    );
    expect(remoteHead('wtp/web')).toBe('');
  });

  it('names the remotes there are, and refuses a remote name git would read as an option', async () => {
    const missing = await home.json<ErrorDoc>(['push', 'api', '--remote', 'upstream']);
    expect(missing.doc.error).toMatchObject({
      code: 'GIT_REMOTE_NOT_FOUND',
      details: { remote: 'upstream', remotes: ['origin'] },
    });
    const dash = await home.json<ErrorDoc>(['push', 'api', '--remote=--upload-pack=touch /tmp/x']);
    expect(dash.code).toBe(2);
    expect(dash.doc.error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { issues: [{ path: '--remote' }] },
    });
  });
});
