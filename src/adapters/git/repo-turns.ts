import { existsSync } from 'node:fs';
import type { Git } from './git-exec.js';
import { realTop } from './repo-paths.js';

// git's worktree commands are not safe beside each other in one repository: `worktree add` fills
// .git/worktrees/<name>/ file by file, and a `worktree list` reading it half-filled fails ("failed
// to read …/commondir"), while a prune may remove it. Every command of the daemon that adds, lists,
// prunes or removes worktrees, or deletes a branch, takes its repository's turn here.

/** Per repository (its common git directory), the tail of its turns. */
const tails = new Map<string, Promise<unknown>>();

/** Runs `fn` once every earlier turn of `key` has ended (however it ended). Not reentrant. */
export function inRepoTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  const mine = before.then(fn);
  const tail = mine.catch(() => undefined); // a tail never rejects
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return mine;
}

/** The common git directory of the repository holding `folder` (one for all its worktrees), or null. */
export async function commonDirOf(git: Git, folder: string): Promise<string | null> {
  if (!existsSync(folder)) return null;
  const r = await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: folder,
    okCodes: [128],
  });
  return r.code === 0 && r.stdout.trim() !== '' ? realTop(r.stdout.trim()) : null;
}

/** `fn` in the turn of the repository holding `folder`; at once outside a repository (it reports that). */
export async function inTurnOf<T>(git: Git, folder: string, fn: () => Promise<T>): Promise<T> {
  const key = await commonDirOf(git, folder);
  return key === null ? fn() : inRepoTurn(key, fn);
}
