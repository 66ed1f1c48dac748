import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type * as P from '../../core/ports/git.js';
import { gitRunner, type Git, type GitEnv } from './git-exec.js';
import { inside, sameFile, samePath, tryRealpath } from './repo-paths.js';
import { SetupScripts, type SetupScriptOptions } from './setup-script.js';
import { workLanded } from './merge-tree.js';
import { inTurnOf } from './repo-turns.js';

export interface CliGitWorktreesOptions extends SetupScriptOptions {
  /** Where new worktrees go, e.g. `<state>/worktrees` (outside every repository). */
  worktreesDir: string;
  /** What git runs with: the daemon's own environment. */
  gitEnv: GitEnv;
}

const BRANCH_PREFIX = 'wtp/';
type ListedWorktree = { path: string; branch: string | null; bare: boolean };

/**
 * The real-git implementation of the GitWorktrees port (argument arrays only, via `this.git()`): worktree
 * provisioning, loss checks, removal and disk use here; the setup script in `SetupScripts`.
 */
export class CliGitWorktrees implements P.GitWorktrees {
  private readonly setup: SetupScripts;
  private readonly git: Git;

  constructor(private readonly o: CliGitWorktreesOptions) {
    this.setup = new SetupScripts(o);
    this.git = gitRunner(o.gitEnv);
  }

  provision(req: P.ProvisionRequest): Promise<P.AgentWorktree> {
    // Agents created at once in one repository take turns (see repo-turns.ts), from the first list.
    return inTurnOf(this.git, req.repo, async () => this.provisionIn(await this.topLevel(req.repo), req));
  }

  private async provisionIn(top: string, req: P.ProvisionRequest): Promise<P.AgentWorktree> {
    const current = await this.git(['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: top, okCodes: [1] });
    const currentBranch = current.code === 0 ? current.stdout.trim() : null;
    if (req.base === undefined && currentBranch === null && !req.noWorktree && req.branch === undefined)
      throw appError('GIT_DETACHED_HEAD', { repo: top });
    const base = req.base ?? currentBranch ?? 'HEAD';
    const baseCommit = await this.commitOf(top, base);
    const common = { repo: top, base, baseCommit, portStart: req.portStart, portCount: req.portCount };
    if (req.noWorktree) return { ...common, path: top, branch: null, owned: false };

    await this.git(['worktree', 'prune'], { cwd: top });
    const branch = req.branch ?? BRANCH_PREFIX + req.agentName;
    const exists = await this.branchExists(top, branch);
    if (req.branch !== undefined && !exists)
      throw appError('GIT_REF_NOT_FOUND', { ref: branch, branch, repo: top });
    const list = req.branch === undefined ? [] : await this.worktreeList(top);
    const holder = list.find((w) => w.branch === `refs/heads/${branch}`)?.path ?? null;
    if (holder !== null || (req.branch === undefined && exists))
      throw appError('GIT_BRANCH_TAKEN', { branch, worktree: holder });

    const hash = createHash('sha256').update(top).digest('hex').slice(0, 8);
    const dir = join(this.o.worktreesDir, `${basename(top)}-${hash}`, req.agentName);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
      throw appError('WORKTREE_DIRTY', { path: dir, uncommitted: [], unmergedCommits: [] });
    fs.mkdirSync(dirname(dir), { recursive: true });
    const args =
      req.branch !== undefined
        ? ['worktree', 'add', dir, branch]
        : ['worktree', 'add', '--no-track', '-b', branch, dir, baseCommit];
    await this.git(args, { cwd: top });
    const wt: P.AgentWorktree = { ...common, path: dir, branch, owned: true };
    try {
      // Submodules wait for approval: initSubmodules, once the core checked it.
      await this.copyIncluded(top, dir);
    } catch (err) {
      await this.git(['worktree', 'remove', '--force', dir], { cwd: top }).catch(() => undefined);
      await this.git(['worktree', 'prune'], { cwd: top }).catch(() => undefined);
      if (req.branch === undefined)
        await this.git(['branch', '-D', branch], { cwd: top }).catch(() => undefined);
      throw err;
    }
    return wt;
  }

  setupScript(repo: string): P.SetupScript | null {
    return this.setup.setupScript(repo);
  }

  approveSetup(repo: string, hash: string): void {
    this.setup.approveSetup(repo, hash);
  }

  async submodules(folder: string): Promise<P.Submodules | null> {
    const top = await this.git(['rev-parse', '--show-toplevel'], { cwd: folder, okCodes: [128] });
    if (top.code !== 0) return null;
    const dir = top.stdout.trim();
    if (!fs.existsSync(join(dir, '.gitmodules'))) return null;
    // Read as git reads it, from the file alone (no include, no fetch): name, path and URL.
    const r = await this.git(
      ['config', '--file', '.gitmodules', '--null', '--get-regexp', String.raw`^submodule\..*\.(path|url)$`],
      { cwd: dir, okCodes: [1] },
    );
    const byName = new Map<string, { name: string; path: string; url: string }>();
    for (const rec of r.stdout.split('\0')) {
      const nl = rec.indexOf('\n');
      if (nl < 0) continue;
      const m = /^submodule\.(.*)\.(path|url)$/.exec(rec.slice(0, nl));
      if (!m?.[1] || !m[2]) continue;
      const e = byName.get(m[1]) ?? { name: m[1], path: '', url: '' };
      e[m[2] as 'path' | 'url'] = rec.slice(nl + 1);
      byName.set(m[1], e);
    }
    const entries = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const repo = await inTurnOf(this.git, dir, () => this.topLevel(dir));
    const hash = createHash('sha256')
      .update(`wtp-submodules/1\0${JSON.stringify(entries.map((e) => [e.name, e.path, e.url]))}`)
      .digest('hex');
    return { repo, entries, hash, approved: this.setup.approved(repo, hash) };
  }

  async initSubmodules(wt: P.AgentWorktree): Promise<void> {
    if (!wt.owned || !fs.existsSync(join(wt.path, '.gitmodules'))) return;
    await this.git(['submodule', 'update', '--init', '--recursive'], {
      cwd: wt.path,
      timeoutMs: 30 * 60_000,
    });
  }

  runSetup(wt: P.AgentWorktree, env: Record<string, string>, progress: P.SetupProgress): Promise<void> {
    return this.setup.runSetup(wt, env, progress);
  }

  async wouldLose(wt: P.AgentWorktree, merged: readonly string[] = []): Promise<P.WorktreeLoss> {
    const loss: P.WorktreeLoss = { uncommitted: [], unmergedCommits: [] };
    if (!wt.owned || !fs.existsSync(wt.repo)) return loss;
    for (const { xy, path } of await this.status(wt.path)) {
      if (xy === '??' && sameFile(join(wt.path, path), join(wt.repo, path))) continue; // copied, unchanged
      loss.uncommitted.push(path);
    }
    const branch = wt.branch;
    if (branch === null || !branch.startsWith(BRANCH_PREFIX) || !(await this.branchExists(wt.repo, branch)))
      return loss;
    const refs = await this.git(['for-each-ref', '--format=%(refname)', 'refs/heads/'], { cwd: wt.repo });
    const others = refs.stdout.split('\n').filter((r) => r !== '' && r !== `refs/heads/${branch}`);
    const base = (await this.tryCommit(wt.repo, wt.baseCommit)) ?? (await this.tryCommit(wt.repo, wt.base));
    const mergedHere: string[] = [];
    for (const m of merged) {
      const sha = await this.tryCommit(wt.repo, m);
      if (sha !== null) mergedHere.push(sha);
    }
    const not = ['--not', ...(base ? [base] : []), ...mergedHere, '--remotes', ...others, '--'];
    const log = await this.git(['log', '--format=%H%x00%s', `refs/heads/${branch}`, ...not], {
      cwd: wt.repo,
    });
    const unmerged: P.WorktreeLoss['unmergedCommits'] = [];
    for (const line of log.stdout.split('\n')) {
      const [sha, subject] = line.split('\0');
      if (sha) unmerged.push({ sha, subject: subject ?? '' });
    }
    // Commits not reachable from the base may still have landed there whole (a squash merge, a
    // rebase, a cherry-pick): then removing the branch loses nothing.
    if (unmerged.length > 0 && !(await workLanded(this.git, wt.repo, `refs/heads/${branch}`, wt.base)))
      loss.unmergedCommits.push(...unmerged);
    return loss;
  }

  async remove(wt: P.AgentWorktree, force: boolean): Promise<void> {
    if (!wt.owned || !fs.existsSync(wt.repo)) return;
    if (!force) {
      const loss = await this.wouldLose(wt);
      const [fileCount, commitCount] = [loss.uncommitted.length, loss.unmergedCommits.length];
      if (fileCount + commitCount > 0)
        throw appError('WORKTREE_DIRTY', {
          path: wt.path,
          branch: wt.branch,
          ...loss,
          fileCount,
          commitCount,
        });
    }
    await inTurnOf(this.git, wt.repo, async () => {
      const registered = (await this.worktreeList(wt.repo)).some((w) => samePath(w.path, wt.path));
      // Checked above (or forced): --force also lets git remove worktrees holding submodules.
      if (registered && fs.existsSync(wt.path))
        await this.git(['worktree', 'remove', '--force', wt.path], { cwd: wt.repo });
      await this.git(['worktree', 'prune'], { cwd: wt.repo });
      const branch = wt.branch;
      if (branch?.startsWith(BRANCH_PREFIX) && (await this.branchExists(wt.repo, branch)))
        await this.git(['branch', '-D', branch], { cwd: wt.repo });
    });
  }

  async diskUsage(path: string): Promise<number> {
    const st = await lstat(path).catch(() => null);
    if (!st?.isDirectory()) return st?.isFile() ? st.size : 0;
    let total = 0;
    for (const name of await readdir(path).catch(() => [])) {
      if (name !== '.git') total += await this.diskUsage(join(path, name));
    }
    return total;
  }

  /** The main worktree's top level of the repository holding `folder` (in its turn: it lists). */
  private async topLevel(folder: string): Promise<string> {
    const notRepo = (reason: string): AppError => appError('NOT_A_REPOSITORY', { path: folder, reason });
    if (!fs.existsSync(folder)) throw notRepo('the folder does not exist');
    const bare = await this.git(['rev-parse', '--is-bare-repository'], { cwd: folder, okCodes: [128] });
    if (bare.code !== 0) throw notRepo('no .git found');
    if (bare.stdout.trim() === 'true') throw notRepo('it is a bare repository, without a working tree');
    const top = await this.git(['rev-parse', '--show-toplevel'], { cwd: folder, okCodes: [128] });
    if (top.code !== 0 || top.stdout.trim() === '') throw notRepo('not in a working tree');
    // From inside a linked worktree (or an agent's), use the main worktree.
    const main = (await this.worktreeList(top.stdout.trim()))[0];
    return main && !main.bare ? main.path : top.stdout.trim();
  }

  /** The repository's worktrees; only in its turn (a half-added one fails the list). */
  private async worktreeList(cwd: string): Promise<ListedWorktree[]> {
    const r = await this.git(['worktree', 'list', '--porcelain', '-z'], { cwd });
    const out: ListedWorktree[] = [];
    for (const field of r.stdout.split('\0')) {
      if (field.startsWith('worktree ')) out.push({ path: field.slice(9), branch: null, bare: false });
      const last = out[out.length - 1];
      if (!last) continue;
      if (field.startsWith('branch ')) last.branch = field.slice(7);
      if (field === 'bare') last.bare = true;
    }
    return out;
  }

  private async tryCommit(cwd: string, ref: string): Promise<string | null> {
    const r = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd,
      okCodes: [1, 128],
    });
    return r.code === 0 ? r.stdout.trim() : null;
  }

  private async commitOf(cwd: string, ref: string): Promise<string> {
    const sha = await this.tryCommit(cwd, ref);
    if (sha !== null) return sha;
    throw appError('GIT_REF_NOT_FOUND', { ref, repo: cwd });
  }

  private async branchExists(cwd: string, branch: string): Promise<boolean> {
    return (await this.tryCommit(cwd, `refs/heads/${branch}`)) !== null;
  }

  /** Copies the untracked or ignored files of the main checkout matching `.worktreeinclude`. */
  private async copyIncluded(top: string, dir: string): Promise<void> {
    const listFile = join(top, '.worktreeinclude');
    if (!fs.existsSync(listFile)) return;
    // git itself matches the gitignore-style patterns: -o (untracked, ignored too) -i (matching the file).
    const r = await this.git(['ls-files', '-z', '--others', '--ignored', `--exclude-from=${listFile}`], {
      cwd: top,
    });
    const { copy } = safeCopier(top, dir);
    for (const rel of r.stdout.split('\0')) {
      if (rel === '' || rel.endsWith('/') || fs.lstatSync(join(dir, rel), { throwIfNoEntry: false }))
        continue;
      copy(rel);
    }
  }

  async uncommitted(path: string): Promise<string[]> {
    return (await this.status(path)).map((e) => e.path);
  }

  async carryUncommitted(from: string, to: P.AgentWorktree): Promise<string[]> {
    const { copy, remove } = safeCopier(from, to.path);
    const carried: string[] = [];
    for (const { xy, path, renamedFrom } of await this.status(from)) {
      if (renamedFrom !== undefined && xy[0] === 'R') remove(renamedFrom); // gone from the source
      remove(path); // deleted in the source, or replaced by its version below
      copy(path);
      carried.push(path);
    }
    return carried;
  }

  /** `git status` of the checkout at `path` (untracked files one by one); nothing when it is gone. */
  private async status(path: string): Promise<{ xy: string; path: string; renamedFrom?: string }[]> {
    if (!fs.existsSync(path)) return [];
    const st = await this.git(['status', '--porcelain', '-z', '--untracked-files=all'], { cwd: path });
    const parts = st.stdout.split('\0');
    const out: { xy: string; path: string; renamedFrom?: string }[] = [];
    for (let i = 0; i < parts.length; i++) {
      const entry = parts[i] ?? '';
      if (entry.length < 4) continue;
      const xy = entry.slice(0, 2);
      // A rename or copy: the next part is the original path.
      if (xy[0] === 'R' || xy[0] === 'C')
        out.push({ xy, path: entry.slice(3), renamedFrom: parts[++i] ?? '' });
      else out.push({ xy, path: entry.slice(3) });
    }
    return out;
  }
}

/**
 * Copies `rel` from the folder `fromDir` into `toDir` (a file with its mode, a symlink as a
 * symlink when it points inside `fromDir`), or removes it from `toDir`; never writes or removes
 * through a symlink out of `toDir`.
 */
function safeCopier(fromDir: string, toDir: string): { copy(rel: string): void; remove(rel: string): void } {
  const realFrom = fs.realpathSync(fromDir);
  const realTo = fs.realpathSync(toDir);
  const within = (to: string): boolean => {
    let ancestor = dirname(to);
    while (!fs.existsSync(ancestor)) ancestor = dirname(ancestor);
    return inside(realTo, fs.realpathSync(ancestor));
  };
  return {
    copy(rel) {
      const from = join(fromDir, rel);
      const to = join(toDir, rel);
      const st = fs.lstatSync(from, { throwIfNoEntry: false });
      if (!st || !within(to)) return;
      fs.mkdirSync(dirname(to), { recursive: true });
      if (st.isSymbolicLink()) {
        const target = tryRealpath(from);
        if (target !== null && inside(realFrom, target)) fs.symlinkSync(fs.readlinkSync(from), to);
      } else if (st.isFile()) {
        fs.copyFileSync(from, to);
        fs.chmodSync(to, st.mode & 0o7777);
      }
    },
    remove(rel) {
      const to = join(toDir, rel);
      // A folder (a submodule's) is left alone: only files and links are carried.
      if (within(to) && !fs.lstatSync(to, { throwIfNoEntry: false })?.isDirectory())
        fs.rmSync(to, { force: true });
    },
  };
}
