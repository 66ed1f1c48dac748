import {
  closeSync,
  constants,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { AgentWorktree, WorktreeSnapshot } from '../../core/ports/git.js';
import type { Git } from './git-exec.js';
import { workLanded } from './merge-tree.js';

/**
 * A snapshot commit's identity and dates are fixed: the same worktree state on the same HEAD is the
 * same commit, so repeated radar passes over an unchanged worktree add no objects.
 */
const SNAPSHOT_ENV = {
  GIT_AUTHOR_NAME: 'wezterm-parallel',
  GIT_AUTHOR_EMAIL: 'wtp@localhost',
  GIT_AUTHOR_DATE: '2000-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'wezterm-parallel',
  GIT_COMMITTER_EMAIL: 'wtp@localhost',
  GIT_COMMITTER_DATE: '2000-01-01T00:00:00Z',
};

/**
 * The worktree as it is, for the conflict radar, without touching the agent's index or files (the
 * agent may be writing both): its index is copied (git replaces an index by renaming a new file
 * over it, so the copy is the old or the new one, whole) into a private GIT_INDEX_FILE, `add -A`
 * and `write-tree` run on the copy, and only when that tree differs from HEAD's is it committed
 * (parent HEAD). Objects go into the shared object store; no ref, index or file of the agent's
 * changes. `changed`: `diff --quiet base...ref` (from the fork point) finds a difference.
 */
export async function snapshotWorktree(git: Git, wt: AgentWorktree, base: string): Promise<WorktreeSnapshot> {
  try {
    return await snapshotOf(git, wt, base);
  } catch {
    // A worktree gone or broken: its branch is still there to compare, as it was committed.
    const ref = wt.branch ?? wt.baseCommit;
    const diff = await git(['diff', '--quiet', '--no-ext-diff', `${base}...${ref}`, '--'], {
      cwd: wt.repo,
      okCodes: [1],
    });
    return changes(git, wt.repo, ref, base, false, diff.code === 1);
  }
}

async function snapshotOf(git: Git, wt: AgentWorktree, base: string): Promise<WorktreeSnapshot> {
  const cwd = wt.path;
  const rp = await git(['rev-parse', '--git-path', 'index', 'HEAD', 'HEAD^{tree}'], { cwd });
  const [indexPath = '', head = '', headTree = ''] = rp.stdout.trim().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'wtp-radar-'));
  try {
    const privateIndex = join(dir, 'index');
    const env = { GIT_INDEX_FILE: privateIndex, GIT_OPTIONAL_LOCKS: '0' };
    try {
      copyIndex(isAbsolute(indexPath) ? indexPath : join(cwd, indexPath), privateIndex);
    } catch {
      await git(['read-tree', head], { cwd, env }); // no index yet: start from HEAD
    }
    await git(['add', '-A'], { cwd, env });
    const tree = (await git(['write-tree'], { cwd, env })).stdout.trim();
    const uncommitted = tree !== headTree;
    const ref = uncommitted
      ? (
          await git(['commit-tree', tree, '-p', head, '-m', 'wezterm-parallel: worktree snapshot (radar)'], {
            cwd,
            env: SNAPSHOT_ENV,
          })
        ).stdout.trim()
      : (wt.branch ?? head);
    const diff = await git(['diff', '--quiet', '--no-ext-diff', `${base}...${ref}`, '--'], {
      cwd,
      okCodes: [1],
    });
    return await changes(git, cwd, ref, base, uncommitted, diff.code === 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A copy of an index with the original's times. Git re-reads an entry whose file changed in the
 * second the index was written ("racy"): judged by the index file's mtime, which a plain copy
 * moves to now, so an edit of the same size in that second went unseen. Times and bytes come from
 * one open file (git replaces the index by rename).
 */
export function copyIndex(from: string, to: string): void {
  // The agent writes its worktree's git folder: a link or a FIFO at the index's name is refused
  // (never followed, never waited on), and the copy goes by chunks (no size held in memory).
  const fd = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${from} is not a regular file`);
    const out = openSync(to, 'wx', 0o600);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) writeSync(out, buf, 0, n);
    } finally {
      closeSync(out);
    }
    utimesSync(to, st.atime, st.mtime);
  } finally {
    closeSync(fd);
  }
}

/** A ref that differs from its fork point but whose work is all in the base already (squash-merged) has nothing to merge. */
async function changes(
  git: Git,
  cwd: string,
  ref: string,
  base: string,
  uncommitted: boolean,
  differs: boolean,
): Promise<WorktreeSnapshot> {
  const landed = differs && (await workLanded(git, cwd, ref, base));
  return { ref, uncommitted, changed: differs && !landed, landed };
}
