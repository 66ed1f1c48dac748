import type { WtpEvent } from '../../protocol/events.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { FleetTaskRow, FleetTasks } from '../ports/fleet.js';
import type { TaskRecord } from '../model/task-record.js';
import type { TaskService } from '../tasks/task-service.js';
import { newTaskRecord } from '../tasks/new-task.js';

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

/**
 * This machine's share of the fleet's tasks (issue 21). It claims ready tasks of the repositories
 * it has a workspace for, while it has free slots, and hands each to the local task service as a
 * task like any other (the dispatcher starts its agent, a merge makes it done). It renews the
 * leases of those that run, and reports their results under their run: a result the fleet refuses
 * (the lease lapsed and another machine runs the task) leaves the local task cancelled and says
 * why; a task moved away in the fleet (cancelled, given back) is let go here. Nothing is killed:
 * agents keep running for the user to look at.
 */
export class FleetTaskRunner {
  private running: Promise<void> = Promise.resolve();
  private pollTimer: TimerHandle | null = null;
  private renewTimer: TimerHandle | null = null;
  private off: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly d: {
      tasks: FleetTasks;
      local: Pick<TaskService, 'adopt' | 'record' | 'setStatus' | 'list'>;
      /** This machine's repositories by remote URL → the local workspace that has it. */
      repos(): Map<string, string>;
      subscribe(listener: (e: WtpEvent) => void): () => void;
      /** Every read of the fleet's tasks (the board shows them). */
      seen?(rows: FleetTaskRow[]): void;
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

  /** One operation at a time, in order; failures are logged (the database may be away) and retried later. */
  private soon(op: () => Promise<void>): void {
    if (this.stopped) return;
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      try {
        await op();
      } catch (err) {
        this.d.logger.debug(
          { err: err instanceof Error ? err.message : String(err) },
          'fleet tasks: not now',
        );
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
    const free = this.capacity();
    if (free === 0 || repos.size === 0) return;
    const claimed = await this.d.tasks.claim([...repos.keys()], free, this.d.settings.leaseMs);
    for (const row of claimed) {
      const workspaceId = repos.get(row.repo);
      if (workspaceId === undefined) continue;
      this.d.logger.info({ taskId: row.id, run: row.runId }, 'fleet task claimed');
      await this.d.local.adopt(localTask(row, workspaceId, this.d.clock.now()), 'fleet');
    }
    if (claimed.length > 0) this.d.seen?.(await this.d.tasks.list());
  }

  /**
   * Local runs set against the fleet's record, at every read: a run the fleet moved away from
   * (cancelled, given back, taken over) is let go here; a result not reported (the daemon was
   * down, or it ended before this runner listened) is reported now — refused when it is late.
   */
  private async reconcile(all: FleetTaskRow[]): Promise<void> {
    const byId = new Map(all.map((t) => [t.id, t]));
    for (const t of this.mine()) {
      const row = byId.get(t.id);
      const run = t.fleet?.runId;
      if (run === undefined) continue;
      if (isLive(t)) {
        if (row && row.runId === run && (row.status === 'running' || row.status === 'review')) continue;
        const why = !row
          ? 'gone from the fleet'
          : row.runId !== run
            ? `its run moved on in the fleet (${row.leaseMachine ?? 'no machine'} holds it now)`
            : `moved to ${row.status} in the fleet`;
        await this.d.local.setStatus(t.id, 'cancelled', why);
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
    for (const t of live) {
      if (t.fleet && !kept.has(t.fleet.runId)) {
        this.d.logger.warn({ taskId: t.id, run: t.fleet.runId }, 'fleet task: lease lost');
        await this.d.local.setStatus(
          t.id,
          'cancelled',
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
    fleet: { runId: row.runId ?? '' },
  };
}
