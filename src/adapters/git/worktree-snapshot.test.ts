import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentWorktree } from '../../core/ports/git.js';
import { gitRunner } from './git-exec.js';
import { CliGitReview } from './git-review.js';
import { addAgentWorktree } from '../../../test/support/worktree-rig.js';

const git = gitRunner(process.env);
const review = new CliGitReview({ gitEnv: process.env });
let dir: string;
let repo: string;

const run = async (cwd: string, ...args: string[]) => (await git(args, { cwd })).stdout.trim();
const lines = (n: number, tag = '') =>
  Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join('\n') + '\n';

const worktree = async (name: string): Promise<AgentWorktree> => addAgentWorktree(repo, dir, name);

/** Everything of a worktree the agent owns: its index (bytes and mtime), its status, every ref. */
async function agentSide(wt: AgentWorktree) {
  const index = await run(wt.path, 'rev-parse', '--git-path', 'index');
  const file = index.startsWith('/') ? index : join(wt.path, index);
  return {
    index: readFileSync(file).toString('base64'),
    mtime: statSync(file).mtimeMs,
    status: await run(wt.path, '--no-optional-locks', 'status', '--porcelain', '--untracked-files=all'),
    refs: await run(repo, 'for-each-ref'),
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-snapshot-'));
  repo = join(dir, 'repo');
  await git(['init', '-q', '-b', 'main', repo], { cwd: dir });
  await run(repo, 'config', 'user.name', 'Test');
  await run(repo, 'config', 'user.email', 'test@example.com');
  writeFileSync(join(repo, 'app.txt'), lines(10));
  await run(repo, 'add', '-A');
  await run(repo, 'commit', '-q', '-m', 'init');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('snapshot: a worktree as it is, for the radar', () => {
  it('an index the agent replaced by a FIFO or a link: never waited on or followed, read from HEAD', async () => {
    const wt = await worktree('odd');
    writeFileSync(join(wt.path, 'new.txt'), 'new\n');
    const index = join(repo, '.git', 'worktrees', 'odd', 'index');
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'not an index\n');
    for (const plant of [() => execFileSync('mkfifo', [index]), () => symlinkSync(secret, index)]) {
      rmSync(index, { force: true });
      plant();
      const [snap] = await review.snapshot([wt], 'main');
      expect(snap).toMatchObject({ uncommitted: true, changed: true });
      const diff = await review.diff(wt, { stat: true });
      expect(diff.files.map((f) => f.path)).toEqual(['new.txt']);
    }
  });

  it('sees an edit of the same size made in the second its index was written (git’s racy entry)', async () => {
    const wt = await worktree('racy');
    const file = join(wt.path, 'app.txt');
    const index = join(repo, '.git', 'worktrees', 'racy', 'index');
    const sec = (ms: number): number => Math.floor(ms / 1000);
    // The edit lands in the index's second (tried again in the rare case a second ended between them).
    for (let i = 0; ; i++) {
      writeFileSync(file, lines(10, ' a'));
      await run(wt.path, 'add', 'app.txt');
      writeFileSync(file, lines(10, ' b'));
      if (sec(statSync(file).ctimeMs) === sec(statSync(index).mtimeMs) || i >= 5) break;
    }
    expect(sec(statSync(file).ctimeMs)).toBe(sec(statSync(index).mtimeMs));
    // The snapshot's copy is made in a later second.
    await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1000)));
    const [snap] = await review.snapshot([wt], 'main');
    expect(snap).toMatchObject({ uncommitted: true, changed: true });
    expect(await run(repo, 'show', `${snap?.ref}:app.txt`)).toBe(lines(10, ' b').trim());
  });

  it('a new branch has no changes; a clean one with commits is its branch', async () => {
    const [fresh, done] = [await worktree('fresh'), await worktree('done')];
    writeFileSync(join(done.path, 'app.txt'), lines(10, ' done'));
    await run(done.path, 'commit', '-qam', 'done');
    expect(await review.snapshot([fresh, done], 'main')).toEqual([
      { ref: 'wtp/fresh', uncommitted: false, changed: false, landed: false },
      { ref: 'wtp/done', uncommitted: false, changed: true, landed: false },
    ]);
  });

  it('a branch squash-merged into the base has landed: nothing to compare or merge', async () => {
    const wt = await worktree('sq');
    writeFileSync(join(wt.path, 'app.txt'), lines(10, ' agent'));
    await run(wt.path, 'commit', '-qam', 'agent work');
    await run(repo, 'merge', '-q', '--squash', 'wtp/sq');
    await run(repo, 'commit', '-q', '-m', 'squashed');
    expect(await review.snapshot([wt], 'main')).toEqual([
      { ref: 'wtp/sq', uncommitted: false, changed: false, landed: true },
    ]);
    // Its diff says the same: nothing left to merge.
    expect(await review.diff(wt, { stat: false })).toMatchObject({ files: [], patch: '', landed: true });
    // Work after it shows again, against the fork point as before.
    writeFileSync(join(wt.path, 'more.txt'), 'more\n');
    const after = await review.diff(wt, { stat: true });
    expect(after.landed).toBe(false);
    expect(after.files.map((f) => f.path).sort()).toEqual(['app.txt', 'more.txt']);
  });

  it('a branch whose commits are not all in the base is not landed: its diff is whole', async () => {
    const wt = await worktree('part');
    writeFileSync(join(wt.path, 'app.txt'), lines(10, ' agent'));
    await run(wt.path, 'commit', '-qam', 'agent work');
    expect(await review.diff(wt, { stat: true })).toMatchObject({
      landed: false,
      files: [{ path: 'app.txt' }],
    });
  });

  it('modified, staged and untracked files go into a commit on HEAD; the agent’s index, files and refs stay as they were', async () => {
    const wt = await worktree('x');
    writeFileSync(join(wt.path, 'app.txt'), lines(10, ' edited'));
    writeFileSync(join(wt.path, 'staged.txt'), 'staged\n');
    await run(wt.path, 'add', 'staged.txt');
    writeFileSync(join(wt.path, 'new.txt'), 'untracked\n');
    const before = await agentSide(wt);
    const [snap] = await review.snapshot([wt], 'main');
    expect(snap).toMatchObject({ uncommitted: true, changed: true, landed: false });
    const ref = snap?.ref ?? '';
    expect(await run(repo, 'rev-parse', `${ref}^`)).toBe(await run(wt.path, 'rev-parse', 'HEAD'));
    expect(await run(repo, 'show', `${ref}:app.txt`)).toBe(lines(10, ' edited').trimEnd());
    expect(await run(repo, 'show', `${ref}:staged.txt`)).toBe('staged');
    expect(await run(repo, 'show', `${ref}:new.txt`)).toBe('untracked');
    expect(await agentSide(wt)).toEqual(before);
    // The same state is the same commit: passes over an unchanged worktree add nothing.
    expect((await review.snapshot([wt], 'main'))[0]?.ref).toBe(ref);
  });

  it('two agents editing the same line, neither committed: the prediction is a conflict', async () => {
    const [a, b] = [await worktree('a'), await worktree('b')];
    writeFileSync(join(a.path, 'app.txt'), lines(10).replace('line 2\n', 'A\n'));
    writeFileSync(join(b.path, 'app.txt'), lines(10).replace('line 2\n', 'B\n'));
    const snaps = await review.snapshot([a, b], 'main');
    const refs = snaps.map((s) => s.ref);
    const [ab] = await review.predict(repo, refs, 'main');
    expect(ab?.conflicts.map((c) => c.path)).toEqual(['app.txt']);
    expect(await run(repo, 'for-each-ref', '--format=%(refname)')).toBe(
      'refs/heads/main\nrefs/heads/wtp/a\nrefs/heads/wtp/b',
    );
  });

  it('a worktree folder that is gone: its branch, as committed', async () => {
    const wt = await worktree('gone');
    writeFileSync(join(wt.path, 'app.txt'), lines(10, ' gone'));
    await run(wt.path, 'commit', '-qam', 'gone');
    rmSync(wt.path, { recursive: true, force: true });
    expect(await review.snapshot([wt], 'main')).toEqual([
      { ref: 'wtp/gone', uncommitted: false, changed: true, landed: false },
    ]);
  });

  it('uncommitted edits that undo the branch’s commits leave nothing to merge', async () => {
    const wt = await worktree('undo');
    writeFileSync(join(wt.path, 'app.txt'), lines(10, ' tried'));
    await run(wt.path, 'commit', '-qam', 'try');
    writeFileSync(join(wt.path, 'app.txt'), lines(10));
    expect(await review.snapshot([wt], 'main')).toEqual([
      { ref: expect.stringMatching(/^[0-9a-f]{40}$/), uncommitted: true, changed: false, landed: false },
    ]);
  });
});
