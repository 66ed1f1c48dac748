import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type {
  AgentDiff,
  AgentWorktree,
  GitReview,
  MergeResult,
  MergeStrategy,
  PairPrediction,
  TestRun,
  WorktreeSnapshot,
} from '../../core/ports/git.js';
import { gitRunner, type Git, type GitEnv } from './git-exec.js';
import { mapLimit, mergeTree, predictPair, workLanded, split0, type Conflict } from './merge-tree.js';
import { agentDiff, commitOf, notARepository } from './git-diff.js';
import { snapshotWorktree } from './worktree-snapshot.js';
import { inTurnOf } from './repo-turns.js';

const IDENTITY = { name: 'wezterm-parallel', email: 'wtp@localhost' };
const TEST_OUTPUT_MAX = 20 * 1024;
/** A merge's test command is killed after this long. */
const DEFAULT_TEST_TIMEOUT_MS = 30 * 60_000;
const PREDICT_CONCURRENCY = 4;

export interface CliGitReviewOptions {
  /** What git and a merge's test command run with: the daemon's own environment. */
  gitEnv: GitEnv;
}

/**
 * Review and merge of agents' work with the git CLI. Nothing here checks out the target branch:
 * merges are built with `merge-tree --write-tree` + `commit-tree` and land with a compare-and-swap
 * ref update (or `merge --ff-only` in the worktree that has the target checked out, which is clean).
 *
 * `merge` takes only the branch's commits: uncommitted work in the agent's worktree is not merged
 * (callers ask `diff` first and `commitAll` when they want it).
 */
export class CliGitReview implements GitReview {
  private readonly git: Git;
  private readonly env: GitEnv;

  constructor(o: CliGitReviewOptions) {
    this.git = gitRunner(o.gitEnv);
    this.env = o.gitEnv;
  }

  diff(wt: AgentWorktree, opts: { stat: boolean }): Promise<AgentDiff> {
    return agentDiff(this.git, wt, opts);
  }

  async commitAll(wt: AgentWorktree, message: string): Promise<string | null> {
    await ensureRepo(this.git, wt.path);
    await this.git(['add', '-A'], { cwd: wt.path });
    const staged = await this.git(['diff', '--cached', '--quiet'], { cwd: wt.path, okCodes: [1] });
    if (staged.code === 0) return null;
    await out(this.git, wt.path, ...(await identityFlags(this.git, wt.path)), 'commit', '-q', '-m', message);
    return out(this.git, wt.path, 'rev-parse', 'HEAD');
  }

  async merge(
    wt: AgentWorktree,
    opts: { strategy: MergeStrategy; into?: string | undefined; testCommand?: string | undefined },
  ): Promise<MergeResult> {
    const repo = await ensureRepo(this.git, wt.repo);
    const branch = wt.branch;
    if (branch === null) throw new AppError('INVALID_INPUT', 'A --no-worktree agent has no branch to merge.');
    const target = (opts.into ?? wt.base).replace(/^refs\/heads\//, '');
    const targetRef = `refs/heads/${target}`;
    const old = await commitOf(this.git, repo, targetRef);
    if (old === null) throw appError('GIT_REF_NOT_FOUND', { ref: target, target, repo });
    const tip = await commitOf(this.git, repo, `refs/heads/${branch}`);
    if (tip === null) throw appError('GIT_REF_NOT_FOUND', { ref: branch, repo });

    const checkedOut = (await worktreesByBranch(this.git, repo)).get(targetRef) ?? null;
    if (checkedOut !== null) {
      const st = await this.git(['--no-optional-locks', 'status', '--porcelain', '-z'], { cwd: checkedOut });
      const files = split0(st.stdout).flatMap((l) => (/^.. ./s.test(l) ? [l.slice(3)] : []));
      if (st.stdout !== '') throw appError('MERGE_TARGET_DIRTY', { target, worktree: checkedOut, files });
    }

    let test: MergeResult['test'] = null;
    if (opts.testCommand !== undefined) {
      const { exitCode, output } = await runTest(opts.testCommand, wt.path, this.env);
      test = { command: opts.testCommand, exitCode, output };
      if (test.exitCode !== 0) throw appError('MERGE_TEST_FAILED', test);
    }

    const predicted = await mergeTree(this.git, repo, [old, tip]);
    if (!predicted.clean) throw conflictError(target, branch, predicted.conflicts);
    const result = (commit: string, alreadyMerged = false): MergeResult => ({
      ok: true,
      commit,
      target,
      conflicts: [],
      test,
      alreadyMerged,
    });
    if (await isAncestor(this.git, repo, tip, old)) return result(old, true); // already merged: nothing to do
    // Its work reached the target by another way (a squash, a rebase, a cherry-pick): merging it
    // again would only add a commit that changes nothing.
    if (await workLanded(this.git, repo, tip, old)) return result(old, true);

    const ident = await identityFlags(this.git, repo);
    let next: string;
    if (opts.strategy === 'merge') {
      const msg = `Merge branch '${branch}' (wezterm-parallel)`;
      next = await commitTree(this.git, repo, ident, predicted.tree, [old, tip], msg);
    } else if (opts.strategy === 'squash') {
      const log = await out(this.git, repo, 'log', '--reverse', '--format=%h %s', `${old}..${tip}`);
      const msg = `Squashed branch '${branch}' (wezterm-parallel)\n\n${log}\n`;
      next = await commitTree(this.git, repo, ident, predicted.tree, [old], msg);
    } else {
      next = await replay(this.git, repo, ident, old, tip, target, branch);
    }

    if (checkedOut !== null) {
      await this.git(['merge', '--ff-only', '-q', next], { cwd: checkedOut });
    } else {
      await this.git(
        ['update-ref', '-m', `wezterm-parallel: ${opts.strategy} ${branch}`, targetRef, next, old],
        {
          cwd: repo,
        },
      );
    }
    return result(next);
  }

  async test(wt: AgentWorktree, command: string, timeoutMs: number): Promise<TestRun> {
    const started = Date.now();
    const r = await runTest(command, wt.path, this.env, timeoutMs);
    return { command, ...r, ms: Date.now() - started };
  }

  snapshot(worktrees: AgentWorktree[], base: string): Promise<WorktreeSnapshot[]> {
    return mapLimit(worktrees, PREDICT_CONCURRENCY, (wt) => snapshotWorktree(this.git, wt, base));
  }

  async predict(repo: string, refs: string[], base: string): Promise<PairPrediction[]> {
    const top = await ensureRepo(this.git, repo);
    for (const ref of [...refs, base]) {
      if ((await commitOf(this.git, top, ref)) === null) {
        throw appError('GIT_REF_NOT_FOUND', { ref, repo: top });
      }
    }
    const pairs: [string, string][] = [];
    for (let i = 0; i < refs.length; i++) {
      for (let j = i + 1; j < refs.length; j++) pairs.push([refs[i] as string, refs[j] as string]);
    }
    for (const ref of refs) pairs.push([ref, base]);
    // Files a ref changed since a merge-base: most pairs share the fork point of their branches, so
    // each branch is diffed once per distinct merge-base rather than once per pair.
    const changedCache = new Map<string, Promise<string[]>>();
    const changed = (mb: string, ref: string): Promise<string[]> => {
      const key = `${mb}\u0000${ref}`;
      let got = changedCache.get(key);
      if (!got) {
        got = this.git(['diff', '--name-only', '--no-renames', '-z', mb, ref], { cwd: top }).then((r) =>
          split0(r.stdout),
        );
        changedCache.set(key, got);
      }
      return got;
    };
    return mapLimit(pairs, PREDICT_CONCURRENCY, ([a, b]) => predictPair(this.git, top, a, b, changed));
  }
}

/** Replays the branch's commits (merges skipped) onto `onto`, keeping author and message. */
async function replay(
  git: Git,
  repo: string,
  ident: string[],
  onto: string,
  tip: string,
  target: string,
  branch: string,
): Promise<string> {
  const list = await out(git, repo, 'rev-list', '--reverse', '--no-merges', `${onto}..${tip}`);
  let head = onto;
  for (const commit of list.split('\n').filter(Boolean)) {
    const raw = (await git(['cat-file', 'commit', commit], { cwd: repo })).stdout;
    const headerEnd = raw.indexOf('\n\n');
    const headers = raw.slice(0, headerEnd === -1 ? raw.length : headerEnd).split('\n');
    const message = headerEnd === -1 ? '' : raw.slice(headerEnd + 2);
    const parent = headers.find((h) => h.startsWith('parent '))?.slice(7);
    if (parent === undefined) throw appError('GIT_FAILED', { commit });
    if (parent === head) {
      head = commit; // already on top: keep the commit as it is (fast-forward)
      continue;
    }
    // merge-tree in git 2.39 has no --merge-base: a stand-in commit (tree of `head`, parent `parent`)
    // makes `parent` the merge base, which is exactly a cherry-pick of `commit` onto `head`.
    const headTree = await out(git, repo, 'rev-parse', `${head}^{tree}`);
    const standIn = await commitTree(git, repo, ident, headTree, [parent], 'wezterm-parallel replay');
    const picked = await mergeTree(git, repo, [standIn, commit]);
    if (!picked.clean) throw conflictError(target, branch, picked.conflicts, commit);
    if (picked.tree === headTree) continue; // the change is already there
    const a = /^author (.*) <(.*)> (\d+ [+-]\d{4})$/m.exec(headers.join('\n'));
    const author = a ? { GIT_AUTHOR_NAME: a[1], GIT_AUTHOR_EMAIL: a[2], GIT_AUTHOR_DATE: a[3] } : {};
    const made = await git([...ident, 'commit-tree', picked.tree, '-p', head], {
      cwd: repo,
      env: author,
      input: message,
    });
    head = made.stdout.trim();
  }
  return head;
}

function conflictError(target: string, branch: string, conflicts: Conflict[], commit?: string): AppError {
  const details = { target, branch, conflicts: conflicts.map((c) => c.path), kinds: conflicts };
  return appError('MERGE_CONFLICT', commit === undefined ? details : { ...details, commit });
}

async function commitTree(
  git: Git,
  repo: string,
  ident: string[],
  tree: string,
  parents: string[],
  msg: string,
) {
  return out(git, repo, ...ident, 'commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', msg);
}

/** `git <args>` in `cwd`, its output trimmed. */
async function out(git: Git, cwd: string, ...args: string[]): Promise<string> {
  return (await git(args, { cwd })).stdout.trim();
}

async function isAncestor(git: Git, repo: string, a: string, b: string): Promise<boolean> {
  return (await git(['merge-base', '--is-ancestor', a, b], { cwd: repo, okCodes: [1] })).code === 0;
}

/** `-c user.name/email` fallbacks when the repository (or the user) configured none. */
async function identityFlags(git: Git, cwd: string): Promise<string[]> {
  const get = async (key: string) => (await git(['config', key], { cwd, okCodes: [1] })).stdout.trim() !== '';
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return [
    ...(name ? [] : ['-c', `user.name=${IDENTITY.name}`]),
    ...(email ? [] : ['-c', `user.email=${IDENTITY.email}`]),
  ];
}

/** The repository's top level; NOT_A_REPOSITORY when `path` is not inside one. */
async function ensureRepo(git: Git, path: string): Promise<string> {
  if (!existsSync(path)) throw notARepository(path);
  const r = await git(['rev-parse', '--show-toplevel'], { cwd: path, okCodes: [128] });
  if (r.code !== 0) throw notARepository(path);
  return r.stdout.trim();
}

/** Branch ref → path of the worktree that has it checked out (`git worktree list --porcelain`). */
async function worktreesByBranch(git: Git, repo: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const listed = await inTurnOf(git, repo, () => out(git, repo, 'worktree', 'list', '--porcelain'));
  for (const block of listed.split('\n\n')) {
    const lines = block.split('\n');
    const path = lines.find((l) => l.startsWith('worktree '))?.slice(9);
    const branch = lines.find((l) => l.startsWith('branch '))?.slice(7);
    if (path !== undefined && branch !== undefined && !lines.includes('bare')) map.set(branch, path);
  }
  return map;
}

/** Runs the user's test command line with /bin/sh in `cwd`; output is the last 20 KB. */
/** Runs `command` in `cwd`, keeping the end of its output; SIGKILLed (its process group) after `timeoutMs`. */
function runTest(
  command: string,
  cwd: string,
  env: GitEnv,
  timeoutMs = DEFAULT_TEST_TIMEOUT_MS,
): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const take = (b: Buffer) => {
      chunks.push(b);
      size += b.length;
      if (size > 4 * TEST_OUTPUT_MAX) {
        chunks = [Buffer.concat(chunks).subarray(-TEST_OUTPUT_MAX)];
        size = TEST_OUTPUT_MAX;
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const finish = (exitCode: number, extra = '') => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).subarray(-TEST_OUTPUT_MAX).toString('utf8') + extra;
      done({ exitCode, output: output.slice(-TEST_OUTPUT_MAX), timedOut });
    };
    child.on('error', (e) => finish(127, String(e)));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}
