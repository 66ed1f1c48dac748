import type { Approvals } from '../../protocol/approval-schema.js';
/**
 * What the core needs from git (DESIGN §6). Implemented in `src/adapters/git/` with the real git
 * CLI (argument arrays, never a shell); every failure is an AppError with a stable code.
 */

/** Where an agent works: its own worktree on its own branch, or a folder used in place. */
export interface AgentWorktree {
  /** The main repository (its top level). */
  repo: string;
  /** The worktree folder (the agent's cwd), or the repository itself with `--no-worktree`. */
  path: string;
  /** The agent's branch, e.g. `wtp/api`; null with `--no-worktree`. */
  branch: string | null;
  /** The ref the branch was made from (e.g. `main`) and its commit then. */
  base: string;
  baseCommit: string;
  /** First port of the agent's range (WTP_PORT); WTP_PORT_END = portStart + portCount - 1. */
  portStart: number;
  portCount: number;
  /** True when wezterm-parallel created the worktree (and may remove it). */
  owned: boolean;
}

export interface ProvisionRequest {
  /** Any folder inside the repository. */
  repo: string;
  agentName: string;
  /** Default: the repository's current branch. */
  base?: string | undefined;
  /** Reuse an existing branch instead of creating `wtp/<name>`. */
  branch?: string | undefined;
  /** Work in the repository itself. */
  noWorktree?: boolean | undefined;
  portStart: number;
  portCount: number;
}

/** One line of setup-script output (shown live in the agent's log). */
export type SetupProgress = (line: string) => void;

export interface SetupScript {
  /** The commands, as written in `.wezterm-parallel/config.yaml` (`setup: [...]`). */
  commands: string[];
  /** The repository's test command (`test:`), run by `wtp task compare` once approved. */
  test: string | null;
  /**
   * The repository's approval rules (`approvals:`): given to agents in its worktrees only once the
   * content is approved; null when it has none.
   */
  approvals: Approvals | null;
  /** sha256 of the exact content (setup, test and approval rules); approvals are stored by it. */
  hash: string;
  approved: boolean;
}

/**
 * The user's approvals of a repository's content (its setup script, submodules, agent CLIs'
 * configuration), each by the sha256 of the exact content: a change needs approval again.
 */
export interface RepoApprovals {
  approved(repo: string, hash: string): boolean;
  approve(repo: string, hash: string): void;
}

/** A repository's submodules, as its `.gitmodules` names them: fetched only once approved. */
export interface Submodules {
  /** The repository the approval is kept for (its main checkout's top). */
  repo: string;
  entries: { name: string; path: string; url: string }[];
  /** sha256 of the names, paths and URLs. */
  hash: string;
  approved: boolean;
}

/** What removing a worktree would lose. */
export interface WorktreeLoss {
  uncommitted: string[];
  /** Commits on the branch not in its base (nor merged anywhere else). */
  unmergedCommits: { sha: string; subject: string }[];
}

export interface DiffFile {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'untracked';
  insertions: number;
  deletions: number;
  oldPath?: string;
}

export interface AgentDiff {
  base: string;
  mergeBase: string;
  files: DiffFile[];
  /** Unified diff text (committed + uncommitted + untracked), empty with `stat` only. */
  patch: string;
  /** All of its work is committed and in the base already (squash-merged): no files, nothing to merge. */
  landed: boolean;
}

export type MergeStrategy = 'merge' | 'squash' | 'rebase';

export interface MergeResult {
  ok: boolean;
  /** The new commit on the target branch when ok. */
  commit: string | null;
  target: string;
  /** Files that conflicted when not ok (the target branch is left exactly as it was). */
  conflicts: string[];
  /** Output of the test command when one was given. */
  test: {
    command: string;
    exitCode: number;
    output: string;
  } | null; /** Its work was in the target already (merged before, by any strategy): nothing was merged, `commit` is the target's. */
  alreadyMerged: boolean;
}

export interface TestRun {
  command: string;
  exitCode: number;
  timedOut: boolean;
  /** The end of stdout and stderr together. */
  output: string;
  ms: number;
}

/** A predicted merge between two refs (`git merge-tree --write-tree`). */
export interface PairPrediction {
  a: string;
  b: string;
  /** Files with real conflicts, with their conflicting hunks' line ranges when known. */
  conflicts: { path: string; kind: string; hunks: string[] }[];
  /** Files both sides changed that still merge cleanly. */
  overlapping: string[];
}

/** What the conflict radar compares for an agent: its branch, or its worktree as it is right now. */
export interface WorktreeSnapshot {
  /**
   * The branch when the worktree is clean; else a commit of the worktree as it is (tracked,
   * modified and untracked files; parent: its HEAD), built with a private index: the agent's own
   * index and files are never touched.
   */
  ref: string;
  /** The worktree has uncommitted or untracked changes (compared as they are). */
  uncommitted: boolean;
  /** Something differs from where it forked off the base (committed or not): false = nothing to merge. */
  changed: boolean;
  /** It differs from its fork point, yet all of it is in the base already (merged by squash, rebase or cherry-pick). */
  landed?: boolean;
}

export interface GitWorktrees {
  /**
   * Creates (or reuses) the agent's worktree; copies `.worktreeinclude` files. Its submodules are
   * not fetched (initSubmodules, once approved).
   */
  provision(req: ProvisionRequest): Promise<AgentWorktree>;
  /** The repository's setup script, or null when it has none. */
  setupScript(repo: string): SetupScript | null;
  /** Records the user's approval of exactly this content (a setup script's, or submodules' hash). */
  approveSetup(repo: string, hash: string): void;
  /**
   * The submodules the checkout at `folder` names (its `.gitmodules`), with their approval for its
   * repository; null when it has none. Reads only: nothing is fetched.
   */
  submodules(folder: string): Promise<Submodules | null>;
  /** Fetches and checks out an owned worktree's submodules (only once they are approved). */
  initSubmodules(wt: AgentWorktree): Promise<void>;
  /** Runs the approved setup in the worktree; throws with the output when it fails. */
  runSetup(wt: AgentWorktree, env: Record<string, string>, progress: SetupProgress): Promise<void>;
  /**
   * What removing the worktree and branch would lose (empty when nothing); commits reachable from
   * `merged` (e.g. the head of a pull request merged upstream) count as merged.
   */
  wouldLose(wt: AgentWorktree, merged?: readonly string[]): Promise<WorktreeLoss>;
  /** Removes the worktree and its branch (only if owned); `force` discards work. */
  remove(wt: AgentWorktree, force: boolean): Promise<void>;
  /** Bytes on disk of a worktree (without the shared .git objects). */
  diskUsage(path: string): Promise<number>;
  /**
   * What the checkout at `path` (a worktree, or a repository used in place) has not committed:
   * modified, added, deleted, renamed and untracked files, not ignored ones. None when it is gone.
   */
  uncommitted(path: string): Promise<string[]>;
  /**
   * Copies those changes of the checkout at `from` into the worktree `to`, as plain changes of
   * its working tree (nothing staged); returns the paths carried.
   */
  carryUncommitted(from: string, to: AgentWorktree): Promise<string[]>;
}

export interface GitReview {
  diff(wt: AgentWorktree, opts: { stat: boolean }): Promise<AgentDiff>;
  /** Commits everything the agent left (untracked included); null when there was nothing. */
  commitAll(wt: AgentWorktree, message: string): Promise<string | null>;
  merge(
    wt: AgentWorktree,
    opts: { strategy: MergeStrategy; into?: string | undefined; testCommand?: string | undefined },
  ): Promise<MergeResult>;
  /** Runs a test command in the worktree (`/bin/sh -c`, killed after `timeoutMs`). */
  test(wt: AgentWorktree, command: string, timeoutMs: number): Promise<TestRun>;
  /** Each worktree's {@link WorktreeSnapshot} against `base`, in order. */
  snapshot(worktrees: AgentWorktree[], base: string): Promise<WorktreeSnapshot[]>;
  /** Predicts merges of every pair of refs and of each ref with `base`. */
  predict(repo: string, refs: string[], base: string): Promise<PairPrediction[]>;
}

/** How a push went: a new remote branch, a fast-forward, a forced update, or nothing to push. */
export type PushStatus = 'new' | 'updated' | 'forced' | 'up-to-date';

export interface PushRequest {
  remote: string;
  branch: string;
  /**
   * Replace the remote branch even when it is not an ancestor, but only if it is where this
   * repository's remote-tracking ref says (absent: only if the remote has no such branch).
   */
  forceWithLease: boolean;
  timeoutMs: number;
  /**
   * Each line of git's --progress output, as it comes; `partial` for a line git will write over
   * (it ended with a carriage return: a percentage that goes on counting).
   */
  progress: (line: string, partial: boolean) => void;
}

export interface PushOutcome {
  status: PushStatus;
  /** The commit the remote branch has now. */
  commit: string;
  /** What the branch tracks now, e.g. `origin/wtp/api`. */
  upstream: string;
}

/**
 * Delivering a branch to a remote. A refused push is PUSH_REJECTED with `reason`
 * `behind`, `stale` or `remote`; git's messages have credentials in URLs masked.
 */
export interface GitDelivery {
  /** The names of the repository's remotes. */
  remotes(repo: string): Promise<string[]>;
  /** The remote's (fetch) URL with any credentials masked, or null when there is no such remote. */
  remoteUrl(repo: string, remote: string): Promise<string | null>;
  /** Pushes the branch to the remote branch of the same name and sets it as its upstream. */
  push(repo: string, req: PushRequest): Promise<PushOutcome>;
  /** Commits of `head` that `base` lacks, oldest first (at most `max`). */
  commits(repo: string, base: string, head: string, max: number): Promise<{ sha: string; subject: string }[]>;
  /** Paths with unresolved conflicts in the checkout at `path` (a merge or rebase stopped midway). */
  unmerged(path: string): Promise<string[]>;
  /** The commit `ref` names, or null when it names none. */
  commitOf(repo: string, ref: string): Promise<string | null>;
}
