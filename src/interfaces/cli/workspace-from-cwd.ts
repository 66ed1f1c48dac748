import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { appError } from '../../protocol/error-messages.js';
import type { WorkspaceView } from '../../protocol/workspace.js';

/** The top level of the git repository `dir` is in (the nearest folder up holding `.git`), or null. */
export function gitTopLevel(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return null;
  }
}

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * The workspace a command run in `cwd` means when it names none, as `gh` infers the repository:
 * the one whose folder is the git repository `cwd` is in (its top level), or `cwd` itself.
 * Refuses with WORKSPACE_AMBIGUOUS when several are, and with WORKSPACE_REQUIRED (saying how to
 * make one) when none is; `usage` is the command to run then, e.g. `wtp task add … --workspace NAME`.
 */
export function workspaceForCwd(
  cwd: string,
  workspaces: readonly Pick<WorkspaceView, 'name' | 'repoPath'>[],
  usage: string,
): string {
  const here = real(cwd);
  const top = gitTopLevel(here);
  const folders = new Set([here, ...(top === null ? [] : [top])]);
  const hits = workspaces.filter((w) => w.repoPath !== null && folders.has(real(w.repoPath)));
  const where = top === null ? here : top;
  if (hits.length > 1) {
    const candidates = hits.map((w) => w.name);
    throw appError('WORKSPACE_AMBIGUOUS', { cwd: here, candidates, folder: where });
  }
  const [hit] = hits;
  if (hit) return hit.name;
  throw appError('WORKSPACE_REQUIRED', {
    cwd: here,
    repository: top,
    workspaces: workspaces.map((w) => ({ name: w.name, folder: w.repoPath })),
    usage,
  });
}
