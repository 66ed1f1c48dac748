import { gitRunner } from '../adapters/git/git-exec.js';
import { ownEnvironment } from '../config/env.js';
import { AppError } from '../core/errors.js';
import { repoKey } from '../protocol/url-credentials.js';
import type { WorkspaceView } from '../protocol/workspace.js';

/**
 * The `origin` remote of each workspace's repository, read with `git remote get-url` (no hook, no
 * configured program runs) and kept until asked again: the fleet claims tasks by these URLs.
 */
export class RepoRemotes {
  private byWorkspace = new Map<string, string>();

  constructor(private readonly workspaces: () => WorkspaceView[]) {}

  /** Reads every workspace's remote again. */
  async refresh(): Promise<void> {
    const next = new Map<string, string>();
    for (const ws of this.workspaces()) {
      const url = await remoteOf(ws);
      if (url !== null) next.set(ws.id, url);
    }
    this.byWorkspace = next;
  }

  /** Remote URL → the workspace that has it (the first, when several do). */
  repos(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [ws, url] of this.byWorkspace) if (!out.has(url)) out.set(url, ws);
    return out;
  }

  /** The remote URL of the workspace named (a fleet task needs one), read now if not known yet. */
  async repoOf(
    workspace: string | undefined,
    find: (ref: string) => WorkspaceView | undefined,
  ): Promise<string> {
    const ws = find(workspace ?? 'default');
    const url = ws ? (this.byWorkspace.get(ws.id) ?? (await remoteOf(ws))) : null;
    if (ws && url !== null) {
      this.byWorkspace.set(ws.id, url);
      return url;
    }
    throw new AppError(
      'INVALID_INPUT',
      `A task of the fleet names its repository by remote URL, and workspace "${workspace ?? 'default'}" has ${ws?.repoPath ? `no remote "origin" in ${ws.repoPath}` : 'no repository'}: pass --workspace of one whose repository has an origin remote.`,
      {
        issues: [
          { path: 'body.workspace', message: 'needs a repository with an origin remote (a fleet task)' },
        ],
      },
    );
  }
}

/**
 * `git remote get-url origin` of the workspace's repository as the fleet keys it (no credentials:
 * a token in the URL never reaches the fleet database); null when it has none.
 */
async function remoteOf(ws: WorkspaceView): Promise<string | null> {
  if (ws.repoPath === null) return null;
  const r = await gitRunner(ownEnvironment())(['remote', 'get-url', 'origin'], {
    cwd: ws.repoPath,
    timeoutMs: 5_000,
    okCodes: [1, 2, 128],
  }).catch(() => null);
  const url = r === null ? '' : repoKey(r.stdout);
  return r?.code === 0 && url !== '' ? url : null;
}
