import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { AgentDiff, AgentWorktree, DiffFile } from '../../core/ports/git.js';
import type { Git } from './git-exec.js';
import { split0, workLanded } from './merge-tree.js';
import { copyIndex } from './worktree-snapshot.js';

const STATUS: Record<string, DiffFile['status']> = { A: 'added', C: 'added', D: 'deleted', R: 'renamed' };
const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M'];

/**
 * The agent's work against its base, committed, uncommitted and untracked (`wtp diff`), staged
 * into a private copy of its index: no index, ref or file of the agent's changes.
 */
export async function agentDiff(git: Git, wt: AgentWorktree, opts: { stat: boolean }): Promise<AgentDiff> {
  // Three rounds of git, each run at once (every process start costs on a busy machine):
  // where the worktree is and its index, with the merge base; the work staged into a private index,
  // with the untracked files listed; then the diff.
  if (!existsSync(wt.path)) throw notARepository(wt.path);
  const [where, mb] = await Promise.all([
    git(['rev-parse', '--show-toplevel', '--git-path', 'index'], { cwd: wt.path, okCodes: [128] }),
    wt.branch === null
      ? null
      : git(['merge-base', `${wt.base}^{commit}`, 'HEAD'], { cwd: wt.path, okCodes: [1, 128] }),
  ]);
  if (where.code !== 0) throw notARepository(wt.path);
  const [top = '', indexPath = ''] = where.stdout.split('\n');
  let mergeBase = wt.baseCommit;
  if (mb?.code === 0) mergeBase = mb.stdout.trim();
  else if (mb?.code === 1) {
    // No history in common with the work: against the base's commit.
    mergeBase = (await commitOf(git, wt.path, wt.base)) ?? wt.baseCommit;
  } else if (mb) {
    // The base branch is gone: from the commit the agent started on.
    const r = await git(['merge-base', wt.baseCommit, 'HEAD'], { cwd: wt.path, okCodes: [1, 128] });
    if (r.code === 0) mergeBase = r.stdout.trim();
  }
  const realIndex = isAbsolute(indexPath) ? indexPath : join(wt.path, indexPath);
  const dir = mkdtempSync(join(tmpdir(), 'wtp-index-'));
  try {
    const index = join(dir, 'index');
    const env = { GIT_INDEX_FILE: index };
    try {
      copyIndex(realIndex, index);
    } catch {
      await git(['read-tree', 'HEAD'], { cwd: wt.path, env }); // none, or not a file: from HEAD
    }
    const before = join(dir, 'before');
    copyFileSync(index, before);
    const [, others] = await Promise.all([
      git(['add', '-A'], { cwd: top, env }),
      // On a copy as it was before the add: git never opens the agent's own index (a FIFO there waits).
      git(['ls-files', '--others', '--exclude-standard', '--full-name', '-z'], {
        cwd: top,
        env: { GIT_INDEX_FILE: before },
      }),
    ]);
    // All of it committed and all of that in the base already (squash-merged): nothing to show.
    if (wt.branch !== null) {
      const [tree, hd] = await Promise.all([
        git(['write-tree'], { cwd: wt.path, env }),
        git(['rev-parse', 'HEAD', 'HEAD^{tree}'], { cwd: wt.path, okCodes: [128] }),
      ]);
      const [head = '', headTree = ''] = hd.stdout.trim().split('\n');
      const clean = hd.code === 0 && head !== mergeBase && tree.stdout.trim() === headTree;
      if (clean && (await workLanded(git, wt.path, 'HEAD', wt.base)))
        return { base: wt.base, mergeBase, files: [], patch: '', landed: true };
    }
    const run = (args: string[]) =>
      git(['diff', '--cached', ...DIFF_FLAGS, ...args, mergeBase], { cwd: wt.path, env });
    const [numstat, names, patch] = await Promise.all([
      run(['--numstat', '-z']),
      run(['--name-status', '-z']),
      opts.stat ? Promise.resolve({ stdout: '' }) : run([]),
    ]);
    const files = parseDiff(names.stdout, numstat.stdout, new Set(split0(others.stdout)));
    return { base: wt.base, mergeBase, files, patch: patch.stdout, landed: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseDiff(nameStatus: string, numstat: string, untracked: Set<string>): DiffFile[] {
  const counts = new Map<string, [number, number]>();
  const n = numstat.split('\0');
  for (let i = 0; i < n.length; i++) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(n[i] ?? '');
    if (!m) continue;
    let path = m[3] as string;
    if (path === '') {
      path = n[i + 2] ?? ''; // rename: "\0old\0new"
      i += 2;
    }
    counts.set(path, [m[1] === '-' ? 0 : Number(m[1]), m[2] === '-' ? 0 : Number(m[2])]);
  }
  const files: DiffFile[] = [];
  const t = nameStatus.split('\0');
  for (let i = 0; i + 1 < t.length;) {
    const code = (t[i] ?? '').charAt(0);
    if (code === '') break;
    const two = code === 'R' || code === 'C';
    const oldPath = t[i + 1] as string;
    const path = two ? (t[i + 2] ?? '') : oldPath;
    i += two ? 3 : 2;
    const [insertions, deletions] = counts.get(path) ?? [0, 0];
    const status = code === 'A' && untracked.has(path) ? 'untracked' : (STATUS[code] ?? 'modified');
    files.push({ path, status, insertions, deletions, ...(code === 'R' ? { oldPath } : {}) });
  }
  return files;
}

/** The commit a ref names, or null when there is none. */
export async function commitOf(git: Git, cwd: string, ref: string): Promise<string | null> {
  const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    cwd,
    okCodes: [1, 128],
  });
  return r.code === 0 ? r.stdout.trim() : null;
}

export const notARepository = (path: string): AppError => appError('NOT_A_REPOSITORY', { path });
