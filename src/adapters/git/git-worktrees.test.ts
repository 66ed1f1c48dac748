import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { AgentWorktree } from '../../core/ports/git.js';
import { CliGitReview } from './git-review.js';
import { inRepoTurn } from './repo-turns.js';
import {
  code,
  n,
  commit,
  g,
  initRepo,
  repo,
  req,
  root,
  useWorktreeRig,
  write,
  wts,
} from '../../../test/support/worktree-rig.js';

useWorktreeRig();

describe('provision', () => {
  it('creates wtp/<name> from the current branch in a folder outside the repository', async () => {
    fs.mkdirSync(join(repo, 'src'));
    const wt = await wts.provision(req({ repo: join(repo, 'src'), agentName: 'api' }));
    expect(wt).toMatchObject({ repo, branch: 'wtp/api', base: 'main', owned: true, portStart: 4100 });
    expect(wt.baseCommit).toBe(g(repo, 'rev-parse', 'main'));
    expect(wt.path).toMatch(new RegExp(`/state/worktrees/my-repo-[0-9a-f]{8}/api$`));
    expect(wt.path.startsWith(repo + '/')).toBe(false);
    expect(fs.readFileSync(join(wt.path, 'README.md'), 'utf8')).toBe('hello\n');
    expect(g(wt.path, 'symbolic-ref', '--short', 'HEAD')).toBe('wtp/api');
    // The branch does not track anything.
    expect(() => g(repo, 'config', 'branch.wtp/api.merge')).toThrow();
  });

  it('provisions many agents of one repository at once (git worktree add and prune are not concurrent-safe)', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `at-once-${i}`);
    const made = await Promise.all(names.map((agentName) => wts.provision(req({ agentName }))));
    expect(made.map((w) => w.branch)).toEqual(names.map((x) => `wtp/${x}`));
    for (const w of made) expect(g(w.path, 'symbolic-ref', '--short', 'HEAD')).toBe(w.branch);
  });

  it('waits for a worktree another command of the daemon is adding, rather than reading it half made', async () => {
    const ours = await wts.provision(req({ agentName: 'ours' }));
    g(repo, 'branch', 'other');
    const review = new CliGitReview({ gitEnv: process.env });
    const half = join(repo, '.git', 'worktrees', 'half');
    let release = (): void => undefined;
    let begun = (): void => undefined;
    const started = new Promise<void>((r) => (begun = r));
    const held = inRepoTurn(fs.realpathSync(join(repo, '.git')), async () => {
      // As `git worktree add` leaves its entry between creating a file and writing it.
      fs.mkdirSync(half);
      fs.writeFileSync(join(half, 'gitdir'), `${join(root, 'half', '.git')}\n`);
      fs.writeFileSync(join(half, 'commondir'), '');
      begun();
      await new Promise<void>((r) => (release = r));
      fs.rmSync(half, { recursive: true });
    });
    await started;
    expect(() => g(repo, 'worktree', 'list')).toThrow(/failed to read .*commondir/);
    const [made, removed, merged] = [
      wts.provision(req({ agentName: 'next' })),
      wts.remove(ours, true),
      review.merge({ ...ours, branch: 'other' }, { strategy: 'merge' }),
    ].map((p) =>
      p.then(
        () => 'done',
        (e: unknown) => String(e),
      ),
    );
    // Each would fail within a few git calls if it read the half-made entry.
    const early = await Promise.race([
      Promise.all([made, removed, merged]),
      sleep(500).then(() => 'waiting'),
    ]);
    expect(early).toBe('waiting');
    release();
    await held;
    expect(await Promise.all([made, removed, merged])).toEqual(['done', 'done', 'done']);
    expect(g(repo, 'branch', '--list', 'wtp/next')).toContain('wtp/next');
  });

  it('starts from a given base', async () => {
    const first = g(repo, 'rev-parse', 'HEAD');
    g(repo, 'tag', 'v1');
    commit(repo, 'later.txt', 'later\n', 'later');
    const wt = await wts.provision(req({ agentName: 'old', base: 'v1' }));
    expect(wt).toMatchObject({ base: 'v1', baseCommit: first });
    expect(g(wt.path, 'rev-parse', 'HEAD')).toBe(first);
    expect(fs.existsSync(join(wt.path, 'later.txt'))).toBe(false);
  });

  it('reuses an existing branch, refusing one checked out elsewhere or missing', async () => {
    g(repo, 'branch', 'feature');
    const wt = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    expect(wt).toMatchObject({ branch: 'feature', owned: true });
    expect(g(wt.path, 'symbolic-ref', '--short', 'HEAD')).toBe('feature');
    const taken = await code(wts.provision(req({ agentName: 'f2', branch: 'feature' })));
    expect(taken.code).toBe('GIT_BRANCH_TAKEN');
    expect(taken.details).toMatchObject({ branch: 'feature', worktree: wt.path });
    const onMain = await code(wts.provision(req({ agentName: 'm', branch: 'main' })));
    expect(onMain.code).toBe('GIT_BRANCH_TAKEN');
    const missing = await code(wts.provision(req({ agentName: 'x', branch: 'nope' })));
    expect(missing.code).toBe('GIT_REF_NOT_FOUND');
    expect(missing.details).toMatchObject({ ref: 'nope' });
  });

  it('works in place with noWorktree', async () => {
    const wt = await wts.provision(req({ agentName: 'here', noWorktree: true }));
    expect(wt).toMatchObject({ repo, path: repo, branch: null, owned: false, base: 'main' });
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
    await wts.remove(wt, true);
    expect(fs.existsSync(join(repo, 'README.md'))).toBe(true);
  });

  it('reports a missing base, a taken branch, a detached HEAD, a non-repository and a bare one', async () => {
    const noBase = await code(wts.provision(req({ agentName: 'a', base: 'does-not-exist' })));
    expect(noBase.code).toBe('GIT_REF_NOT_FOUND');
    expect(noBase.details).toMatchObject({ ref: 'does-not-exist' });

    g(repo, 'branch', 'wtp/a');
    expect((await code(wts.provision(req({ agentName: 'a' })))).code).toBe('GIT_BRANCH_TAKEN');

    g(repo, 'checkout', '-q', '--detach');
    expect((await code(wts.provision(req({ agentName: 'b' })))).code).toBe('GIT_DETACHED_HEAD');
    const withBase = await wts.provision(req({ agentName: 'b', base: 'main' }));
    expect(withBase.branch).toBe('wtp/b');

    const plain = fs.mkdtempSync(join(root, 'plain-'));
    const notRepo = await code(wts.provision(req({ repo: plain, agentName: 'c' })));
    expect(notRepo.code).toBe('NOT_A_REPOSITORY');
    expect(notRepo.details).toMatchObject({ path: plain });
    const bare = join(root, `bare-${n}.git`);
    g(root, 'init', '-q', '--bare', bare);
    expect((await code(wts.provision(req({ repo: bare, agentName: 'c' })))).code).toBe('NOT_A_REPOSITORY');
    fs.rmSync(plain, { recursive: true });
    fs.rmSync(bare, { recursive: true });
  });

  it('handles stale folders: prunes hand-deleted worktrees, refuses a folder with files', async () => {
    g(repo, 'branch', 'feature');
    const first = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    fs.rmSync(first.path, { recursive: true });
    // git still thinks `feature` is checked out there until pruned.
    const again = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    expect(again.path).toBe(first.path);

    const stale = join(first.path, '..', 'stale');
    write(join(stale, 'leftover.txt'), 'x');
    const refused = await code(wts.provision(req({ agentName: 'stale' })));
    expect(refused.code).toBe('WORKTREE_DIRTY');
    expect(g(repo, 'branch', '--list', 'wtp/stale')).toBe('');
    fs.rmSync(join(stale, 'leftover.txt'));
    expect((await wts.provision(req({ agentName: 'stale' }))).path).toBe(stale);
  });

  it('lists submodules without fetching them; fetches them only when asked (after approval)', async () => {
    const sub = initRepo(join(root, `case-${n}`, 'sub'));
    g(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'libs/sub');
    g(repo, 'commit', '-q', '-m', 'add submodule');
    const wt = await wts.provision(req({ agentName: 'sm' }));
    // Made, but nothing fetched from the submodule's URL (issue 30).
    expect(fs.existsSync(join(wt.path, 'libs/sub/README.md'))).toBe(false);
    const listed = await wts.submodules(wt.path);
    expect(listed).toMatchObject({
      repo,
      entries: [{ name: 'libs/sub', path: 'libs/sub', url: sub }],
      approved: false,
    });
    expect(await wts.submodules(repo)).toEqual(listed); // the same for the repository and its worktrees
    wts.approveSetup(repo, listed?.hash ?? '');
    expect((await wts.submodules(wt.path))?.approved).toBe(true);
    await wts.initSubmodules(wt);
    expect(fs.readFileSync(join(wt.path, 'libs/sub/README.md'), 'utf8')).toBe('hello\n');
    await wts.remove(wt, false);
    expect(fs.existsSync(wt.path)).toBe(false);

    fs.rmSync(sub, { recursive: true }); // the submodule can no longer be cloned
    const broken = await wts.provision(req({ agentName: 'broken' }));
    const failed = await code(wts.initSubmodules(broken));
    expect(failed.code).toBe('GIT_FAILED');
    expect(failed.message).toContain('submodule update');
  });

  it('a changed submodule URL needs approval again; a repository without submodules has none', async () => {
    expect(await wts.submodules(repo)).toBeNull();
    write(join(repo, '.gitmodules'), '[submodule "x"]\n\tpath = x\n\turl = https://example.invalid/a.git\n');
    const first = await wts.submodules(repo);
    wts.approveSetup(repo, first?.hash ?? '');
    write(join(repo, '.gitmodules'), '[submodule "x"]\n\tpath = x\n\turl = https://example.invalid/b.git\n');
    const second = await wts.submodules(repo);
    expect(second?.entries[0]?.url).toBe('https://example.invalid/b.git');
    expect(second?.hash).not.toBe(first?.hash);
    expect(second?.approved).toBe(false);
  });

  it('copies .worktreeinclude files that are ignored or untracked, keeping modes', async () => {
    write(join(repo, '.gitignore'), '.env\nconfig/local.json\n');
    write(join(repo, 'config/tracked.json'), '{"committed":true}\n');
    write(join(repo, '.worktreeinclude'), '# local files\n.env\nconfig/*.json\n**/*.local\n/top-only.txt\n');
    g(repo, 'add', '.');
    g(repo, 'commit', '-q', '-m', 'config');
    write(join(repo, '.env'), 'SECRET=1\n', 0o600);
    write(join(repo, 'config/local.json'), '{"local":true}\n');
    write(join(repo, 'config/tracked.json'), '{"edited":true}\n'); // tracked: never copied
    write(join(repo, 'deep/er/x.local'), 'deep\n', 0o750);
    write(join(repo, 'top-only.txt'), 'top\n');
    write(join(repo, 'nested/top-only.txt'), 'not anchored\n');
    write(join(repo, 'other.txt'), 'not listed\n');
    fs.symlinkSync('/etc/hostname', join(repo, 'escape.local'));

    const wt = await wts.provision(req({ agentName: 'inc' }));
    const read = (f: string): string | null =>
      fs.existsSync(join(wt.path, f)) ? fs.readFileSync(join(wt.path, f), 'utf8') : null;
    expect(read('.env')).toBe('SECRET=1\n');
    expect(fs.statSync(join(wt.path, '.env')).mode & 0o777).toBe(0o600);
    expect(read('config/local.json')).toBe('{"local":true}\n');
    expect(read('config/tracked.json')).toBe('{"committed":true}\n');
    expect(read('deep/er/x.local')).toBe('deep\n');
    expect(fs.statSync(join(wt.path, 'deep/er/x.local')).mode & 0o777).toBe(0o750);
    expect(read('top-only.txt')).toBe('top\n');
    expect(read('nested/top-only.txt')).toBeNull();
    expect(read('other.txt')).toBeNull();
    expect(fs.lstatSync(join(wt.path, 'escape.local'), { throwIfNoEntry: false })).toBeUndefined();
    // Unchanged copies are not work to lose.
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
  });
});

describe('wouldLose and remove', () => {
  it('lists uncommitted files and unmerged commits; a merged branch loses nothing', async () => {
    const wt = await wts.provision(req({ agentName: 'w' }));
    write(join(wt.path, 'new.txt'), 'new\n');
    write(join(wt.path, 'README.md'), 'changed\n');
    expect((await wts.wouldLose(wt)).uncommitted.sort()).toEqual(['README.md', 'new.txt']);

    g(wt.path, 'add', '.');
    g(wt.path, 'commit', '-q', '-m', 'agent work');
    const loss = await wts.wouldLose(wt);
    expect(loss.uncommitted).toEqual([]);
    expect(loss.unmergedCommits).toEqual([{ sha: g(wt.path, 'rev-parse', 'HEAD'), subject: 'agent work' }]);

    g(repo, 'merge', '-q', '--ff-only', 'wtp/w');
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
    await wts.remove(wt, false);
    expect(g(repo, 'branch', '--list', 'wtp/w')).toBe('');
  });

  it('a branch squash-merged (or rebased) into its base loses nothing; one reverted there since does', async () => {
    const wt = await wts.provision(req({ agentName: 'sq' }));
    commit(wt.path, 'one.txt', 'one\n', 'first');
    commit(wt.path, 'two.txt', 'two\n', 'second');
    expect((await wts.wouldLose(wt)).unmergedCommits).toHaveLength(2);
    g(repo, 'merge', '-q', '--squash', 'wtp/sq');
    g(repo, 'commit', '-q', '-m', 'squashed');
    commit(repo, 'later.txt', 'later\n', 'later work on main');
    expect(await wts.wouldLose(wt)).toEqual({ uncommitted: [], unmergedCommits: [] });
    g(repo, 'rm', '-q', 'two.txt');
    g(repo, 'commit', '-q', '-m', 'revert half of it');
    expect((await wts.wouldLose(wt)).unmergedCommits.map((c) => c.subject)).toEqual(['second', 'first']);
    const dirty = await code(wts.remove(wt, false));
    expect(dirty.code).toBe('WORKTREE_DIRTY');
  });

  it('refuses to remove unsaved work unless forced, and is idempotent', async () => {
    const wt = await wts.provision(req({ agentName: 'r' }));
    commit(wt.path, 'work.txt', 'work\n', 'unmerged work');
    write(join(wt.path, 'scratch.txt'), 'x\n');
    const dirty = await code(wts.remove(wt, false));
    expect(dirty.code).toBe('WORKTREE_DIRTY');
    expect(dirty.details).toMatchObject({
      uncommitted: ['scratch.txt'],
      unmergedCommits: [expect.objectContaining({ subject: 'unmerged work' })],
    });
    expect(fs.existsSync(wt.path)).toBe(true);
    await wts.remove(wt, true);
    expect(fs.existsSync(wt.path)).toBe(false);
    expect(g(repo, 'branch', '--list', 'wtp/r')).toBe('');
    await wts.remove(wt, true);
    await wts.remove(wt, false);
  });

  it('cleans metadata of a folder deleted by hand, and keeps branches it did not create', async () => {
    g(repo, 'branch', 'feature');
    const mine = await wts.provision(req({ agentName: 'gone' }));
    const theirs = await wts.provision(req({ agentName: 'f', branch: 'feature' }));
    fs.rmSync(mine.path, { recursive: true });
    await wts.remove(mine, false);
    expect(g(repo, 'worktree', 'list', '--porcelain')).not.toContain(mine.path);
    expect(g(repo, 'branch', '--list', 'wtp/gone')).toBe('');

    commit(theirs.path, 'f.txt', 'f\n', 'feature work');
    expect((await wts.wouldLose(theirs)).unmergedCommits).toEqual([]); // the branch stays
    await wts.remove(theirs, false);
    expect(fs.existsSync(theirs.path)).toBe(false);
    expect(g(repo, 'branch', '--list', 'feature')).toContain('feature');
  });

  it('never touches worktrees it does not own', async () => {
    const foreign: AgentWorktree = {
      repo,
      path: repo,
      branch: 'main',
      base: 'main',
      baseCommit: g(repo, 'rev-parse', 'HEAD'),
      portStart: 1,
      portCount: 1,
      owned: false,
    };
    write(join(repo, 'dirty.txt'), 'x');
    expect(await wts.wouldLose(foreign)).toEqual({ uncommitted: [], unmergedCommits: [] });
    await wts.remove(foreign, true);
    expect(fs.existsSync(join(repo, 'dirty.txt'))).toBe(true);
  });
});

describe('uncommitted and carryUncommitted', () => {
  it('carries modified, added, deleted, renamed and untracked files (modes, links inside) into a fork', async () => {
    commit(repo, 'gone.txt', 'bye\n', 'gone');
    commit(repo, 'old-name.txt', 'moving\n', 'to rename');
    const src = await wts.provision(req({ agentName: 'src' }));
    write(join(src.path, 'README.md'), 'hello, edited\n');
    write(join(src.path, 'staged.txt'), 'staged\n');
    g(src.path, 'add', 'staged.txt');
    fs.rmSync(join(src.path, 'gone.txt'));
    g(src.path, 'mv', 'old-name.txt', 'new-name.txt');
    write(join(src.path, 'deep/new/tool.sh'), '#!/bin/sh\n', 0o755);
    fs.symlinkSync('README.md', join(src.path, 'link-in'));
    fs.symlinkSync('/etc/passwd', join(src.path, 'link-out'));
    write(join(src.path, 'ignored.log'), 'never\n');
    write(join(src.path, '.gitignore'), '*.log\n');
    const pending = await wts.uncommitted(src.path);
    expect(pending.sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'deep/new/tool.sh',
        'gone.txt',
        'link-in',
        'link-out',
        'new-name.txt',
        'staged.txt',
      ].sort(),
    );

    const fork = await wts.provision(req({ agentName: 'fork', base: 'wtp/src' }));
    expect((await wts.carryUncommitted(src.path, fork)).sort()).toEqual(pending.sort());
    const read = (f: string) => fs.readFileSync(join(fork.path, f), 'utf8');
    expect(read('README.md')).toBe('hello, edited\n');
    expect(read('staged.txt')).toBe('staged\n');
    expect(read('new-name.txt')).toBe('moving\n');
    expect(fs.existsSync(join(fork.path, 'gone.txt'))).toBe(false);
    expect(fs.existsSync(join(fork.path, 'old-name.txt'))).toBe(false);
    expect(fs.statSync(join(fork.path, 'deep/new/tool.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readlinkSync(join(fork.path, 'link-in'))).toBe('README.md');
    expect(fs.existsSync(join(fork.path, 'link-out'))).toBe(false); // it pointed out of the checkout
    expect(fs.existsSync(join(fork.path, 'ignored.log'))).toBe(false);
    // The source is untouched: same changes, nothing staged or unstaged differently.
    expect((await wts.uncommitted(src.path)).sort()).toEqual(pending.sort());
    expect(g(src.path, 'diff', '--cached', '--name-only')).toContain('staged.txt');
    // In the fork they are plain working-tree changes.
    expect(g(fork.path, 'diff', '--cached', '--name-only')).toBe('');
  });

  it('finds nothing in a checkout that is gone', async () => {
    expect(await wts.uncommitted(join(root, 'nowhere'))).toEqual([]);
  });
});

describe('diskUsage', () => {
  it('counts regular files without .git and without following symlinks', async () => {
    write(join(repo, 'data/blob.bin'), 'x'.repeat(1000));
    fs.symlinkSync('/etc', join(repo, 'data/link'));
    expect(await wts.diskUsage(repo)).toBe(1000 + 'hello\n'.length);
    const wt = await wts.provision(req({ agentName: 'du' }));
    expect(basename(wt.path)).toBe('du');
    expect(await wts.diskUsage(wt.path)).toBe('hello\n'.length);
    expect(await wts.diskUsage(join(wt.path, 'missing'))).toBe(0);
  });
});
