import * as fs from 'node:fs';
import { resolve, sep } from 'node:path';

// Paths of repositories and worktrees, compared as the filesystem sees them (symlinks resolved).

export function tryRealpath(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

export function realTop(repo: string): string {
  return tryRealpath(repo) ?? resolve(repo);
}

export function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function samePath(a: string, b: string): boolean {
  return realTop(a) === realTop(b);
}

export function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.lstatSync(a);
    const sb = fs.lstatSync(b);
    return sa.isFile() && sb.isFile() && sa.size === sb.size && fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}
