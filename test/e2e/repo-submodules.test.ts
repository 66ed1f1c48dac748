import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

/**
 * Issue 30, defect 9: an unapproved repository's submodules were fetched (two requests to the
 * submodule's URL) before the approval check, which then said GIT_FAILED. Now nothing is asked of
 * that URL before the repository's submodules are approved: `wtp new --repo` says
 * SETUP_NOT_APPROVED with the URL and the next step, and leaves no worktree; once approved, the
 * new worktree's submodules are fetched (here from a server that has none: GIT_FAILED, with git's
 * words).
 */
describe("a repository's submodules wait for approval (issue 30)", () => {
  let home: TestHome;
  let server: Server;
  const requests: string[] = [];
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lib.git`;
    home = new TestHome();
    await home.up();
  });

  afterAll(async () => {
    await home?.cleanup();
    await new Promise((r) => server?.close(r));
  });

  it('nothing is fetched before approval; approved, the URL is asked', { timeout: 120_000 }, async () => {
    const { repo, g } = gitRepo(home, 'with-sub');
    // A gitlink and its .gitmodules entry, as `git submodule add` leaves them (without cloning).
    writeFileSync(join(repo, '.gitmodules'), `[submodule "lib"]\n\tpath = lib\n\turl = ${url}\n`);
    g(['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},lib`]);
    g(['add', '.gitmodules']);
    g(['commit', '-qm', 'submodule']);

    const refused = await home.json<{
      error: { code: string; message: string; details: { hashes: string[] } };
    }>(['new', 'cmd', '--name', 'a', '--repo', repo, '--', 'true']);
    expect(refused.code).not.toBe(0);
    expect(refused.doc.error.code).toBe('SETUP_NOT_APPROVED');
    expect(refused.doc.error.message).toContain(`submodules: lib (${url})`);
    expect(refused.doc.error.message).toContain(`wtp setup approve --repo ${repo}`);
    expect(requests).toEqual([]);
    const worktrees = home.path('worktrees');
    expect(
      existsSync(worktrees) ? readdirSync(worktrees).flatMap((d) => readdirSync(join(worktrees, d))) : [],
    ).toEqual([]);

    const shown = await home.run(['setup', 'show', '--repo', repo]);
    expect(shown.stdout).toContain(`lib  ${url}`);
    expect(shown.stdout).toContain('NOT approved');
    expect(requests).toEqual([]);
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);

    const fetched = await home.json<{ error: { code: string; message: string } }>([
      'new',
      'cmd',
      '--name',
      'b',
      '--repo',
      repo,
      '--',
      'true',
    ]);
    expect(fetched.doc.error.code).toBe('GIT_FAILED');
    expect(fetched.doc.error.message).toContain('submodule update');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.includes('/lib.git/'))).toBe(true);
  });
});
