import type { EventSource, NewEvent } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentService } from '../agents/agent-service.js';
import { describeLoss, type AgentGit } from './agent-worktree.js';
import { AppError } from '../errors.js';
import type { AgentDiff, MergeResult, MergeStrategy, PairPrediction, TestRun } from '../ports/git.js';
import { suggestMergeOrder } from './merge-order.js';
import type { AgentRegistry } from '../model/registry.js';

export interface ConflictReport {
  /** Every pair of live agent branches, and each branch with its base, sides named by agent (id: null for the base). */
  pairs: (PairPrediction & { aAgent: string | null; bAgent: string | null; conflicting: boolean })[];
  /** Agents whose work is done (idle or exited), in the order that merges with fewest conflicts. */
  mergeOrder: { order: string[]; notes: string[] };
}

/**
 * Review and delivery of agents' work (DESIGN §6): diff, commit, merge with a test gate,
 * feedback through the safe-input path, and the conflict radar with its events.
 */
export class ReviewService {
  /** Pairs known to conflict, by "a\u0000b", to emit conflict.predicted / conflict.cleared once. */
  private readonly conflicting = new Map<string, string[]>();
  /** The report of the radar's last run, and its first run while one is asked for (`cached`). */
  private lastReport: ConflictReport | null = null;
  private firstRun: Promise<ConflictReport> | null = null;

  constructor(
    private readonly d: {
      registry: AgentRegistry;
      service: AgentService;
      git: AgentGit;
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
      void this.radar().catch(() => undefined);
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
    // A merge takes commits only: work left uncommitted would silently stay behind.
    const { uncommitted } = await this.d.git.worktrees.wouldLose(wt);
    if (uncommitted.length > 0 && opts.commit === undefined) {
      throw new AppError(
        'MERGE_UNCOMMITTED',
        `Agent "${agent.name}" has ${uncommitted.length} uncommitted file(s) (${uncommitted.slice(0, 5).join(', ')}${uncommitted.length > 5 ? ', …' : ''}); commit them first (wtp commit, or wtp merge --commit MSG).`,
        { agent: agent.name, files: uncommitted },
      );
    }
    if (uncommitted.length > 0 && opts.commit !== undefined) await this.commit(agent.id, opts.commit, source);
    const result = await this.d.git.review.merge(wt, {
      strategy: opts.strategy,
      into: opts.into,
      testCommand: opts.test,
    });
    if (result.commit !== null) {
      await this.d.registry.record([
        agentEvent(agent, source, 'agent.merged', {
          strategy: opts.strategy,
          target: result.target,
          commit: result.commit,
          test: opts.test ?? null,
        }),
      ]);
      void this.radar().catch(() => undefined);
    }
    return result;
  }

  /** Review comments back to the agent, typed through the safe-input path (refused while it works). */
  feedback(ref: string, text: string, source: EventSource) {
    return this.d.service.sendInput(ref, text, true, source);
  }

  /**
   * The conflict radar: `git merge-tree --write-tree` between every pair of live agent branches of
   * a repository and between each branch and its base; records conflict.predicted when a pair
   * starts to conflict and conflict.cleared when it stops.
   */
  async radar(): Promise<ConflictReport> {
    // Every agent's branch counts until the agent is removed: exited agents' work is still to merge.
    const agents = this.d.registry.all().filter((a) => a.worktree?.branch);
    const byRepo = new Map<string, AgentRecord[]>();
    for (const a of agents) {
      const repo = a.worktree?.repo ?? '';
      byRepo.set(repo, [...(byRepo.get(repo) ?? []), a]);
    }
    const pairs: ConflictReport['pairs'] = [];
    const mergeOrder: ConflictReport['mergeOrder'] = { order: [], notes: [] };
    const events: NewEvent[] = [];
    for (const [repo, list] of byRepo) {
      const doneBranches: string[] = [];
      const base = list[0]?.worktree?.base ?? 'HEAD';
      // Branches are unique within a repository, not across repositories.
      const agentOf = new Map(list.map((a) => [a.worktree?.branch ?? '', a]));
      const nameOf = (ref: string): string => agentOf.get(ref)?.name ?? ref;
      const refs = list.map((a) => a.worktree?.branch ?? '');
      const predictions = await this.d.git.review.predict(repo, refs, base);
      for (const p of predictions) {
        const conflicting = p.conflicts.length > 0;
        pairs.push({
          ...p,
          a: nameOf(p.a),
          b: nameOf(p.b),
          aAgent: agentOf.get(p.a)?.id ?? null,
          bAgent: agentOf.get(p.b)?.id ?? null,
          conflicting,
        });
        const key = `${repo}\u0000${p.a}\u0000${p.b}`;
        const files = p.conflicts.map((c) => c.path);
        const anchor = agentOf.get(p.a) ?? list[0];
        if (!anchor) continue;
        const a = nameOf(p.a);
        const b = nameOf(p.b);
        if (conflicting && this.conflicting.get(key)?.join('\n') !== files.join('\n')) {
          this.conflicting.set(key, files);
          events.push(agentEvent(anchor, 'policy', 'conflict.predicted', { a, b, files }));
        } else if (!conflicting && this.conflicting.has(key)) {
          this.conflicting.delete(key);
          events.push(agentEvent(anchor, 'policy', 'conflict.cleared', { a, b }));
        }
      }
      for (const a of list) {
        if (a.state === 'idle' || a.state === 'exited') doneBranches.push(a.worktree?.branch ?? '');
      }
      // Only pairs among finished branches and with the base: a branch still being worked on is
      // not to be merged yet (and is not the base either).
      const working = new Set(refs.filter((r) => !doneBranches.includes(r)));
      const relevant = predictions.filter((p) => !working.has(p.a) && !working.has(p.b));
      const order = suggestMergeOrder(doneBranches, relevant);
      mergeOrder.order.push(...order.order.map(nameOf));
      mergeOrder.notes.push(...order.notes);
    }
    if (events.length > 0) await this.d.registry.record(events);
    this.lastReport = { pairs, mergeOrder };
    return this.lastReport;
  }

  /** The report of the radar's last run without running git again; runs it once if it never ran. */
  cachedRadar(): Promise<ConflictReport> {
    if (this.lastReport) return Promise.resolve(this.lastReport);
    this.firstRun ??= this.radar().finally(() => (this.firstRun = null));
    return this.firstRun;
  }

  /** Drops the last report (an agent it names is gone): the next cached read runs the radar. */
  forgetReport(): void {
    this.lastReport = null;
  }

  /**
   * Removes the worktrees and branches of agents that have ended and whose work is merged (nothing
   * would be lost); `dryRun` only reports. Returns what went, what stayed and why, and bytes freed.
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
      const loss = await this.d.git.worktrees.wouldLose(wt);
      if (loss.uncommitted.length > 0 || loss.unmergedCommits.length > 0) {
        kept.push({ agent: agent.name, why: `would lose ${describeLoss(loss)}` });
        continue;
      }
      const bytes = await this.d.git.worktrees.diskUsage(wt.path).catch(() => 0);
      if (!dryRun) {
        await this.d.git.worktrees.remove(wt, false);
        agent.worktree = null;
        await this.d.registry.saveQuietly([agent]);
      }
      removed.push({ agent: agent.name, path: wt.path, branch: wt.branch, bytes });
    }
    return { removed, kept, bytesFreed: removed.reduce((n, r) => n + r.bytes, 0), dryRun };
  }

  setupShow(repo: string) {
    return { repo, setup: this.d.git.worktrees.setupScript(repo) };
  }

  /** Approves the repository's setup script, only if `hash` is the script as it is now. */
  setupApprove(repo: string, hash: string) {
    const script = this.d.git.worktrees.setupScript(repo);
    if (!script) {
      throw new AppError(
        'INVALID_INPUT',
        `${repo} has no setup script (.wezterm-parallel/config.yaml, setup:).`,
        {
          issues: [{ path: 'body.repo', message: 'no setup script' }],
        },
      );
    }
    if (script.hash !== hash) {
      throw new AppError(
        'SETUP_NOT_APPROVED',
        'The setup script changed since that hash was shown; review it again.',
        {
          repo,
          commands: script.commands,
          hash: script.hash,
        },
      );
    }
    this.d.git.worktrees.approveSetup(repo, hash);
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
