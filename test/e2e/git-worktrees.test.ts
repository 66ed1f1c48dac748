import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { eventually, TestHome } from '../support/harness.js';

/** Worktrees, setup approval, diff, commit, merge, the conflict radar, rm safety and gc, through the CLI, on real git. */
describe('git: a worktree per agent, review and merge (CLI, real git)', () => {
  let home: TestHome;
  let repo: string;
  const g = (args: string[], cwd = repo): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...home.env } }).trim();
  const sleeper = (name: string, extra: string[] = []) =>
    home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '--name',
      name,
      '--repo',
      repo,
      ...extra,
      '--',
      'sleep',
      '600',
    ]);

  beforeAll(async () => {
    home = new TestHome();
    repo = home.path('shop');
    mkdirSync(join(repo, '.wezterm-parallel'), { recursive: true });
    g(['init', '-q', '-b', 'main']);
    g(['config', 'user.name', 'Test']);
    g(['config', 'user.email', 'test@example.com']);
    writeFileSync(join(repo, 'app.txt'), 'one\ntwo\nthree\nfour\nfive\n');
    writeFileSync(join(repo, '.gitignore'), '.env\n.ports\n');
    writeFileSync(join(repo, '.worktreeinclude'), '.env\n');
    writeFileSync(
      join(repo, '.wezterm-parallel', 'config.yaml'),
      'setup:\n  - echo "setting up on port $WTP_PORT"\n  - echo "$WTP_PORT-$WTP_PORT_END" > .ports\n',
    );
    g(['add', '-A']);
    g(['commit', '-qm', 'start']);
    writeFileSync(join(repo, '.env'), 'SECRET=1\n');
    await home.up();
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('refuses an unapproved setup script without creating anything, then runs it once approved', async () => {
    const refused = await sleeper('a');
    expect(refused.code).toBe(1);
    expect(refused.doc).toMatchObject({
      error: { code: 'SETUP_NOT_APPROVED', details: { commands: expect.any(Array) } },
    });
    expect(g(['branch', '--list', 'wtp/a'])).toBe('');
    const shown = await home.json<{ setup: { hash: string; approved: boolean } }>([
      'setup',
      'show',
      '--repo',
      repo,
    ]);
    expect(shown.doc.setup.approved).toBe(false);
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);

    const a = (await sleeper('a')).doc.agent;
    expect(a).toMatchObject({
      state: 'running',
      worktree: { repo, branch: 'wtp/a', base: 'main', portStart: 20_000, portCount: 10, owned: true },
    });
    const wt = a.worktree?.path ?? '';
    expect(a.cwd).toBe(wt);
    expect(wt.startsWith(repo)).toBe(false); // outside the repository
    expect(readFileSync(join(wt, '.env'), 'utf8')).toBe('SECRET=1\n'); // .worktreeinclude
    expect(readFileSync(join(wt, '.ports'), 'utf8')).toBe('20000-20009\n');
    const logs = await home.run(['logs', 'a', '--plain']);
    expect(logs.stdout).toContain('setting up on port 20000');
    const b = (await sleeper('b')).doc.agent;
    expect(b.worktree?.portStart).toBe(20_010);
    // wtp ls shows each worktree's branch and disk use (sampled in the background).
    await eventually('the disk use of a', async () => ((await home.agent('a')).worktreeBytes ?? 0) > 0);
    const ls = (await home.run(['ls'])).stdout;
    expect(ls).toMatch(/^NAME .* BRANCH +DISK +CWD/m);
    expect(ls).toMatch(/^a .* wtp\/a +\d+(\.\d)?[BK] /m);
  });

  it('shows the diff, predicts conflicts between agents, and refuses to rm unsaved work', async () => {
    const [a, b] = [await home.agent('a'), await home.agent('b')];
    const wa = a.worktree?.path ?? '';
    const wb = b.worktree?.path ?? '';
    writeFileSync(join(wa, 'app.txt'), 'one\nTWO by a\nthree\nfour\nfive\n');
    writeFileSync(join(wa, 'new.txt'), 'fresh\n');
    writeFileSync(join(wb, 'app.txt'), 'one\ntwo by b\nthree\nfour\nfive\n');
    const diff = await home.json<{ diff: { files: { path: string; status: string }[] } }>([
      'diff',
      'a',
      '--stat',
    ]);
    expect(diff.doc.diff.files.map((f) => [f.path, f.status])).toEqual(
      expect.arrayContaining([
        ['app.txt', 'modified'],
        ['new.txt', 'untracked'],
      ]),
    );
    expect((await home.run(['diff', 'a'])).stdout).toContain('+TWO by a');

    const rm = await home.json(['rm', 'a']);
    expect(rm.code).toBe(1);
    expect(rm.doc).toMatchObject({
      error: { code: 'WORKTREE_DIRTY', details: { uncommitted: expect.arrayContaining(['new.txt']) } },
    });
    expect(existsSync(join(wa, 'new.txt'))).toBe(true);

    expect((await home.json(['commit', 'a', '-m', 'a: edit app'])).doc).toMatchObject({
      commit: expect.any(String),
    });
    expect((await home.json(['commit', 'b', '-m', 'b: edit app'])).doc).toMatchObject({
      commit: expect.any(String),
    });
    const radar = await home.json<{
      pairs: { a: string; b: string; conflicting: boolean; conflicts: { path: string }[] }[];
    }>(['conflicts']);
    const ab = radar.doc.pairs.find((p) => p.a === 'a' && p.b === 'b');
    expect(ab).toMatchObject({ conflicting: true, conflicts: [{ path: 'app.txt' }] });
    expect(radar.doc.pairs.filter((p) => p.b === 'main').every((p) => !p.conflicting)).toBe(true);
    const events = await home.events('a');
    expect(events.some((e) => e.type === 'conflict.predicted')).toBe(true);
  });

  it('merges after a passing test, and leaves main untouched on a conflict or a failing test', async () => {
    const failing = await home.json(['merge', 'a', '--test', 'exit 7']);
    expect(failing.doc).toMatchObject({ error: { code: 'MERGE_TEST_FAILED', details: { exitCode: 7 } } });
    const wa = (await home.agent('a')).worktree?.path ?? '';
    expect((failing.doc as { error: { message: string } }).error.message).toBe(
      "The test command failed in a's worktree (exit 7): nothing was merged. Ask the agent to fix it (`wtp feedback`), or run it in its worktree yourself, then `wtp merge a --test 'exit 7'`.",
    );
    expect((failing.doc as { error: { details: { next: string[] } } }).error.details.next).toEqual([
      `ask the agent to fix it: wtp feedback a 'The tests fail: "exit 7" exits with 7. Fix them and commit.'`,
      `or run it yourself: cd ${wa} && exit 7; once it passes: wtp merge a --test 'exit 7'`,
    ]);
    const before = g(['rev-parse', 'main']);
    const merged = await home.json<{ commit: string; target: string }>([
      'merge',
      'a',
      '--test',
      'test -f new.txt',
    ]);
    expect(merged.code, JSON.stringify(merged.doc)).toBe(0);
    expect(merged.doc.target).toBe('main');
    expect(g(['rev-parse', 'main'])).toBe(merged.doc.commit);
    expect(readFileSync(join(repo, 'app.txt'), 'utf8')).toContain('TWO by a'); // the main checkout follows
    const head = g(['rev-parse', 'main']);
    expect(head).not.toBe(before);
    // Review comments go back to the agent through the safe-input path (audited).
    expect((await home.run(['feedback', 'b', 'please rebase on main'])).code).toBe(0);
    const sent = (await home.events('b')).filter((e) => e.type === 'agent.inputSent');
    expect(sent.at(-1)).toMatchObject({
      source: 'cli',
      data: { text: 'please rebase on main', enter: true },
    });
    const conflict = await home.json(['merge', 'b']);
    expect(conflict.doc).toMatchObject({
      error: { code: 'MERGE_CONFLICT', details: { conflicts: ['app.txt'], next: expect.any(Array) } },
    });
    // What to do next, with the exact commands (human output on stderr).
    const wb = (await home.agent('b')).worktree?.path ?? '';
    const human = await home.run(['merge', 'b']);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe(
      'error: Merging b (branch wtp/b) into main would conflict in app.txt: nothing was merged, and main was left exactly as it was. Ask the agent to rebase on main and resolve them, or resolve them yourself in its worktree and run `wtp merge b` again; `wtp conflicts` shows the lines. [MERGE_CONFLICT]\n' +
        "  - ask the agent to resolve it: wtp feedback b 'Rebase your branch on main, resolving the conflicts in app.txt, and commit the result.'\n" +
        `  - or resolve it yourself in its worktree: cd ${wb} && git merge main; fix app.txt, then git add -A && git commit --no-edit; then wtp merge b\n` +
        '  - see the conflicting lines first: wtp conflicts\n',
    );
    expect(g(['rev-parse', 'main'])).toBe(head);
    expect(g(['status', '--porcelain'])).toBe('');
  });

  it('gc removes the worktree and branch of an ended, merged agent and says what it freed', async () => {
    expect((await home.run(['stop', 'a'])).code).toBe(0);
    const dry = await home.json<{ removed: { agent: string }[]; kept: { agent: string; why: string }[] }>([
      'gc',
      '--dry-run',
    ]);
    expect(dry.doc.removed.map((r) => r.agent)).toEqual(['a']);
    expect(dry.doc.kept).toEqual(expect.arrayContaining([{ agent: 'b', why: 'still running' }]));
    const path = (await home.agent('a')).worktree?.path ?? '';
    expect(existsSync(path)).toBe(true);
    const gc = await home.json<{ bytesFreed: number }>(['gc']);
    expect(gc.doc.bytesFreed).toBeGreaterThan(0);
    expect(existsSync(path)).toBe(false);
    expect(g(['branch', '--list', 'wtp/a'])).toBe('');
  });

  it('gc never removes work that is not merged: an ended agent with an unmerged commit is kept', async () => {
    const b = await home.agent('b');
    writeFileSync(join(b.worktree?.path ?? '', 'notes.txt'), 'unsaved\n');
    expect((await home.run(['stop', 'b'])).code).toBe(0);
    const gc = await home.json<{ removed: unknown[]; kept: { agent: string; why: string }[] }>(['gc']);
    expect(gc.doc.kept).toEqual(
      expect.arrayContaining([
        {
          agent: 'b',
          why: expect.stringMatching(/would lose 1 uncommitted file\(s\) and 1 unmerged commit\(s\)/),
        },
      ]),
    );
    expect(readFileSync(join(b.worktree?.path ?? '', 'notes.txt'), 'utf8')).toBe('unsaved\n');
  });

  it('a failing setup marks the agent crashed with its output and does not start it', async () => {
    writeFileSync(
      join(repo, '.wezterm-parallel', 'config.yaml'),
      'setup:\n  - echo "about to fail"\n  - exit 3\n',
    );
    expect((await sleeper('c')).doc).toMatchObject({ error: { code: 'SETUP_NOT_APPROVED' } }); // changed: asks again
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);
    const c = (await sleeper('c')).doc.agent;
    expect(c).toMatchObject({ state: 'crashed', pid: null, stateDetail: { reason: 'setup_failed' } });
    expect(c.stateDetail.message).toContain('about to fail');
    await eventually('no host for c', async () => (await home.agent('c')).hostPid === null);
  });

  it('reuses a branch (--branch), works in place (--no-worktree), squashes, and reports a locked index', async () => {
    writeFileSync(join(repo, '.wezterm-parallel', 'config.yaml'), 'other: 1\n');
    g(['commit', '-qam', 'no setup script']); // a clean main checkout to merge into
    g(['branch', 'feature']);
    const f = (await sleeper('f', ['--branch', 'feature'])).doc.agent;
    expect(f.worktree).toMatchObject({ branch: 'feature', owned: true });
    writeFileSync(join(f.worktree?.path ?? '', 'feature.txt'), 'one\n');
    expect((await home.json(['commit', 'f', '-m', 'feature one'])).code).toBe(0);
    writeFileSync(join(f.worktree?.path ?? '', 'feature.txt'), 'one\ntwo\n');
    expect((await home.json(['commit', 'f', '-m', 'feature two'])).code).toBe(0);
    // Uncommitted work would stay behind: refused, main untouched, until committed with --commit.
    writeFileSync(join(f.worktree?.path ?? '', 'feature.txt'), 'one\ntwo\nthree\n');
    const mainBefore = g(['rev-parse', 'main']);
    const dirty = await home.json(['merge', 'f', '--strategy', 'squash']);
    expect(dirty.doc).toMatchObject({
      error: {
        code: 'MERGE_UNCOMMITTED',
        details: {
          files: ['feature.txt'],
          next: expect.arrayContaining([
            "commit it and merge: wtp merge f --strategy squash --commit 'MESSAGE'",
          ]) as unknown,
        },
        message: expect.stringContaining("`wtp merge f --strategy squash --commit 'MESSAGE'`"),
      },
    });
    expect(g(['rev-parse', 'main'])).toBe(mainBefore);
    const squashed = await home.json<{ commit: string }>([
      'merge',
      'f',
      '--strategy',
      'squash',
      '--commit',
      'feature three',
    ]);
    expect(squashed.code, JSON.stringify(squashed.doc)).toBe(0);
    expect(g(['show', 'main:feature.txt'])).toBe('one\ntwo\nthree');
    expect(g(['rev-list', '--parents', '-n', '1', 'main']).split(' ')).toHaveLength(2); // one parent
    expect(g(['log', '-1', '--format=%B', 'main'])).toContain('feature two');

    const p = (await sleeper('p', ['--no-worktree'])).doc.agent;
    expect(p).toMatchObject({ cwd: repo, worktree: { path: repo, branch: null, owned: false } });

    const lock = g(['rev-parse', '--git-path', 'index.lock'], f.worktree?.path ?? '');
    writeFileSync(join(f.worktree?.path ?? '', 'more.txt'), 'x\n');
    writeFileSync(lock.startsWith('/') ? lock : join(f.worktree?.path ?? '', lock), '');
    const locked = await home.json(['commit', 'f', '-m', 'blocked']);
    expect(locked.doc).toMatchObject({
      error: { code: 'GIT_FAILED', message: expect.stringContaining('index.lock') },
    });
    expect(readFileSync(join(f.worktree?.path ?? '', 'more.txt'), 'utf8')).toBe('x\n');
  });

  it('bad input: not a repository, a base that does not exist, a branch already taken', async () => {
    writeFileSync(join(repo, '.wezterm-parallel', 'config.yaml'), 'other: 1\n');
    const notRepo = await home.json(['new', 'cmd', '--name', 'x', '--repo', home.path('home'), '--', 'true']);
    expect(notRepo.doc).toMatchObject({ error: { code: 'NOT_A_REPOSITORY' } });
    const noBase = await home.json([
      'new',
      'cmd',
      '--name',
      'y',
      '--repo',
      repo,
      '--base',
      'nope',
      '--',
      'true',
    ]);
    expect(noBase.doc).toMatchObject({ error: { code: 'GIT_REF_NOT_FOUND' } });
    g(['branch', 'wtp/z']);
    const taken = await home.json(['new', 'cmd', '--name', 'z', '--repo', repo, '--', 'true']);
    expect(taken.doc).toMatchObject({ error: { code: 'GIT_BRANCH_TAKEN' } });
    expect((await home.agents()).map((a) => a.name).sort()).toEqual(['a', 'b', 'c', 'f', 'p']);
  });

  it('Ctrl-C on wtp merge says the merge goes on in the daemon; a refused merge names the commit --commit made', async () => {
    const a = (await sleeper('int')).doc.agent;
    writeFileSync(join(a.worktree?.path ?? '', 'int.txt'), 'int\n');
    const merge = home.start(['merge', 'int', '--commit', 'its work', '--test', 'sleep 2']);
    let stderr = '';
    merge.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually('the test to start', () => stderr.includes('running the test command'));
    merge.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
      merge.once('exit', (c, s) => r([c, s])),
    );
    expect(signal).toBe('SIGINT');
    expect(code).toBeNull();
    expect(stderr).toContain(
      'interrupted: the merge of int goes on in the daemon (its commit, its test, then the merge). Follow it with `wtp events int`; `wtp diff int` shows what is left to merge.',
    );
    // As it said: the merge landed.
    await eventually('the merge to land', () => g(['show', 'main:int.txt']) === 'int', 30_000);

    // A merge refused for a conflict after --commit: that commit is named.
    const c = (await sleeper('cc')).doc.agent;
    const wc = c.worktree?.path ?? '';
    writeFileSync(join(wc, 'app.txt'), 'cc\n');
    g(['commit', '-qam', 'cc edits app'], wc);
    writeFileSync(join(repo, 'app.txt'), 'main\n');
    g(['commit', '-qam', 'main edits app']);
    writeFileSync(join(wc, 'extra.txt'), 'extra\n');
    const refused = await home.json(['merge', 'cc', '--commit', 'the rest']);
    const committed = g(['rev-parse', 'wtp/cc']);
    expect(refused.doc).toMatchObject({ error: { code: 'MERGE_CONFLICT', details: { committed } } });
    expect((refused.doc as { error: { message: string } }).error.message).toContain(
      `the commit ${committed} made first of its uncommitted work stays on its branch.`,
    );
  });
});
