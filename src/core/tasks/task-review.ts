import type { AgentState } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import type {
  AttemptComparison,
  PickAttemptRequest,
  PickResult,
  TaskComparison,
} from '../../protocol/task-compare.js';
import type { AgentService } from '../agents/agent-service.js';
import { appError } from '../../protocol/error-messages.js';
import type { EventLog, Logger } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import type { ReviewService } from '../git/review-service.js';
import type { TaskRun } from '../model/task-record.js';
import { latestRuns } from './task-runs.js';
import type { TaskService } from './task-service.js';
import { bucketOf } from '../reports/time-report.js';

/** A test command in a worktree is killed after this long. */
const TEST_TIMEOUT_MS = 30 * 60_000;
const TEST_OUTPUT_SHOWN = 2_000;

/**
 * Best of N, the human part: `wtp task compare` puts each attempt's diff stat, test result, time
 * and state history side by side; `wtp task pick` merges the winner and removes the others.
 */
export class TaskReview {
  constructor(
    private readonly d: {
      tasks: TaskService;
      review: ReviewService | null;
      service: AgentService;
      registry: AgentRegistry;
      events: EventLog;
      clock: { now(): number };
      log: Logger;
    },
  ) {}

  async compare(ref: string, opts: { test?: string | undefined; noTest: boolean }): Promise<TaskComparison> {
    const task = this.d.tasks.get(ref);
    const record = this.d.tasks.record(task.id);
    const latest = record ? [...latestRuns(record).entries()].sort(([a], [b]) => a - b) : [];
    const attempts: AttemptComparison[] = [];
    // One at a time: test commands of several worktrees at once would compete for the machine.
    for (const [attempt, run] of latest) {
      const tries = record?.runs.filter((r) => r.attempt === attempt && r.round === record.round).length ?? 1;
      attempts.push(await this.attempt(attempt, tries, run, opts));
    }
    return { task, attempts };
  }

  async pick(ref: string, req: PickAttemptRequest, source: EventSource): Promise<PickResult> {
    const view = this.d.tasks.get(ref);
    const record = this.d.tasks.record(view.id);
    const runs = record ? latestRuns(record) : new Map<number, TaskRun>();
    const winner = runs.get(req.attempt);
    if (!winner) {
      throw appError('TASK_ATTEMPT_NOT_FOUND', {
        task: view.id,
        attempt: req.attempt,
        attempts: [...runs.keys()],
        title: view.title,
      });
    }
    if (winner.status !== 'review') {
      throw appError('TASK_ATTEMPT_NOT_READY', {
        task: view.id,
        attempt: req.attempt,
        status: winner.status,
        title: view.title,
      });
    }
    const review = this.needReview();
    // The winner's uncommitted work is committed first: agents often write files and stop there.
    const message = `${view.title} (task ${view.id}, attempt ${req.attempt})`;
    const merged = await review.merge(
      winner.agentId,
      { strategy: req.strategy, test: req.test, commit: message },
      source,
    );
    await this.d.tasks.runEnded(winner.agentId, 'merged', `picked: merged into ${merged.target}`);
    const removed: string[] = [];
    const kept: string[] = [];
    for (const [attempt, run] of runs) {
      if (attempt === req.attempt) continue;
      await this.d.tasks.runEnded(run.agentId, 'discarded', `attempt ${req.attempt} was picked`);
      const agent = this.d.registry.get(run.agentId);
      if (!agent) continue;
      if (req.keepOthers) {
        kept.push(agent.name);
        continue;
      }
      try {
        await this.d.service.remove(agent.id, true, source);
        removed.push(agent.name);
      } catch (err) {
        this.d.log.warn({ err, agent: agent.name }, 'a losing attempt was not removed');
        kept.push(agent.name);
      }
    }
    const winnerName = this.d.registry.get(winner.agentId)?.name ?? winner.agentId;
    return {
      task: this.d.tasks.get(view.id),
      merged: { agent: winnerName, commit: merged.commit, target: merged.target },
      removed,
      kept,
    };
  }

  private async attempt(
    attempt: number,
    tries: number,
    run: TaskRun,
    opts: { test?: string | undefined; noTest: boolean },
  ): Promise<AttemptComparison> {
    const end = run.endedAt ?? this.d.clock.now();
    const states = await this.history(run, end);
    const time = { working: 0, waiting: 0, idle: 0, other: 0 };
    states.forEach((s, i) => {
      const bucket = bucketOf(s.state as AgentState);
      const until = i + 1 < states.length ? Date.parse(states[i + 1]?.at ?? '') : end;
      if (bucket) time[bucket] += Math.max(0, until - Math.max(Date.parse(s.at), run.startedAt));
    });
    const agent = this.d.registry.get(run.agentId);
    const out: AttemptComparison = {
      attempt,
      tries,
      run: {
        ...run,
        agent: agent?.name ?? null,
        startedAt: iso(run.startedAt),
        endedAt: run.endedAt === null ? null : iso(run.endedAt),
      },
      ms: Math.max(0, end - run.startedAt),
      time,
      states,
      diff: null,
      test: null,
    };
    if (!agent) return { ...out, diffError: 'the agent was removed', testSkipped: 'the agent was removed' };
    const review = this.d.review;
    if (!review) return { ...out, diffError: 'git is not available', testSkipped: 'git is not available' };
    try {
      const { diff } = await review.diff(agent.id, true);
      out.diff = {
        files: diff.files.length,
        insertions: diff.files.reduce((n, f) => n + f.insertions, 0),
        deletions: diff.files.reduce((n, f) => n + f.deletions, 0),
      };
    } catch (err) {
      out.diffError = err instanceof Error ? err.message : String(err);
    }
    if (opts.noTest) return { ...out, testSkipped: 'not asked for (--no-test)' };
    if (out.diffError !== undefined) return { ...out, testSkipped: 'no worktree to test in' };
    const { command, why } =
      opts.test === undefined ? review.repoTest(agent.id) : { command: opts.test, why: '' };
    if (command === null) return { ...out, testSkipped: why };
    const r = await review.test(agent.id, command, TEST_TIMEOUT_MS);
    out.test = {
      command,
      passed: r.exitCode === 0 && !r.timedOut,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      ms: r.ms,
      output: r.output.slice(-TEST_OUTPUT_SHOWN),
    };
    return out;
  }

  /** The run's states: the agent's state changes from the run's start to its end. */
  private async history(run: TaskRun, end: number): Promise<AttemptComparison['states']> {
    const states: AttemptComparison['states'] = [];
    let before: AttemptComparison['states'][number] | null = null;
    for (let since = 0; ;) {
      const page = await this.d.events.since({
        since,
        limit: 1000,
        agentId: run.agentId,
        types: ['agent.stateChanged'],
      });
      for (const e of page) {
        if (e.type !== 'agent.stateChanged') continue;
        const at = Date.parse(e.ts);
        const entry = { at: e.ts, state: e.data.to, reason: e.data.detail.reason ?? null };
        if (at < run.startedAt) before = { ...entry, at: iso(run.startedAt) };
        else if (at <= end) states.push(entry);
      }
      if (page.length < 1000) break;
      since = page[page.length - 1]?.seq ?? since;
    }
    return before ? [before, ...states] : states;
  }

  private needReview(): ReviewService {
    if (!this.d.review) throw appError('GIT_FAILED', {});
    return this.d.review;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
