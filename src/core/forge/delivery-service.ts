import type { EventSource } from '../../protocol/events.js';
import type { PrCreateRequest, PushRequest, PushResult } from '../../protocol/forge.js';
import { AppError } from '../errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { ReviewService } from '../git/review-service.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import { isLive } from '../model/agent-state.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock } from '../ports/daemon.js';
import type { ForgeCli } from '../ports/forge.js';
import type { AgentWorktree, GitDelivery, GitReview, GitWorktrees, TestRun } from '../ports/git.js';
import type { TaskService } from '../tasks/task-service.js';
import { forgeKind, type ForgeCliChoice } from './forge-kind.js';
import { commitsText, diffstatText, prBody, prTitle, testsText } from './pr-body.js';
import { toPullRequestView, type PullRequestRecord } from './pr-record.js';
import type { ProgressHub } from './progress-hub.js';
import {
  advisePush,
  baseConflictError,
  pushUncommittedError,
  unresolvedError,
  type PushSubject,
} from './push-advice.js';

export interface DeliverySettings {
  /** The remote pushed to when none is given (config `forge.remote`). */
  remote: string;
  cli: ForgeCliChoice;
  pushTimeoutMs: number;
  /** The body template (config `forge.bodyTemplate`); the built-in one when undefined. */
  bodyTemplate: string | undefined;
}

/** A test command in `wtp pr` runs at most this long (its result goes in the body). */
const TEST_TIMEOUT_MS = 30 * 60_000;
/** Commits listed in a body at most. */
const MAX_COMMITS = 200;

type PushOptions = Omit<PushRequest, 'forceWithLease'> & { forceWithLease: boolean };

/**
 * Delivery of an agent's work to its forge: `push` sends its branch to a remote after
 * the same refusals as a merge (uncommitted work, a conflict with its base), `openPr` pushes and
 * opens a pull request through the forge's CLI, described from its task, commits, diff stat and
 * test result, and records it on the agent and its task.
 */
export class DeliveryService {
  constructor(
    private readonly d: {
      registry: AgentRegistry;
      review: ReviewService;
      git: { delivery: GitDelivery; review: GitReview; worktrees: GitWorktrees };
      forge: ForgeCli;
      tasks: TaskService;
      progress: ProgressHub;
      clock: Clock;
      settings: DeliverySettings;
      /** Told when a pull request was opened or pushed to (the poller schedules it). */
      onPullRequest: (agentId: string) => void;
    },
  ) {}

  /** `wtp push`: the agent's branch to a remote, its upstream set. */
  async push(ref: string, opts: PushOptions, source: EventSource): Promise<PushResult> {
    const agent = this.withBranch(ref);
    const ready = await this.prepare(agent, opts, 'push', undefined, source);
    return this.send(agent, ready, opts, source);
  }

  /** `wtp pr`: pushes, then opens a pull request (or takes the open one of the branch). */
  async openPr(ref: string, opts: PrCreateRequest, source: EventSource) {
    const agent = this.withBranch(ref);
    const wt = worktreeOf(agent);
    const push = { ...opts, forceWithLease: false };
    const git = this.d.git.delivery;
    // The forge's CLI is looked for first: without it nothing is pushed.
    const remoteUrl = await git.remoteUrl(wt.repo, opts.remote ?? this.d.settings.remote);
    const kind = forgeKind(this.d.settings.cli, remoteUrl);
    if (remoteUrl !== null) await this.d.forge.check(kind);
    const ready = await this.prepare(agent, push, 'pr', opts.base, source);
    const commits = await git.commits(wt.repo, ready.target, `refs/heads/${ready.branch}`, MAX_COMMITS);
    if (commits.length === 0) {
      throw appError('PR_NO_COMMITS', { agent: agent.name, branch: ready.branch, base: ready.targetName });
    }
    const pushed = await this.send(agent, ready, push, source);
    const head = ready.branch;
    const base = opts.base ?? wt.base;
    const existing = await this.d.forge.findOpen(kind, wt.repo, head);
    let test: TestRun | null = null;
    let opened: { number: number; url: string; title: string; draft: boolean };
    if (existing) {
      const now = await this.d.forge.view(kind, wt.repo, existing.number);
      opened = { ...existing, title: now.title, draft: now.draft };
    } else {
      const task = this.d.tasks.byAgent(agent.id) ?? null;
      const tested = await this.runTest(agent, opts.test);
      test = tested.run;
      const { diff } = await this.d.review.diff(agent.id, true);
      const title = prTitle({ asked: opts.title, task: task?.title ?? null, commits, branch: head });
      const body = prBody(this.d.settings.bodyTemplate, {
        title,
        task: task?.title ?? '',
        prompt: task?.prompt ?? '',
        agent: agent.name,
        branch: head,
        base,
        commits: commitsText(commits),
        diffstat: diffstatText(diff.files),
        tests: testsText(test, tested.why),
      });
      const made = await this.d.forge.create(kind, wt.repo, { title, body, base, head, draft: opts.draft });
      opened = { ...made, title, draft: opts.draft };
    }
    const before = agent.pullRequest?.number === opened.number ? agent.pullRequest : undefined;
    const pr: PullRequestRecord = {
      forge: kind,
      number: opened.number,
      url: opened.url,
      remote: ready.remote,
      head,
      base,
      title: opened.title,
      draft: opened.draft,
      state: 'open',
      reviewDecision: before?.reviewDecision ?? null,
      checks: before?.checks ?? [],
      headCommit: pushed.commit,
      createdAt: before?.createdAt ?? this.d.clock.now(),
      polledAt: before?.polledAt ?? null,
      pollError: null,
      failures: 0,
      mergedAt: null,
      mergeCommit: null,
      fixRounds: before?.fixRounds ?? 0,
      fedCommit: before?.fedCommit ?? null,
      awaitingFix: false,
    };
    // The same pull request keeps its record (a poll in flight holds it); another replaces it.
    if (before) Object.assign(before, pr);
    else agent.pullRequest = pr;
    await this.d.registry.save(agent, [
      agentEvent(agent, source, 'agent.prOpened', {
        forge: kind,
        number: pr.number,
        url: pr.url,
        base,
        title: pr.title,
        draft: pr.draft,
        created: existing === null,
      }),
    ]);
    await this.d.tasks.recordPullRequest(agent.id, { number: pr.number, url: pr.url, state: 'open' });
    this.d.onPullRequest(agent.id);
    return {
      agent: agent.name,
      pushed,
      pullRequest: toPullRequestView(pr, null),
      created: existing === null,
      test: test && { command: test.command, exitCode: test.exitCode, timedOut: test.timedOut },
    };
  }

  /** The refusals a merge would make (same codes), then what the push needs: remote, branch, target. */
  private async prepare(
    agent: AgentRecord,
    opts: PushOptions,
    command: 'push' | 'pr',
    base: string | undefined,
    source: EventSource,
  ) {
    const wt = worktreeOf(agent);
    const branch = wt.branch as string;
    const remote = opts.remote ?? this.d.settings.remote;
    const git = this.d.git.delivery;
    if ((await git.remoteUrl(wt.repo, remote)) === null) {
      const remotes = await git.remotes(wt.repo);
      throw appError('GIT_REMOTE_NOT_FOUND', {
        remote,
        remotes,
        repo: wt.repo,
        others: remotes.length > 0 ? remotes : null,
      });
    }
    const subject: PushSubject = {
      name: agent.name,
      live: isLive(agent.state),
      worktree: wt,
      command,
      remote,
      branch,
    };
    const unresolved = await git.unmerged(wt.path);
    if (unresolved.length > 0) throw unresolvedError(subject, unresolved);
    const { uncommitted } = await this.d.git.worktrees.wouldLose(wt);
    if (uncommitted.length > 0 && opts.commit === undefined) throw pushUncommittedError(subject, uncommitted);
    let committed: string | null = null;
    if (uncommitted.length > 0 && opts.commit !== undefined)
      committed = (await this.d.review.commit(agent.id, opts.commit, source)).commit;
    // What the branch is for: the remote's copy of its base when there is one (what the forge merges into).
    const targetName = base ?? wt.base;
    const tracking = `refs/remotes/${remote}/${targetName}`;
    const target = (await git.commitOf(wt.repo, tracking)) !== null ? tracking : targetName;
    if ((await git.commitOf(wt.repo, target)) !== null) {
      const [pair] = await this.d.git.review.predict(wt.repo, [`refs/heads/${branch}`], target);
      const files = pair?.conflicts.map((c) => c.path) ?? [];
      const shown = target === tracking ? `${remote}/${targetName}` : targetName;
      if (files.length > 0) throw baseConflictError(subject, shown, files);
    }
    return { subject, remote, branch, committed, target, targetName };
  }

  private async send(
    agent: AgentRecord,
    ready: { subject: PushSubject; remote: string; branch: string; committed: string | null },
    opts: PushOptions,
    source: EventSource,
  ): Promise<PushResult> {
    const wt = worktreeOf(agent);
    const report = this.d.progress.reporter(opts.progress);
    // The pull request's head before this push: a poll that lands while it runs can already show
    // the commit pushed (the forge has it), which still is this push's doing.
    const headBefore = agent.pullRequest?.headCommit ?? null;
    const outcome = await this.d.git.delivery
      .push(wt.repo, {
        remote: ready.remote,
        branch: ready.branch,
        forceWithLease: opts.forceWithLease,
        timeoutMs: this.d.settings.pushTimeoutMs,
        progress: report,
      })
      .catch((err: unknown) => {
        throw advisePush(err, ready.subject);
      })
      .finally(() => report(null));
    const pr = agent.pullRequest;
    const moved = pr?.state === 'open' && pr.remote === ready.remote && headBefore !== outcome.commit;
    if (pr && moved) {
      // The checks of the old commit no longer say anything (a poll's of the new one still do).
      if (pr.headCommit !== outcome.commit) pr.checks = [];
      pr.headCommit = outcome.commit;
      pr.awaitingFix = false;
    }
    await this.d.registry.save(agent, [
      agentEvent(agent, source, 'agent.pushed', {
        remote: ready.remote,
        branch: ready.branch,
        commit: outcome.commit,
        status: outcome.status,
        upstream: outcome.upstream,
      }),
    ]);
    if (moved) this.d.onPullRequest(agent.id);
    return {
      agent: agent.name,
      remote: ready.remote,
      branch: ready.branch,
      commit: outcome.commit,
      status: outcome.status,
      upstream: outcome.upstream,
      committed: ready.committed,
    };
  }

  /** The test command whose result goes in the body: the one asked for, the repository's, or none. */
  private async runTest(
    agent: AgentRecord,
    asked: string | null | undefined,
  ): Promise<{ run: TestRun | null; why: string }> {
    if (asked === null) return { run: null, why: 'none asked for' };
    const pick = asked === undefined ? this.d.review.repoTest(agent.id) : { command: asked, why: '' };
    if (pick.command === null) return { run: null, why: pick.why };
    return { run: await this.d.review.test(agent.id, pick.command, TEST_TIMEOUT_MS), why: '' };
  }

  /** An agent with a branch of its own, or INVALID_INPUT saying why it has none. */
  private withBranch(ref: string): AgentRecord {
    const agent = this.d.registry.resolve(ref);
    if (!agent.worktree) {
      throw new AppError(
        'INVALID_INPUT',
        `Agent "${agent.name}" has no git worktree (it was started without a repository): nothing to push.`,
        { issues: [{ path: 'agent', message: 'no worktree' }] },
      );
    }
    if (agent.worktree.branch === null) {
      throw new AppError(
        'INVALID_INPUT',
        `Agent "${agent.name}" works in the repository itself: it has no branch of its own to push.`,
        { issues: [{ path: 'agent', message: 'has no branch of its own (--no-worktree)' }] },
      );
    }
    return agent;
  }
}

function worktreeOf(agent: AgentRecord): AgentWorktree {
  if (!agent.worktree) throw new Error('no worktree');
  return agent.worktree;
}
