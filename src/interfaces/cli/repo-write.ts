import { lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { appError } from '../../protocol/error-messages.js';

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/** Where a link points, resolved as far as it exists (a dangling link: where it would lead). */
function linkTarget(link: string): string {
  try {
    return realpathSync(link);
  } catch {
    return resolve(dirname(link), readlinkSync(link));
  }
}

function refuse(path: string, link: string, target: string): never {
  throw appError('PATH_OUTSIDE_REPOSITORY', { path, link, target });
}

/**
 * The file `rel` inside the folder `root` (a repository's top level), if it can be written without
 * leaving it: a folder on the way that is a symbolic link must lead inside `root`, and
 * the file itself must not be one (a link would take the write to its target: a committed
 * `.wezterm-parallel -> /elsewhere`, or `config.yaml -> ~/.bashrc`); PATH_OUTSIDE_REPOSITORY
 * otherwise. Makes nothing. Returns the path and whether a file is there.
 */
export function repositoryPath(root: string, rel: string): { path: string; exists: boolean } {
  const top = realpathSync(root);
  const path = join(top, rel);
  let dir = top;
  for (const part of dirname(rel)
    .split(sep)
    .filter((p) => p !== '' && p !== '.')) {
    dir = join(dir, part);
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st === undefined) return { path, exists: false };
    if (st.isSymbolicLink()) {
      const target = linkTarget(dir);
      if (!inside(top, target)) refuse(path, dir, target);
    }
  }
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) refuse(path, path, linkTarget(path));
  return { path, exists: st !== undefined };
}

/**
 * Writes `text` to `rel` inside `root`, checked as `repositoryPath` checks it: missing folders
 * are made one by one, and the file is written beside itself and renamed into place (a rename
 * replaces a name, it never follows one).
 */
export function writeInRepository(root: string, rel: string, text: string): void {
  const top = realpathSync(root);
  let dir = top;
  for (const part of dirname(rel)
    .split(sep)
    .filter((p) => p !== '' && p !== '.')) {
    dir = join(dir, part);
    if (lstatSync(dir, { throwIfNoEntry: false }) === undefined) mkdirSync(dir);
  }
  const { path } = repositoryPath(top, rel);
  // The folder the file goes in, as it really is now, must be the repository's.
  const real = realpathSync(dirname(path));
  if (!inside(top, real)) refuse(path, dirname(path), real);
  const tmp = join(dirname(path), `.${process.pid}.wtp-tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}
