import type { EventSource } from '../../protocol/events.js';
import type { SetupInfo } from '../../protocol/git.js';
import type { ProfileSetup } from '../ports/daemon.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentService } from '../agents/agent-service.js';
import { describeLoss, type AgentGit } from './agent-worktree.js';
import { AppError } from '../errors.js';
import { appError } from '../../protocol/error-messages.js';
import { messageOf } from '../lifecycle/exit-outcome.js';
import { isLive } from '../model/agent-state.js';
import { adviseMerge, uncommittedError } from './merge-advice.js';
import type { AgentDiff, MergeResult, MergeStrategy, TestRun } from '../ports/git.js';
import type { ConflictRadar } from './conflict-radar.js';
import type { AgentRegistry } from '../model/registry.js';

/**
 * Review and delivery of agents' work (DESIGN §6): diff, commit, merge with a test gate,
 * feedback through the safe-input path, gc and the setup script; a commit or merge runs the
 * conflict radar again.
 */
export class ReviewService {
  constructor(
    private readonly d: {
      registry: AgentRegistry;
      service: AgentService;
      git: AgentGit;
      radar: ConflictRadar;
      /** Agent CLIs' configuration in repositories and its approval; absent in tests. */
      profiles: Pick<ProfileSetup, 'repoConfigs' | 'approveRepoConfig'>;
      /** Told of every diff computed for a review (the diff stat tracker takes it as a measurement). */
      onDiff?: ((agentId: string, diff: AgentDiff) => void) | undefined;
    },
  ) {}

  async diff(ref: string, stat: boolean): Promise<{ agent: string; diff: AgentDiff }> {
    const agent = this.withWorktree(ref);
    const diff = await this.d.git.review.diff(this.wt(agent), { stat });
    this.d.onDiff?.(agent.id, diff);
    return { agent: agent.name, diff };
  }

  async commit(ref: string, message: string, source: EventSource): Promise<{ commit: string | null }> {
    const agent = this.withWorktree(ref);
    const commit = await this.d.git.review.commitAll(this.wt(agent), message);
    if (commit !== null) {
      await this.d.registry.record([agentEvent(agent, source, 'agent.committed', { commit, message })]);
      void this.d.radar.radar().catch(() => undefined);
    }
    return { commit };
  }

  async merge(
    ref: string,
    opts: {
      strategy: MergeStrategy;
      into?: string | undefined;
      test?: string | undefined;
      /** Commits uncommitted work with this message first; without it, uncommitted work is refused. */
      commit?: string | undefined;
    },
    source: EventSource,
  ): Promise<MergeResult> {
    const agent = this.withWorktree(ref);
    const wt = this.wt(agent);
    if (wt.branch === null) {
      throw new AppError(
        'INVALID_INPUT',
        `Agent "${agent.name}" works in the repository itself: nothing to merge.`,
        {
          issues: [{ path: 'agent', message: 'has no branch of its own (--no-worktree)' }],
        },
      );
    }
    const subject = { name: agent.name, live: isLive(agent.state), worktree: wt, ...opts };
    // A merge takes commits only: work left uncommitted would silently stay behind.
    const { uncommitted } = await this.d.git.worktrees.wouldLose(wt);
    if (uncommitted.length > 0 && opts.commit === undefined) throw uncommittedError(subject, uncommitted);
    const committed =
      uncommitted.length > 0 && opts.commit !== undefined
        ? (await this.commit(agent.id, opts.commit, source)).commit
        : null;
    const result = await this.d.git.review
      .merge(wt, { strategy: opts.strategy, into: opts.into, testCommand: opts.test })
      .catch((err: unknown) => {
        throw adviseMerge(err, { ...subject, committed });
      });
    if (result.commit !== null && !result.alreadyMerged) {
      await this.d.registry.record([
        agentEvent(agent, source, 'agent.merged', {
          strategy: opts.strategy,
          target: result.target,
          commit: result.commit,
          test: opts.test ?? null,
        }),
      ]);
      void this.d.radar.radar().catch(() => undefined);
    }
    return result;
  }

  /** Review comments back to the agent, typed through the safe-input path (refused while it works). */
  feedback(ref: string, text: string, source: EventSource) {
    return this.d.service.sendInput(ref, text, true, source);
  }

  /**
   * Removes the worktrees and branches of agents that have ended and whose work is merged (nothing
   * would be lost; a pull request merged upstream counts, one still open keeps its worktree);
   * `dryRun` only reports. Returns what went, what stayed and why, and bytes freed.
   */
  async gc(dryRun: boolean) {
    const removed: { agent: string; path: string; branch: string | null; bytes: number }[] = [];
    const kept: { agent: string; why: string }[] = [];
    for (const agent of this.d.registry.all()) {
      const wt = agent.worktree;
      if (!wt?.owned) continue;
      if (agent.state !== 'exited' && agent.state !== 'crashed') {
        kept.push({ agent: agent.name, why: `still ${agent.state}` });
        continue;
      }
      const pr = agent.pullRequest;
      if (pr?.state === 'open') {
        kept.push({ agent: agent.name, why: `its pull request #${pr.number} is open (${pr.url})` });
        continue;
      }
      // A pull request merged upstream merged its head, whatever the forge made of it (squash, rebase).
      const merged = pr?.state === 'merged' ? [pr.headCommit] : [];
      // One worktree git cannot read (an agent can make its own so) is kept, and the rest go on.
      let loss;
      try {
        loss = await this.d.git.worktrees.wouldLose(wt, merged);
      } catch (err) {
        kept.push({ agent: agent.name, why: `git cannot tell what it would lose: ${messageOf(err)}` });
        continue;
      }
      if (loss.uncommitted.length > 0 || loss.unmergedCommits.length > 0) {
        kept.push({ agent: agent.name, why: `would lose ${describeLoss(loss)}` });
        continue;
      }
      const bytes = await this.d.git.worktrees.diskUsage(wt.path).catch(() => 0);
      if (!dryRun) {
        // Checked just above; a pull request merged upstream is what makes its commits merged.
        try {
          await this.d.git.worktrees.remove(wt, merged.length > 0);
        } catch (err) {
          kept.push({ agent: agent.name, why: `git could not remove it: ${messageOf(err)}` });
          continue;
        }
        agent.worktree = null;
        await this.d.registry.saveQuietly([agent]);
      }
      removed.push({ agent: agent.name, path: wt.path, branch: wt.branch, bytes });
    }
    return { removed, kept, bytesFreed: removed.reduce((n, r) => n + r.bytes, 0), dryRun };
  }

  /**
   * What of the repository at `repo` runs, is fetched or is loaded by an agent CLI only once the
   * user approves it: its setup script, its submodules, each CLI's configuration.
   */
  async setupShow(repo: string): Promise<SetupInfo> {
    return {
      repo,
      setup: this.d.git.worktrees.setupScript(repo),
      submodules: await this.d.git.worktrees.submodules(repo).catch(() => null),
      configs: this.d.profiles.repoConfigs(repo),
    };
  }

  /**
   * Approves what `setupShow` lists, only as it is now: the items of `hashes` (each must be one
   * shown), or every item that can be approved when null.
   */
  async setupApprove(repo: string, hashes: readonly string[] | null): Promise<SetupInfo> {
    const shown = await this.setupShow(repo);
    const { setup, submodules, configs } = shown;
    const items = [
      ...(setup
        ? [
            {
              hash: setup.hash,
              problem: null,
              approve: () => this.d.git.worktrees.approveSetup(repo, setup.hash),
            },
          ]
        : []),
      ...(submodules
        ? [
            {
              hash: submodules.hash,
              problem: null,
              approve: () => this.d.git.worktrees.approveSetup(submodules.repo, submodules.hash),
            },
          ]
        : []),
      ...configs.map((c) => ({
        hash: c.hash,
        problem: c.problem === null ? null : `${c.cli}: ${c.problem}`,
        approve: () => void this.d.profiles.approveRepoConfig(repo, c.hash),
      })),
    ];
    if (items.length === 0) {
      throw new AppError(
        'INVALID_INPUT',
        `${repo} has nothing to approve: no setup script (.wezterm-parallel/config.yaml, setup:), no submodules, no agent CLI configuration.`,
        { issues: [{ path: 'body.repo', message: 'nothing to approve' }] },
      );
    }
    const wanted = hashes ?? items.filter((i) => i.problem === null).map((i) => i.hash);
    for (const hash of wanted) {
      const item = items.find((i) => i.hash === hash);
      if (!item) {
        throw appError('SETUP_NOT_APPROVED', {
          repo,
          commands: setup?.commands ?? [],
          hash: setup?.hash ?? null,
          hashes: items.map((i) => i.hash),
          shown: `${hash.slice(0, 12)}…`,
        });
      }
      if (item.problem !== null) {
        throw appError('REPO_CONFIG_NOT_APPROVABLE', { repo, problem: item.problem, hash });
      }
    }
    for (const hash of wanted) items.find((i) => i.hash === hash)?.approve();
    return this.setupShow(repo);
  }

  /** The repository's test command (`test:`) for the agent, if it has one and it is approved. */
  repoTest(ref: string): { command: string | null; why: string } {
    const agent = this.withWorktree(ref);
    const script = this.d.git.worktrees.setupScript(this.wt(agent).repo);
    if (!script || script.test === null) {
      return {
        command: null,
        why: 'the repository defines no test command (.wezterm-parallel/config.yaml, test:)',
      };
    }
    if (!script.approved) {
      return { command: null, why: `the repository's test command is not approved (wtp setup approve)` };
    }
    return { command: script.test, why: 'the repository’s test command' };
  }

  /** Runs a test command in the agent's worktree. */
  test(ref: string, command: string, timeoutMs: number): Promise<TestRun> {
    return this.d.git.review.test(this.wt(this.withWorktree(ref)), command, timeoutMs);
  }

  private withWorktree(ref: string): AgentRecord {
    const agent = this.d.registry.resolve(ref);
    if (!agent.worktree) {
      throw new AppError(
        'INVALID_INPUT',
        `Agent "${agent.name}" has no git worktree (it was started without a repository).`,
        { issues: [{ path: 'agent', message: 'no worktree' }] },
      );
    }
    return agent;
  }

  private wt(agent: AgentRecord) {
    if (!agent.worktree) throw new Error('no worktree');
    return agent.worktree;
  }
}
