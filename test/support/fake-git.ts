// Git ports for core tests: worktrees that exist only as records, and a review whose diffs and
// predictions the test sets, counting the calls (the real thing is tested in src/adapters/git/).
import type {
  AgentDiff,
  AgentWorktree,
  DiffFile,
  GitReview,
  GitWorktrees,
  MergeResult,
  PairPrediction,
  ProvisionRequest,
  TestRun,
  WorktreeSnapshot,
} from '../../src/core/ports/git.js';
import { AppError } from '../../src/core/errors.js';

/** A worktree record at `/wt/<name>` on `wtp/<name>` from `main`. */
export function fakeWorktree(name: string, portStart = 20_000): AgentWorktree {
  return {
    repo: '/src/shop',
    path: `/wt/${name}`,
    branch: `wtp/${name}`,
    base: 'main',
    baseCommit: 'c0ffee',
    portStart,
    portCount: 10,
    owned: true,
  };
}

export class FakeGitWorktrees implements GitWorktrees {
  /** Uncommitted files per worktree path (what wouldLose reports and carryUncommitted carries). */
  readonly pending = new Map<string, string[]>();
  /** Refs provision refuses as missing (GIT_REF_NOT_FOUND, as the real one does). */
  readonly missingRefs = new Set<string>();
  readonly provisions: ProvisionRequest[] = [];
  readonly carries: { from: string; to: string }[] = [];

  provision(req: ProvisionRequest): Promise<AgentWorktree> {
    this.provisions.push(req);
    if (req.base !== undefined && this.missingRefs.has(req.base))
      return Promise.reject(new AppError('GIT_REF_NOT_FOUND', `No branch "${req.base}".`, { ref: req.base }));
    return Promise.resolve({ ...fakeWorktree(req.agentName, req.portStart), base: req.base ?? 'main' });
  }
  setupScript() {
    return null;
  }
  approveSetup(): void {}
  submodules(): Promise<null> {
    return Promise.resolve(null);
  }
  initSubmodules(): Promise<void> {
    return Promise.resolve();
  }
  runSetup(): Promise<void> {
    return Promise.resolve();
  }
  wouldLose(wt: AgentWorktree) {
    return Promise.resolve({ uncommitted: [...(this.pending.get(wt.path) ?? [])], unmergedCommits: [] });
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
  diskUsage(): Promise<number> {
    return Promise.resolve(0);
  }
  uncommitted(path: string): Promise<string[]> {
    return Promise.resolve([...(this.pending.get(path) ?? [])]);
  }
  carryUncommitted(from: string, to: AgentWorktree): Promise<string[]> {
    this.carries.push({ from, to: to.path });
    return Promise.resolve([...(this.pending.get(from) ?? [])]);
  }
}

/** A modified file with these line counts. */
export const changed = (path: string, insertions: number, deletions = 0): DiffFile => ({
  path,
  status: 'modified',
  insertions,
  deletions,
});

export class FakeGitReview implements GitReview {
  /** The files of each worktree's diff, by worktree path (none when absent). */
  readonly files = new Map<string, DiffFile[]>();
  /** Worktree paths of every diff asked for, in order. */
  readonly diffs: string[] = [];
  /** Diffs running right now, and the most that ever ran at once. */
  running = 0;
  maxRunning = 0;
  /** While set, diffs wait for it (a slow git). */
  gate: Promise<void> | null = null;
  /** Answers of `predict`, and how often it ran (and with which refs, the last time). */
  predictions: PairPrediction[] = [];
  predicts = 0;
  predicted: string[] = [];
  /** Snapshots by worktree path; absent: the branch itself, clean, with changes. */
  readonly snapshots = new Map<string, WorktreeSnapshot>();

  async diff(wt: AgentWorktree): Promise<AgentDiff> {
    this.diffs.push(wt.path);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.gate) await this.gate;
      const files = this.files.get(wt.path) ?? [];
      return {
        base: wt.base,
        mergeBase: wt.baseCommit,
        files: files.map((f) => ({ ...f })),
        patch: '',
        landed: false,
      };
    } finally {
      this.running--;
    }
  }
  commitAll(): Promise<string | null> {
    return Promise.resolve('abc123');
  }
  merge(wt: AgentWorktree): Promise<MergeResult> {
    return Promise.resolve({
      ok: true,
      commit: 'def456',
      target: wt.base,
      conflicts: [],
      test: null,
      alreadyMerged: false,
    });
  }
  test(_wt: AgentWorktree, command: string): Promise<TestRun> {
    return Promise.resolve({ command, exitCode: 0, timedOut: false, output: '', ms: 1 });
  }
  snapshot(worktrees: AgentWorktree[]): Promise<WorktreeSnapshot[]> {
    return Promise.resolve(
      worktrees.map(
        (wt) => this.snapshots.get(wt.path) ?? { ref: wt.branch ?? '', uncommitted: false, changed: true },
      ),
    );
  }
  predict(_repo: string, refs: string[]): Promise<PairPrediction[]> {
    this.predicts++;
    this.predicted = refs;
    return Promise.resolve(this.predictions.map((p) => ({ ...p })));
  }
}
