import type { EventSource, NewEvent, WtpEvent } from '../../protocol/events.js';
import type { PullRequestView } from '../../protocol/forge.js';
import { appError } from '../../protocol/error-messages.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { EventBus } from '../model/event-bus.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { ForgeCli, ForgePullRequest } from '../ports/forge.js';
import type { TaskService } from '../tasks/task-service.js';
import { checksFeedbackText } from './checks-feedback.js';
import { checksSummary, failingChecks, toPullRequestView, type PullRequestRecord } from './pr-record.js';

export interface WatcherSettings {
  /** Between two polls of an open pull request (config `forge.pollIntervalMs`). */
  pollIntervalMs: number;
  /** The longest interval failed polls back off to. */
  maxPollIntervalMs: number;
  /** Rounds of automatic check feedback for tasks that name none (config `forge.fixChecks`). */
  fixChecks: number;
}

/** What the watcher needs of the agent service and of delivery. */
export interface WatcherActions {
  /** Types text through the safe-input path (refused while the agent works, unless `force`). */
  sendInput(
    ref: string,
    text: string,
    enter: boolean,
    source: EventSource,
    force?: boolean,
  ): Promise<{ bytes: number; seq: number }>;
  /** Pushes the agent's branch (no force) to the remote of its pull request. */
  pushFix(agentId: string, remote: string): Promise<unknown>;
}

/**
 * Checks come back: polls every open pull request through the forge's CLI — one at a
 * time, every `pollIntervalMs`, backing off after failures, never without an open one — and on
 * demand; records state, review decision and checks on the agent (`agent.prChanged`), ends its
 * task when it is merged (`agent.prMerged`), sends failing checks to the agent as feedback (by
 * hand, or by itself a bounded number of times for a task's agent) and pushes the agent's fix
 * when it finishes its turn.
 */
export class PrWatcher {
  private timer: TimerHandle | null = null;
  /** Agent id → when its open pull request is polled next. */
  private readonly due = new Map<string, number>();
  /** Agent id → the poll in flight (a second caller waits for it). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private off: (() => void) | null = null;
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly d: {
      registry: AgentRegistry;
      forge: ForgeCli;
      tasks: TaskService;
      bus: EventBus;
      clock: Clock;
      log: Logger;
      actions: WatcherActions;
      settings: WatcherSettings;
    },
  ) {}

  start(): void {
    const now = this.d.clock.now();
    for (const a of this.d.registry.all()) {
      const pr = a.pullRequest;
      if (pr?.state === 'open') this.due.set(a.id, (pr.polledAt ?? now) + this.intervalOf(pr));
    }
    this.off = this.d.bus.subscribe((e) => this.onEvent(e));
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.off?.();
    this.off = null;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** When the agent's open pull request is polled next (null: it has none). */
  nextPollAt(agentId: string): number | null {
    return this.due.get(agentId) ?? null;
  }

  /** A pull request was opened or pushed to: polled one interval from now. */
  schedule(agentId: string): void {
    const pr = this.d.registry.get(agentId)?.pullRequest;
    if (pr?.state !== 'open') return;
    this.due.set(agentId, this.d.clock.now() + this.d.settings.pollIntervalMs);
    this.arm();
  }

  /** Every agent's pull request as last polled, oldest first. */
  list(): { agent: string; pullRequest: PullRequestView }[] {
    return this.d.registry
      .all()
      .filter((a) => a.pullRequest)
      .sort((a, b) => (a.pullRequest?.createdAt ?? 0) - (b.pullRequest?.createdAt ?? 0))
      .map((a) => this.view(a));
  }

  /** The agent's pull request as last polled (PR_NOT_FOUND without one). */
  get(ref: string): { agent: string; pullRequest: PullRequestView } {
    return this.view(this.withPr(ref));
  }

  /** Asks the forge now (`wtp pr status NAME`); a failing CLI is the caller's error. */
  async refresh(ref: string): Promise<{ agent: string; pullRequest: PullRequestView }> {
    const agent = this.withPr(ref);
    await this.poll(agent.id, true);
    return this.get(agent.id);
  }

  /** Asks the forge now for every open pull request, one after the other (failures are recorded). */
  async refreshAll(): Promise<{ pullRequests: { agent: string; pullRequest: PullRequestView }[] }> {
    for (const a of this.d.registry.all()) {
      if (a.pullRequest?.state === 'open') await this.poll(a.id, false);
    }
    return { pullRequests: this.list() };
  }

  /**
   * Sends the failing checks (polled now; the last known when the forge does not answer) to the
   * agent as a prompt, through the safe-input path. CHECKS_NOT_FAILING when none fails.
   */
  async checksFeedback(ref: string, o: { text?: string | undefined; force: boolean }, source: EventSource) {
    const agent = this.withPr(ref);
    if (agent.pullRequest?.state === 'open') {
      await this.poll(agent.id, false);
    }
    const pr = this.withPr(agent.id).pullRequest as PullRequestRecord;
    const failing = pr.checks.filter((c) => c.state === 'fail');
    if (failing.length === 0) {
      const state = checksSummary(pr.checks);
      throw appError('CHECKS_NOT_FAILING', {
        agent: agent.name,
        number: pr.number,
        checksState: state,
        state: pr.state,
      });
    }
    const sent = await this.d.actions.sendInput(
      agent.id,
      checksFeedbackText(pr, failing, o.text),
      true,
      source,
      o.force,
    );
    await this.fed(agent, pr);
    return { ...sent, failing: failing.map((c) => c.name), round: pr.fixRounds };
  }

  private onEvent(e: WtpEvent): void {
    if (e.type !== 'agent.stateChanged' || e.agentId === null || e.data.to !== 'idle') return;
    const agent = this.d.registry.get(e.agentId);
    const pr = agent?.pullRequest;
    if (!agent || pr?.state !== 'open') return;
    void this.afterTurn(agent, pr, e.data.from === 'working').catch((err: unknown) =>
      this.d.log.warn({ err, agentId: agent.id }, 'pull request follow-up failed'),
    );
  }

  /** The agent is at its prompt: push the fix it was asked for, or send failing checks it has not had. */
  private async afterTurn(agent: AgentRecord, pr: PullRequestRecord, worked: boolean): Promise<void> {
    if (pr.awaitingFix && worked) {
      await this.d.actions.pushFix(agent.id, pr.remote);
      return;
    }
    await this.autoFix(agent, pr);
  }

  /** Failing checks of a new commit go to a task's agent by itself, while it has rounds left. */
  private async autoFix(agent: AgentRecord, pr: PullRequestRecord): Promise<void> {
    const failing = pr.checks.filter((c) => c.state === 'fail');
    if (failing.length === 0 || pr.fedCommit === pr.headCommit || pr.awaitingFix) return;
    // A task's own bound, else the config's; an agent without a task gets none by itself.
    const task = this.d.tasks.byAgent(agent.id);
    if (!task || pr.fixRounds >= (task.fixChecks ?? this.d.settings.fixChecks)) return;
    if (agent.state !== 'idle') return; // typed once it is at its prompt (see onEvent)
    await this.d.actions.sendInput(agent.id, checksFeedbackText(pr, failing), true, 'policy');
    await this.fed(agent, pr);
  }

  private async fed(agent: AgentRecord, pr: PullRequestRecord): Promise<void> {
    pr.fixRounds += 1;
    pr.fedCommit = pr.headCommit;
    pr.awaitingFix = true;
    await this.d.registry.saveQuietly([agent]);
  }

  /** One poll of the agent's pull request; `raise`: a failure is thrown (else only recorded). */
  private poll(agentId: string, raise: boolean): Promise<void> {
    const running = this.inFlight.get(agentId);
    const run = running ?? this.pollOnce(agentId).finally(() => this.inFlight.delete(agentId));
    if (!running) this.inFlight.set(agentId, run);
    return raise ? run : run.catch(() => undefined);
  }

  private async pollOnce(agentId: string): Promise<void> {
    const agent = this.d.registry.get(agentId);
    let pr = agent?.pullRequest;
    const wt = agent?.worktree;
    if (!agent || !pr || !wt || pr.state !== 'open') {
      this.due.delete(agentId);
      return;
    }
    let got: ForgePullRequest;
    try {
      got = await this.d.forge.view(pr.forge, wt.repo, pr.number);
      // `wtp pr` may have recorded the pull request again meanwhile: what came back is applied to
      // the record the agent has now, if it is still this pull request.
      const now = agent.pullRequest;
      if (now !== pr && now?.number === pr.number && now.forge === pr.forge) pr = now;
      else if (now !== pr) return;
    } catch (err) {
      pr.failures += 1;
      pr.polledAt = this.d.clock.now();
      pr.pollError = err instanceof Error ? err.message : String(err);
      this.due.set(agentId, pr.polledAt + this.intervalOf(pr));
      await this.d.registry.saveQuietly([agent]);
      this.arm();
      throw err;
    }
    await this.apply(agent, pr, got);
    if (pr.state === 'open') this.due.set(agentId, this.d.clock.now() + this.intervalOf(pr));
    else this.due.delete(agentId);
    this.arm();
    await this.autoFix(agent, pr).catch((err: unknown) =>
      this.d.log.info({ err, agentId }, 'failing checks not sent yet'),
    );
  }

  /** Takes in what the forge said; events for what changed. */
  private async apply(agent: AgentRecord, pr: PullRequestRecord, got: ForgePullRequest): Promise<void> {
    const before = {
      state: pr.state,
      review: pr.reviewDecision,
      checks: checksSummary(pr.checks),
      failing: failingChecks(pr.checks).join('\n'),
    };
    pr.state = got.state;
    pr.reviewDecision = got.reviewDecision;
    pr.draft = got.draft;
    pr.title = got.title;
    // The forge's head is the pull request's (someone may have pushed to it); its checks are that commit's.
    pr.headCommit = got.headCommit ?? pr.headCommit;
    pr.checks = got.checks;
    pr.polledAt = this.d.clock.now();
    pr.pollError = null;
    pr.failures = 0;
    if (got.state === 'merged') {
      pr.mergedAt = got.mergedAt ?? pr.polledAt;
      pr.mergeCommit = got.mergeCommit;
      pr.awaitingFix = false;
    }
    const failing = failingChecks(pr.checks);
    const events: NewEvent[] = [];
    const changed =
      before.state !== pr.state ||
      before.review !== pr.reviewDecision ||
      before.checks !== checksSummary(pr.checks) ||
      before.failing !== failing.join('\n');
    if (changed) {
      events.push(
        agentEvent(agent, 'daemon', 'agent.prChanged', {
          number: pr.number,
          state: pr.state,
          reviewDecision: pr.reviewDecision,
          checksState: checksSummary(pr.checks),
          failing,
        }),
      );
    }
    if (before.state !== 'merged' && pr.state === 'merged') {
      events.push(
        agentEvent(agent, 'daemon', 'agent.prMerged', {
          number: pr.number,
          url: pr.url,
          mergeCommit: pr.mergeCommit,
        }),
      );
    }
    await this.d.registry.save(agent, events);
    if (before.state !== pr.state)
      await this.d.tasks.recordPullRequest(agent.id, { number: pr.number, url: pr.url, state: pr.state });
  }

  /** The interval after `failures` failed polls in a row: doubled each time, up to the maximum. */
  private intervalOf(pr: PullRequestRecord): number {
    const s = this.d.settings;
    return Math.min(s.maxPollIntervalMs, s.pollIntervalMs * 2 ** Math.min(pr.failures, 20));
  }

  /** The timer for the next due poll; none while no pull request is open. */
  private arm(): void {
    if (this.stopped) return;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
    if (this.due.size === 0 || this.ticking) return;
    const next = Math.min(...this.due.values());
    this.timer = this.d.clock.setTimer(Math.max(0, next - this.d.clock.now()), () => void this.tick());
  }

  private async tick(): Promise<void> {
    this.timer = null;
    this.ticking = true;
    try {
      const now = this.d.clock.now();
      const ready = [...this.due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
      for (const [agentId] of ready) {
        if (this.stopped) return;
        await this.poll(agentId, false);
      }
    } finally {
      this.ticking = false;
      this.arm();
    }
  }

  private withPr(ref: string): AgentRecord {
    const agent = this.d.registry.resolve(ref);
    if (!agent.pullRequest) {
      throw appError('PR_NOT_FOUND', { agent: agent.name });
    }
    return agent;
  }

  private view(a: AgentRecord): { agent: string; pullRequest: PullRequestView } {
    return {
      agent: a.name,
      pullRequest: toPullRequestView(a.pullRequest as PullRequestRecord, this.nextPollAt(a.id)),
    };
  }
}
