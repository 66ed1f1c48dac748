import { overlappingFiles } from '../../core/git/conflict-radar.js';
import type { PairPrediction } from '../../core/ports/git.js';
import type { Git } from './git-exec.js';

// `git merge-tree --write-tree` (git ≥ 2.38): predicted merges, their conflicts and hunks.

export type Conflict = PairPrediction['conflicts'][number];

/** Result of `git merge-tree --write-tree --name-only --messages -z`. */
export type TreeMerge = { tree: string; clean: boolean; conflicts: Conflict[] };

export async function predictPair(
  git: Git,
  repo: string,
  a: string,
  b: string,
  changed: (mergeBase: string, ref: string) => Promise<string[]>,
): Promise<PairPrediction> {
  const merged = await mergeTree(git, repo, [a, b]);
  for (const c of merged.conflicts) c.hunks = await markerRanges(git, repo, merged.tree, c.path);
  const mb = await git(['merge-base', a, b], { cwd: repo, okCodes: [1] });
  let overlapping: string[] = [];
  if (mb.code === 0) {
    const base = mb.stdout.trim();
    const [ca, cb] = await Promise.all([changed(base, a), changed(base, b)]);
    overlapping = overlappingFiles(
      ca,
      cb,
      merged.conflicts.map((c) => c.path),
    );
  }
  return { a, b, conflicts: merged.conflicts, overlapping };
}

/**
 * Whether everything `ref` changed since it forked off `target` is already in `target`, by any
 * strategy (a merge, a squash, a rebase, a cherry-pick): `ref` changed something since its fork
 * point, and merging it into `target` would leave `target`'s tree as it is. A change that reached the target and was reverted there since is not
 * landed (the merge would bring it back); one edited again on the target counts as not landed when
 * the merge conflicts (the cautious answer: nothing is removed on a guess).
 */
export async function workLanded(git: Git, repo: string, ref: string, target: string): Promise<boolean> {
  const targetTree = await git(['rev-parse', '--verify', '--quiet', `${target}^{tree}`], {
    cwd: repo,
    okCodes: [1],
  });
  if (targetTree.code !== 0) return false;
  // A branch whose commits change nothing in sum (a try and its undo) has landed nowhere: its
  // commits are all it has.
  const differs = await git(['diff', '--quiet', '--no-ext-diff', `${target}...${ref}`, '--'], {
    cwd: repo,
    okCodes: [1],
  });
  if (differs.code === 0) return false;
  const merged = await mergeTree(git, repo, [target, ref]);
  return merged.clean && merged.tree === targetTree.stdout.trim();
}

export async function mergeTree(git: Git, repo: string, sides: [string, string]): Promise<TreeMerge> {
  const r = await git(['merge-tree', '--write-tree', '--name-only', '--messages', '-z', ...sides], {
    cwd: repo,
    okCodes: [1],
  });
  const parsed = parseMergeTree(r.stdout);
  return { ...parsed, clean: r.code === 0 };
}

/** Parses `<tree>\0<conflicted path>\0…\0\0` then messages `<n>\0<path>×n\0<type>\0<text>\0`. */
export function parseMergeTree(out: string): { tree: string; conflicts: Conflict[] } {
  const t = out.split('\0');
  const tree = t[0] ?? '';
  let i = 1;
  const paths: string[] = [];
  while (i < t.length && t[i] !== '') paths.push(t[i++] as string);
  i++;
  const kinds = new Map<string, string>();
  while (i < t.length && /^\d+$/.test(t[i] ?? '')) {
    const n = Number(t[i]);
    const msgPaths = t.slice(i + 1, i + 1 + n);
    const type = t[i + 1 + n] ?? '';
    i += n + 3;
    const m = /^CONFLICT \((.+)\)$/.exec(type);
    if (!m) continue;
    const kind = m[1] === 'contents' ? 'content' : (m[1] as string);
    for (const p of msgPaths) if (!kinds.has(p) || kinds.get(p) === 'content') kinds.set(p, kind);
  }
  const unique = [...new Set(paths)];
  return { tree, conflicts: unique.map((path) => ({ path, kind: kinds.get(path) ?? 'content', hunks: [] })) };
}

/** Line ranges ("12-20") of the conflict markers in a file of a merge-tree result. */
export async function markerRanges(git: Git, repo: string, tree: string, path: string): Promise<string[]> {
  const r = await git(['cat-file', '-p', `${tree}:${path}`], { cwd: repo, okCodes: [128] });
  if (r.code !== 0 || r.stdout.includes('\0')) return [];
  const ranges: string[] = [];
  let start = 0;
  r.stdout.split('\n').forEach((line, n) => {
    if (line.startsWith('<<<<<<<') && start === 0) start = n + 1;
    else if (line.startsWith('>>>>>>>') && start !== 0) {
      ranges.push(`${start}-${n + 1}`);
      start = 0;
    }
  });
  return ranges;
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function split0(s: string): string[] {
  return s.split('\0').filter((x) => x !== '');
}
