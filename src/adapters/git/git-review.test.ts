import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentWorktree } from '../../core/ports/git.js';
import { suggestMergeOrder } from '../../core/git/conflict-radar.js';
import { gitRunner } from './git-exec.js';
import { CliGitReview } from './git-review.js';
import { addAgentWorktree } from '../../../test/support/worktree-rig.js';

const git = gitRunner(process.env);
const review = new CliGitReview({ gitEnv: process.env });
let dir: string;
let repo: string;

const run = async (cwd: string, ...args: string[]) => (await git(args, { cwd })).stdout.trim();
const sha = (ref: string) => run(repo, 'rev-parse', ref);
const status = (cwd: string) => run(cwd, 'status', '--porcelain');

/** Writes files (null deletes) and commits them. */
async function commit(cwd: string, files: Record<string, string | null>, msg: string, ...extra: string[]) {
  for (const [f, c] of Object.entries(files)) {
    if (c === null) unlinkSync(join(cwd, f));
    else writeFileSync(join(cwd, f), c);
  }
  await run(cwd, 'add', '-A');
  await run(cwd, 'commit', '-q', '-m', msg, ...extra);
}

const worktree = async (name: string): Promise<AgentWorktree> => addAgentWorktree(repo, dir, name);

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

const lines = (n: number, tag = '') =>
  Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join('\n') + '\n';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-review-'));
  repo = join(dir, 'repo');
  await git(['init', '-q', '-b', 'main', repo], { cwd: dir });
  await run(repo, 'config', 'user.name', 'Test');
  await run(repo, 'config', 'user.email', 'test@example.com');
  await commit(
    repo,
    { 'a.txt': lines(10), 'b.txt': lines(10), 'c.txt': 'c\n', 'old.txt': lines(20) },
    'init',
  );
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('diff', () => {
  it('covers committed, modified, staged, untracked, deleted, renamed and binary files; the index is untouched', async () => {
    const wt = await worktree('x');
    await commit(wt.path, { 'a.txt': lines(10).replace('line 3\n', 'LINE 3\n') }, 'edit a');
    await commit(repo, { 'main-only.txt': 'm\n' }, 'main moves on'); // not the agent's change
    writeFileSync(join(wt.path, 'b.txt'), lines(10) + 'more\n'); // unstaged
    unlinkSync(join(wt.path, 'c.txt')); // deleted, unstaged
    await run(wt.path, 'mv', 'old.txt', 'new.txt'); // staged rename
    writeFileSync(join(wt.path, 'img.bin'), Buffer.from([0, 1, 2, 0, 255, 0]));
    writeFileSync(join(wt.path, 'notes.md'), 'hello\nworld\n'); // untracked
    const before = [await run(wt.path, 'ls-files', '--stage'), await status(wt.path)];

    const d = await review.diff(wt, { stat: false });
    expect(d.base).toBe('main');
    expect(d.mergeBase).toBe(wt.baseCommit);
    const files = [...d.files].sort((x, y) => x.path.localeCompare(y.path));
    expect(files).toEqual([
      { path: 'a.txt', status: 'modified', insertions: 1, deletions: 1 },
      { path: 'b.txt', status: 'modified', insertions: 1, deletions: 0 },
      { path: 'c.txt', status: 'deleted', insertions: 0, deletions: 1 },
      { path: 'img.bin', status: 'untracked', insertions: 0, deletions: 0 },
      { path: 'new.txt', status: 'renamed', insertions: 0, deletions: 0, oldPath: 'old.txt' },
      { path: 'notes.md', status: 'untracked', insertions: 2, deletions: 0 },
    ]);
    expect(d.patch).toContain('+LINE 3');
    expect(d.patch).toContain('+world');
    expect(d.patch).toContain('rename to new.txt');
    expect(d.patch).not.toContain('main-only');
    expect([await run(wt.path, 'ls-files', '--stage'), await status(wt.path)]).toEqual(before);

    const s = await review.diff(wt, { stat: true });
    expect(s.patch).toBe('');
    expect(s.files).toEqual(d.files);
  });

  it('diffs the working tree against baseCommit without a worktree', async () => {
    const baseCommit = await sha('main');
    await commit(repo, { 'a.txt': 'changed\n' }, 'in place');
    writeFileSync(join(repo, 'fresh.txt'), 'x\n');
    const wt: AgentWorktree = {
      repo,
      path: repo,
      branch: null,
      base: 'main',
      baseCommit,
      portStart: 0,
      portCount: 1,
      owned: false,
    };
    const d = await review.diff(wt, { stat: true });
    expect(d.mergeBase).toBe(baseCommit);
    expect(d.files.map((f) => `${f.status} ${f.path}`).sort()).toEqual([
      'modified a.txt',
      'untracked fresh.txt',
    ]);
    expect(await status(repo)).toBe('?? fresh.txt');
  });

  it('diffs against the commit the agent started on once its base branch is gone', async () => {
    await run(repo, 'branch', 'topic');
    const wt = { ...(await worktree('gone')), base: 'topic' };
    const started = await sha('topic');
    await commit(wt.path, { 'a.txt': 'agent\n' }, 'agent work');
    await run(repo, 'branch', '-D', 'topic');
    const d = await review.diff({ ...wt, baseCommit: started }, { stat: true });
    expect(d.mergeBase).toBe(started);
    expect(d.files.map((f) => `${f.status} ${f.path}`)).toEqual(['modified a.txt']);
  });

  it('says NOT_A_REPOSITORY for a folder outside any repository, and for one that is gone', async () => {
    const wt = await worktree('lost');
    const outside = mkdtempSync(join(tmpdir(), 'wtp-norepo-'));
    try {
      expect((await rejection(review.diff({ ...wt, path: outside }, { stat: true }))).code).toBe(
        'NOT_A_REPOSITORY',
      );
      const gone = join(outside, 'gone');
      expect((await rejection(review.diff({ ...wt, path: gone }, { stat: true }))).code).toBe(
        'NOT_A_REPOSITORY',
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('commitAll', () => {
  it('returns null when there is nothing, else commits everything (untracked included)', async () => {
    const wt = await worktree('x');
    expect(await review.commitAll(wt, 'nothing')).toBeNull();
    writeFileSync(join(wt.path, 'a.txt'), 'edited\n');
    writeFileSync(join(wt.path, 'new.txt'), 'new\n');
    const c = await review.commitAll(wt, 'agent work');
    expect(c).toBe(await run(wt.path, 'rev-parse', 'HEAD'));
    expect(await status(wt.path)).toBe('');
    expect(await run(wt.path, 'log', '-1', '--format=%s|%an')).toBe('agent work|Test');
  });

  it('falls back to the wezterm-parallel identity when none is configured', async () => {
    vi.stubEnv('GIT_CONFIG_GLOBAL', join(dir, 'no-global'));
    vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
    await run(repo, 'config', '--unset', 'user.name');
    await run(repo, 'config', '--unset', 'user.email');
    writeFileSync(join(repo, 'a.txt'), 'edited\n');
    const wt: AgentWorktree = {
      repo,
      path: repo,
      branch: null,
      base: 'main',
      baseCommit: '',
      portStart: 0,
      portCount: 1,
      owned: false,
    };
    expect(await review.commitAll(wt, 'x')).not.toBeNull();
    expect(await run(repo, 'log', '-1', '--format=%an <%ae>')).toBe('wezterm-parallel <wtp@localhost>');
  });
});

describe('merge', () => {
  /** Agent: two commits (one by another author); main: one disjoint commit meanwhile. */
  async function diverged() {
    const wt = await worktree('x');
    await commit(wt.path, { 'feature.txt': 'one\n' }, 'feature one', '--author', 'Ada <ada@example.com>');
    await commit(wt.path, { 'a.txt': lines(10).replace('line 1\n', 'LINE 1\n') }, 'feature two');
    await commit(repo, { 'b.txt': lines(10).replace('line 9\n', 'LINE 9\n') }, 'main work');
    return { wt, old: await sha('main') };
  }

  it.each(['merge', 'squash', 'rebase'] as const)(
    '%s: moves main and updates the main checkout',
    async (strategy) => {
      const { wt, old } = await diverged();
      const r = await review.merge(wt, { strategy });
      const main = await sha('main');
      expect(r).toEqual({
        ok: true,
        commit: main,
        target: 'main',
        conflicts: [],
        test: null,
        alreadyMerged: false,
      });
      expect(main).not.toBe(old);
      // Merged again, by any strategy: its work is there already, nothing is added.
      for (const again of ['merge', 'squash', 'rebase'] as const) {
        const second = await review.merge(wt, { strategy: again });
        expect(second).toMatchObject({ ok: true, commit: main, alreadyMerged: true });
        expect(await sha('main')).toBe(main);
      }
      expect(await run(repo, 'merge-base', '--is-ancestor', old, main)).toBe('');
      expect(readFileSync(join(repo, 'feature.txt'), 'utf8')).toBe('one\n');
      expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toContain('LINE 1');
      expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toContain('LINE 9');
      expect(await status(repo)).toBe('');
      const parents = (ref: string) =>
        run(repo, 'log', '-1', '--format=%P', ref).then((p) => p.split(' ').length);
      if (strategy === 'merge') {
        expect(await parents(main)).toBe(2);
        expect(await run(repo, 'log', '-1', '--format=%s', main)).toBe(
          "Merge branch 'wtp/x' (wezterm-parallel)",
        );
      } else if (strategy === 'squash') {
        expect(await parents(main)).toBe(1);
        expect(await run(repo, 'rev-list', '--count', `${old}..${main}`)).toBe('1');
        const msg = await run(repo, 'log', '-1', '--format=%B', main);
        expect(msg).toMatch(/feature one[\s\S]*feature two/);
      } else {
        expect(await run(repo, 'rev-list', '--count', '--merges', `${old}..${main}`)).toBe('0');
        expect(await run(repo, 'log', '--reverse', '--format=%s|%an', `${old}..${main}`)).toBe(
          'feature one|Ada\nfeature two|Test',
        );
      }
    },
  );

  it('moves a target that is not checked out anywhere (compare-and-swap ref update)', async () => {
    const { wt } = await diverged();
    await run(repo, 'branch', 'release', wt.baseCommit);
    const r = await review.merge(wt, { strategy: 'merge', into: 'release' });
    expect(r.commit).toBe(await sha('release'));
    expect(await run(repo, 'log', '-1', '--format=%P', 'release')).toBe(
      `${wt.baseCommit} ${await sha('wtp/x')}`,
    );
    expect(await status(repo)).toBe('');
  });

  it('runs the test gate in the worktree: pass merges, fail merges nothing', async () => {
    const { wt, old } = await diverged();
    const fail = await rejection(
      review.merge(wt, { strategy: 'merge', testCommand: 'echo boom; ls; exit 3' }),
    );
    expect(fail.code).toBe('MERGE_TEST_FAILED');
    expect(fail.details).toMatchObject({ exitCode: 3, command: 'echo boom; ls; exit 3' });
    expect(fail.details.output).toContain('boom');
    expect(fail.details.output).toContain('feature.txt'); // cwd = the agent's worktree
    expect(await sha('main')).toBe(old);
    const ok = await review.merge(wt, { strategy: 'merge', testCommand: 'test -f feature.txt && echo fine' });
    expect(ok.test).toEqual({ command: 'test -f feature.txt && echo fine', exitCode: 0, output: 'fine\n' });
    expect(ok.commit).toBe(await sha('main'));
  });

  it('refuses a dirty target and changes nothing', async () => {
    const { wt, old } = await diverged();
    writeFileSync(join(repo, 'scratch.txt'), 'mine\n');
    const e = await rejection(review.merge(wt, { strategy: 'merge' }));
    expect(e.code).toBe('MERGE_TARGET_DIRTY');
    expect(e.details).toMatchObject({ target: 'main', files: ['scratch.txt'] });
    expect(await sha('main')).toBe(old);
    expect(readFileSync(join(repo, 'scratch.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(repo, 'feature.txt'))).toBe(false);
  });

  it.each(['merge', 'squash', 'rebase'] as const)(
    '%s: a conflict leaves the target exactly as it was',
    async (s) => {
      const wt = await worktree('x');
      await commit(wt.path, { 'a.txt': lines(10, ' agent') }, 'agent');
      await commit(repo, { 'a.txt': lines(10, ' main') }, 'main');
      const [old, before, content] = [
        await sha('main'),
        await status(repo),
        readFileSync(join(repo, 'a.txt'), 'utf8'),
      ];
      const e = await rejection(review.merge(wt, { strategy: s }));
      expect(e.code).toBe('MERGE_CONFLICT');
      expect(e.details.conflicts).toEqual(['a.txt']);
      expect(await sha('main')).toBe(old);
      expect(await status(repo)).toBe(before);
      expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe(content);
    },
  );

  it('rebase: a commit that conflicts on replay (though the whole merge is clean) merges nothing', async () => {
    const wt = await worktree('x');
    await commit(wt.path, { 'a.txt': lines(10, ' agent') }, 'try');
    await commit(wt.path, { 'a.txt': lines(10) }, 'undo');
    await commit(repo, { 'a.txt': lines(10, ' main') }, 'main');
    const old = await sha('main');
    const e = await rejection(review.merge(wt, { strategy: 'rebase' }));
    expect(e.code).toBe('MERGE_CONFLICT');
    expect(e.details).toMatchObject({
      conflicts: ['a.txt'],
      commit: await run(wt.path, 'rev-parse', 'HEAD~1'),
    });
    expect(await sha('main')).toBe(old);
    expect((await review.merge(wt, { strategy: 'merge' })).commit).toBe(await sha('main'));
  });

  it('rebase onto an unmoved target fast-forwards; merging again is a no-op', async () => {
    const wt = await worktree('x');
    await commit(wt.path, { 'f1.txt': '1\n' }, 'one');
    await commit(wt.path, { 'f2.txt': '2\n' }, 'two');
    const tip = await sha('wtp/x');
    expect((await review.merge(wt, { strategy: 'rebase' })).commit).toBe(tip);
    expect(await sha('main')).toBe(tip);
    expect(readFileSync(join(repo, 'f2.txt'), 'utf8')).toBe('2\n');
    expect(await review.merge(wt, { strategy: 'merge' })).toMatchObject({ ok: true, commit: tip });
    expect(await sha('main')).toBe(tip);
  });

  it('reports unknown targets and agents without a branch', async () => {
    const wt = await worktree('x');
    expect((await rejection(review.merge(wt, { strategy: 'merge', into: 'nope' }))).code).toBe(
      'GIT_REF_NOT_FOUND',
    );
    const inPlace = { ...wt, path: repo, branch: null };
    expect((await rejection(review.merge(inPlace, { strategy: 'merge' }))).code).toBe('INVALID_INPUT');
  });
});

describe('predict', () => {
  async function branch(name: string, files: Record<string, string | null>) {
    await run(repo, 'checkout', '-q', '-b', name, 'main');
    await commit(repo, files, name);
    await run(repo, 'checkout', '-q', 'main');
  }

  it('finds conflicts with hunks, clean overlaps, disjoint pairs and conflicts with the base', async () => {
    const base = await sha('main');
    await branch('a', {
      'a.txt': lines(10).replace('line 2\n', 'A2\n'),
      'b.txt': lines(10).replace('line 1\n', 'A\n'),
    });
    await branch('b', { 'a.txt': lines(10).replace('line 2\n', 'B2\n') });
    await branch('c', { 'b.txt': lines(10).replace('line 10\n', 'C\n') });
    await branch('d', { 'c.txt': 'd\n', 'old.txt': null });
    await commit(repo, { 'old.txt': lines(20).replace('line 5\n', 'main\n') }, 'main edits old.txt');

    const p = await review.predict(repo, ['a', 'b', 'c', 'd'], 'main');
    expect(p.map((x) => `${x.a}+${x.b}`)).toEqual([
      'a+b',
      'a+c',
      'a+d',
      'b+c',
      'b+d',
      'c+d',
      'a+main',
      'b+main',
      'c+main',
      'd+main',
    ]);
    const get = (a: string, b: string) => p.find((x) => x.a === a && x.b === b);
    expect(get('a', 'b')).toEqual({
      a: 'a',
      b: 'b',
      conflicts: [{ path: 'a.txt', kind: 'content', hunks: ['2-6'] }],
      overlapping: [],
    });
    expect(get('a', 'c')).toEqual({ a: 'a', b: 'c', conflicts: [], overlapping: ['b.txt'] });
    expect(get('b', 'd')).toEqual({ a: 'b', b: 'd', conflicts: [], overlapping: [] });
    expect(get('d', 'main')?.conflicts).toEqual([{ path: 'old.txt', kind: 'modify/delete', hunks: [] }]);
    expect(get('a', 'main')?.conflicts).toEqual([]);
    expect(await sha('main')).not.toBe(base);
    expect(await status(repo)).toBe('');

    const order = suggestMergeOrder(['a', 'b', 'c', 'd'], p);
    expect(order.order).toEqual(['c', 'a', 'b', 'd']);
  });

  it('reports unknown refs and folders outside a repository', async () => {
    expect((await rejection(review.predict(repo, ['nope'], 'main'))).code).toBe('GIT_REF_NOT_FOUND');
    expect((await rejection(review.predict(dir, ['a'], 'main'))).code).toBe('NOT_A_REPOSITORY');
  });
});
