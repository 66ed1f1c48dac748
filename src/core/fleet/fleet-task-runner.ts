import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import { AppError } from '../errors.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { FleetTaskList, FleetTaskRow, FleetTasks } from '../ports/fleet.js';
import type { TaskRecord } from '../model/task-record.js';
import type { TaskService } from '../tasks/task-service.js';
import { newTaskRecord } from '../tasks/new-task.js';
import {
  judgeTask,
  type AcceptanceContext,
  type AcceptancePolicy,
  type Refusal,
} from './fleet-acceptance.js';

export interface RunnerSettings {
  /** Fleet tasks this machine runs at once. */
  slots: number;
  /** A claim is this machine's this long after its last renewal. */
  leaseMs: number;
  /** Between two looks for claimable tasks (notifications wake it sooner). */
  pollMs: number;
}

/** The statuses a local run of a fleet task reports back. */
const REPORTED = new Set(['review', 'done', 'failed', 'cancelled']);

/** Why the runner cannot read or claim the fleet's tasks now (`wtp fleet`). */
export interface RunnerHealth {
  error: { code: string; message: string; since: number } | null;
  /** Tasks of this machine's repositories it refuses now. */
  refused: number;
  /** Fleet tasks of this machine let go because their rows were gone (since the daemon started). */
  gone: number;
}

/** Said of a task whose row is gone from the fleet database. */
export const GONE_REASON =
  'its row is gone from the fleet database (dropped and made again, or replaced?): let go here, its agents keep running';

/**
 * This machine's share of the fleet's tasks: it claims ready tasks of repositories it has a workspace
 * for, while it has free slots and its `fleet.acceptTasks` policy takes them (refusals are said, with
 * why, in the fleet and in events), and runs each as a local task. It renews their leases and reports
 * their results: one the fleet refuses (the lease lapsed, another machine runs the task) cancels the
 * local task, saying why; a task moved away in the fleet, or gone, is let go and its slot freed.
 * Nothing is killed: agents keep running for the user to look at. Failures are logged, never silent.
 */
export class FleetTaskRunner {
  private running: Promise<void> = Promise.resolve();
  private pollTimer: TimerHandle | null = null;
  private renewTimer: TimerHandle | null = null;
  private off: (() => void) | null = null;
  private stopped = false;
  /** The refusal this machine last said of each task (`code reason`): said once per task and reason. */
  private readonly said = new Map<string, string>();
  private state: RunnerHealth = { error: null, refused: 0, gone: 0 };

  constructor(
    private readonly d: {
      tasks: FleetTasks;
      local: Pick<TaskService, 'adopt' | 'record' | 'setStatus' | 'release' | 'list'>;
      /** This machine's name in the fleet. */
      machine: string;
      /** What it runs of the fleet's tasks, and how a task's profile and mode are read. */
      accept: { policy: AcceptancePolicy; ctx: AcceptanceContext };
      /** Records local events (a task refused). */
      record?(events: NewEvent[]): Promise<unknown>;
      /** This machine's repositories by remote URL → the local workspace that has it. */
      repos(): Map<string, string>;
      subscribe(listener: (e: WtpEvent) => void): () => void;
      /** Every read of the fleet's tasks (the board shows them). */
      seen?(list: FleetTaskList): void;
      clock: Clock;
      logger: Logger;
      settings: RunnerSettings;
    },
  ) {}

  start(): void {
    this.off = this.d.subscribe((e) => this.onEvent(e));
    this.poll();
    this.renewTimer = this.d.clock.setTimer(this.renewEvery(), () => this.renewTick());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    for (const t of [this.pollTimer, this.renewTimer]) if (t) this.d.clock.clearTimer(t);
    await this.running;
  }

  /** Resolves once the operations asked for so far are done. */
  settled(): Promise<void> {
    return this.running;
  }

  /** How its reading and claiming stands. */
  health(): RunnerHealth {
    return { ...this.state };
  }

  /** Slots free for fleet tasks now. */
  capacity(): number {
    return Math.max(0, this.d.settings.slots - this.mine().filter((t) => isLive(t)).length);
  }

  /** A notification: the fleet's tasks changed. */
  changed(): void {
    this.soon(() => this.claimAndSync());
  }

  private renewEvery(): number {
    return Math.max(100, Math.floor(this.d.settings.leaseMs / 3));
  }

  private poll(): void {
    if (this.stopped) return;
    this.changed();
    this.pollTimer = this.d.clock.setTimer(this.d.settings.pollMs, () => this.poll());
  }

  private renewTick(): void {
    if (this.stopped) return;
    this.renewTimer = this.d.clock.setTimer(this.renewEvery(), () => this.renewTick());
    this.soon(() => this.renew());
  }

  /**
   * One operation at a time, in order; a failure (the database away, a full disk here) is kept for
   * `wtp fleet`, logged as a warning when it starts or changes, and the operation tried again later.
   */
  private soon(op: () => Promise<void>): void {
    if (this.stopped) return;
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      try {
        await op();
        if (this.state.error)
          this.d.logger.info({ was: this.state.error.code }, 'fleet tasks: working again');
        this.state.error = null;
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'INTERNAL';
        const message = err instanceof Error ? err.message : String(err);
        if (this.state.error?.code !== code || this.state.error.message !== message) {
          this.d.logger.warn({ code, err: message }, 'fleet tasks: cannot read or claim them now');
        }
        this.state.error = { code, message, since: this.state.error?.since ?? this.d.clock.now() };
      }
    });
  }

  /** Local tasks that are fleet runs of this machine. */
  private mine(): TaskRecord[] {
    return this.d.local
      .list()
      .map((v) => this.d.local.record(v.id))
      .filter((t): t is TaskRecord => t?.fleet !== undefined);
  }

  private onEvent(e: WtpEvent): void {
    if (e.type !== 'task.statusChanged' || e.data.task === undefined) return;
    const task = this.d.local.record(e.data.task);
    const run = task?.fleet?.runId;
    if (!task || run === undefined || !REPORTED.has(e.data.to) || e.source === 'fleet') return;
    const to = e.data.to as 'review' | 'done' | 'failed' | 'cancelled';
    const reason = e.data.reason;
    this.soon(() => this.reportLocal(task.id, run, to, reason));
  }

  /** Reports a local run's result; refused (too late), the local task is cancelled and says why. */
  private async reportLocal(
    id: string,
    run: string,
    to: 'review' | 'done' | 'failed' | 'cancelled',
    reason: string,
  ): Promise<void> {
    const accepted = await this.d.tasks.report(id, run, to, reason);
    if (!accepted && to !== 'cancelled') {
      this.d.logger.warn({ taskId: id, run, status: to }, 'fleet task: result refused (its lease lapsed)');
      await this.d.local.setStatus(
        id,
        'cancelled',
        'the fleet refused its result: its lease lapsed, and the task runs (or ran) on another machine',
      );
    }
    if (to !== 'review') this.changed(); // a slot is free
  }

  private async claimAndSync(): Promise<void> {
    const all = await this.d.tasks.list();
    this.d.seen?.(all);
    await this.reconcile(all);
    const repos = this.d.repos();
    // A machine that runs none of the fleet's tasks (no slots) judges none.
    if (this.d.settings.slots === 0) return;
    // Judged before they are claimed: what this machine will not run is refused, not taken.
    const candidates = all.rows.filter(
      (t) =>
        repos.has(t.repo) &&
        (t.status === 'ready' || t.status === 'running') &&
        t.leaseMachine !== this.d.machine,
    );
    const accepted: string[] = [];
    const refused: { task: FleetTaskRow; why: Refusal }[] = [];
    for (const t of candidates) {
      const why = this.judge(t);
      if (why) refused.push({ task: t, why });
      else accepted.push(t.id);
    }
    this.state.refused = refused.length;
    await this.sayRefused(refused);
    const withdrawn = candidates.filter(
      (t) => accepted.includes(t.id) && t.refusals.some((r) => r.machine === this.d.machine),
    );
    if (withdrawn.length > 0) await this.d.tasks.withdraw(withdrawn.map((t) => t.id));
    const free = this.capacity();
    if (free === 0 || repos.size === 0 || accepted.length === 0) return;
    const claimed = await this.d.tasks.claim([...repos.keys()], free, this.d.settings.leaseMs, accepted);
    for (const row of claimed) {
      const workspaceId = repos.get(row.repo);
      const why = this.judge(row);
      if (workspaceId === undefined || why) {
        // Changed between the read and the claim (its creator edited it): let go at once, with why.
        const reason = why
          ? `refused by ${this.d.machine}: ${why.reason}`
          : 'no workspace here has its repository';
        await this.d.tasks.move(row.id, 'running', 'ready', reason);
        if (why) await this.sayRefused([{ task: row, why }]);
        continue;
      }
      this.d.logger.info({ taskId: row.id, run: row.runId }, 'fleet task claimed');
      await this.d.local.adopt(localTask(row, workspaceId, this.d.clock.now()), 'fleet');
    }
    if (claimed.length > 0) this.d.seen?.(await this.d.tasks.list());
  }

  private judge(t: FleetTaskRow): Refusal | null {
    return judgeTask(t, this.d.accept.policy, this.d.accept.ctx);
  }

  /**
   * Refusals said where they are seen: in the fleet (every machine's `wtp task ls`, the dashboard)
   * and once per task and reason in this machine's events and log.
   */
  private async sayRefused(refused: { task: FleetTaskRow; why: Refusal }[]): Promise<void> {
    const fresh = refused.filter(({ task, why }) => {
      const mine = task.refusals.find((r) => r.machine === this.d.machine);
      return !mine || mine.code !== why.code || mine.reason !== why.reason;
    });
    if (fresh.length > 0) {
      await this.d.tasks.refuse(
        fresh.map(({ task, why }) => ({ task: task.id, code: why.code, reason: why.reason })),
      );
    }
    for (const { task, why } of refused) {
      const key = `${why.code} ${why.reason}`;
      if (this.said.get(task.id) === key) continue;
      this.said.set(task.id, key);
      // Said in the fleet already (a daemon restarted): not an event again.
      const mine = task.refusals.find((r) => r.machine === this.d.machine);
      if (mine && mine.code === why.code && mine.reason === why.reason) continue;
      this.d.logger.warn(
        { taskId: task.id, createdBy: task.createdBy, code: why.code, reason: why.reason },
        'fleet task refused (fleet.acceptTasks)',
      );
      await this.d.record?.([
        {
          type: 'fleet.taskRefused',
          source: 'policy',
          agentId: null,
          workspaceId: null,
          data: {
            task: task.id,
            title: task.title,
            createdBy: task.createdBy,
            code: why.code,
            reason: why.reason,
          },
        },
      ]);
    }
  }

  /**
   * Local runs set against the fleet's record, at every read: a run the fleet moved away from
   * (cancelled, given back, taken over) is let go here; a result not reported (the daemon was
   * down, or it ended before this runner listened) is reported now — refused when it is late.
   */
  private async reconcile(all: FleetTaskList): Promise<void> {
    const byId = new Map(all.rows.map((t) => [t.id, t]));
    const unreadable = new Set(all.unreadable);
    for (const t of this.mine()) {
      const row = byId.get(t.id);
      const run = t.fleet?.runId;
      // An invalid row is not a row gone: nothing is decided on it until it reads again.
      if (run === undefined || unreadable.has(t.id)) continue;
      if (isLive(t)) {
        if (row && row.runId === run && (row.status === 'running' || row.status === 'review')) continue;
        const why = !row
          ? GONE_REASON
          : row.runId !== run
            ? `its run moved on in the fleet (${row.leaseMachine ?? 'no machine'} holds it now)`
            : `moved to ${row.status} in the fleet`;
        if (!row) {
          this.state.gone += 1;
          this.d.logger.warn({ taskId: t.id, run }, 'fleet task: its row is gone from the fleet database');
        }
        // Let go: cancelled here, its runs no longer holding the workspace's slots.
        await this.d.local.release(t.id, why);
        continue;
      }
      const ours = row?.runs.find((r) => r.runId === run);
      const unsaid =
        row !== undefined && ours !== undefined && (ours.status === 'running' || ours.status === 'lost');
      if (unsaid && (t.status === 'review' || t.status === 'failed' || t.status === 'done')) {
        await this.reportLocal(t.id, run, t.status, t.statusReason ?? t.status);
      }
    }
  }

  private async renew(): Promise<void> {
    const live = this.mine().filter((t) => t.status === 'running' || t.status === 'ready');
    const runs = live.flatMap((t) => (t.fleet ? [t.fleet.runId] : []));
    if (runs.length === 0) return;
    const kept = new Set(await this.d.tasks.renew(runs, this.d.settings.leaseMs));
    const lost = new Set(runs.filter((r) => !kept.has(r)));
    if (lost.size === 0) return;
    // A run not renewed has a row gone (the database replaced) or moved on, or its lease lapsed:
    // the fleet's rows say which, before anything is said of it.
    await this.reconcile(await this.d.tasks.list());
    for (const t of this.mine()) {
      if ((t.status === 'running' || t.status === 'ready') && t.fleet && lost.has(t.fleet.runId)) {
        this.d.logger.warn({ taskId: t.id, run: t.fleet.runId }, 'fleet task: lease lost');
        await this.d.local.release(
          t.id,
          'its fleet lease lapsed (this machine was away too long): another machine may run it',
        );
      }
    }
  }
}

/** A running, ready or waiting fleet run: it takes a slot. */
function isLive(t: TaskRecord): boolean {
  return t.status === 'ready' || t.status === 'running' || t.status === 'backlog';
}

/** The local task that runs a claimed fleet task here (its fleet id, its run). */
function localTask(row: FleetTaskRow, workspaceId: string, now: number): TaskRecord {
  return {
    ...newTaskRecord(
      row.id,
      workspaceId,
      {
        title: row.title,
        prompt: row.spec.prompt,
        dependsOn: [],
        priority: row.priority,
        profile: row.spec.profile ?? undefined,
        model: row.spec.model ?? undefined,
        permissionMode: row.spec.permissionMode ?? undefined,
        attempts: row.spec.attempts,
        retries: row.spec.retries ?? undefined,
        labels: row.spec.labels,
      },
      now,
    ),
    statusReason: `claimed from the fleet (run ${row.runId ?? '?'})`,
    fleet: { runId: row.runId ?? '', repo: row.repo, createdBy: row.createdBy },
  };
}
