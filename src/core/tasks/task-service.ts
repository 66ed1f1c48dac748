import type { EventSource, NewEvent } from '../../protocol/events.js';
import type { CreateTaskRequest, Plan, TaskBlocked, TaskStatus, TaskView } from '../../protocol/tasks.js';
import { DEFAULT_WORKSPACE } from '../../protocol/workspace.js';
import { appError } from '../../protocol/error-messages.js';
import type { Clock, IdGenerator } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import { ALLOWED_MOVES, canMove, planOrder } from './task-graph.js';
import { TaskIndex } from './task-index.js';
import type { RunStatus, TaskPullRequest, TaskRecord, TaskRun } from '../model/task-record.js';
import { taskView } from './task-view.js';
import { newTaskRecord, type NewTaskSpec } from './new-task.js';
import { retriesOf, settledStatus } from './task-runs.js';
import { taskBlocked } from './task-blocked.js';
import { resolveTask } from './task-ref.js';
import type { DispatchSettings } from './dispatcher.js';
import type { BudgetHold } from '../usage/budget-limits.js';
import type { UsageGovernor } from './usage-governor.js';

/** A run as the dispatcher starts it. */
export type NewRun = Pick<TaskRun, 'attempt' | 'try' | 'agentId' | 'profile' | 'model' | 'reused'>;

/**
 * The task graph (DESIGN §7): tasks with dependencies, priorities and statuses, persisted with an
 * event for every change. Dispatching tasks to agents builds on this.
 */
export class TaskService {
  private readonly tasks = new Map<string, TaskRecord>();
  /** Readiness, live runs and agent → task, kept up to date with every change. */
  private index: TaskIndex;
  /** The latest creation time given out: creation times are distinct, so creation order is total. */
  private lastCreated = 0;

  constructor(
    private readonly d: {
      registry: AgentRegistry;
      ids: IdGenerator;
      clock: Clock;
      /** Retries of a failed attempt when the task names none (config `tasks.retries`). */
      retries: number;
      /** The dispatcher's limits, for saying why a task waits. */
      dispatch: Pick<DispatchSettings, 'maxAgentsPerWorkspace' | 'defaultProfile'>;
      governor: Pick<UsageGovernor, 'heldFor'> | null;
      /** A budget in money reached for a task, if any. */
      budget?: ((task: TaskRecord) => BudgetHold | undefined) | undefined;
    },
  ) {
    this.index = this.newIndex([]);
  }

  async load(): Promise<void> {
    const loaded = await this.d.registry.loadTasks();
    for (const t of loaded) {
      this.tasks.set(t.id, t);
      this.lastCreated = Math.max(this.lastCreated, t.createdAt);
    }
    this.index = this.newIndex(loaded);
  }

  /** The indexes the dispatcher reads (rebuilt, so read it again after a failed write). */
  get graph(): TaskIndex {
    return this.index;
  }

  private newIndex(tasks: TaskRecord[]): TaskIndex {
    const index = new TaskIndex({ get: (id) => this.tasks.get(id), retries: () => this.d.retries });
    for (const t of tasks) index.update(undefined, t);
    return index;
  }

  /** Retries the task gets. */
  retries(task: TaskRecord): number {
    return retriesOf(task, this.d.retries);
  }

  list(filter: { status?: TaskStatus | undefined; workspace?: string | undefined } = {}): TaskView[] {
    const ws =
      filter.workspace === undefined ? undefined : this.d.registry.resolveWorkspace(filter.workspace);
    return [...this.tasks.values()]
      .filter(
        (t) => (ws ? t.workspaceId === ws.id : true) && (filter.status ? t.status === filter.status : true),
      )
      .sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((t) => this.view(t));
  }

  get(ref: string): TaskView {
    return this.view(this.resolve(ref));
  }

  async add(req: CreateTaskRequest, source: EventSource): Promise<TaskView> {
    const ws = this.d.registry.resolveWorkspace(req.workspace ?? DEFAULT_WORKSPACE);
    const dependsOn = (req.after ?? []).map((ref) => this.resolve(ref, ws.id).id);
    const task = this.newTask(ws.id, { ...req, dependsOn });
    await this.persist([task], [this.event(task, source, 'task.created', { task: this.view(task) })]);
    return this.view(task);
  }

  /**
   * Imports a plan: every task or none (unknown dependencies, duplicates and cycles are refused).
   * `workspace` (a name or id) overrides the plan's own; a task's title defaults to its name.
   */
  async importPlan(plan: Plan, source: EventSource, workspace?: string): Promise<TaskView[]> {
    const order = planOrder(plan);
    const ws = this.d.registry.resolveWorkspace(workspace ?? plan.workspace ?? DEFAULT_WORKSPACE);
    const idOf = new Map<string, string>();
    const made: TaskRecord[] = [];
    for (const name of order) {
      const spec = plan.tasks.find((t) => t.name === name);
      if (!spec) continue;
      const task = this.newTask(ws.id, {
        ...spec,
        title: spec.title ?? spec.name,
        dependsOn: (spec.after ?? []).map((n) => idOf.get(n) ?? n),
      });
      idOf.set(name, task.id);
      made.push(task);
    }
    await this.persist(
      made,
      made.map((t) => this.event(t, source, 'task.created', { task: this.view(t) })),
    );
    return made.map((t) => this.view(t));
  }

  async move(ref: string, to: TaskStatus, source: EventSource, reason = 'moved'): Promise<TaskView> {
    const task = this.resolve(ref);
    const from = task.status;
    if (from === to) return this.view(task);
    if (!canMove(from, to)) {
      const allowed = ALLOWED_MOVES[from];
      throw appError('TASK_MOVE_REFUSED', {
        task: task.id,
        from,
        to,
        title: task.title,
        allowed: allowed.length > 0 ? allowed : null,
      });
    }
    if (to !== 'ready' || from === 'backlog')
      return this.view(await this.transition(task, to, reason, source));
    // Given back: live runs are let go (their agents keep running) and a new round of attempts starts.
    const now = this.d.clock.now();
    const runs = task.runs.map((r) =>
      r.status === 'running'
        ? { ...r, status: 'discarded' as const, reason: 'task given back', endedAt: now }
        : r,
    );
    return this.view(
      await this.transition({ ...task, runs, round: task.round + 1 }, to, reason, source, task.status),
    );
  }

  /** The tasks' clock. */
  now(): number {
    return this.d.clock.now();
  }

  /** The task an agent works (or worked) on, if any. */
  byAgent(agentId: string): TaskRecord | undefined {
    const id = this.index.taskOf(agentId);
    return id === undefined ? undefined : this.tasks.get(id);
  }

  /** The record of a task by id. */
  record(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  /**
   * The dispatcher started an agent on an attempt: the run is recorded and the task is running.
   * `startedAt`: when the dispatcher began it (before the agent was created).
   */
  async runStarted(taskId: string, run: NewRun, startedAt = this.now()): Promise<void> {
    const task = this.resolve(taskId);
    const now = this.now();
    const next: TaskRecord = {
      ...task,
      runs: [
        ...task.runs,
        { ...run, round: task.round, status: 'running', reason: null, startedAt, endedAt: null },
      ],
    };
    const started = this.event(
      next,
      'policy',
      'task.attemptStarted',
      {
        task: task.id,
        attempt: run.attempt,
        try: run.try,
        profile: run.profile,
        model: run.model,
        reused: run.reused,
      },
      run.agentId,
    );
    if (task.status === 'running') {
      await this.persist([{ ...next, updatedAt: now }], [started]);
      return;
    }
    const reason = `attempt ${run.attempt} on agent ${run.agentId}`;
    await this.transition(next, 'running', reason, 'policy', task.status, [started]);
  }

  /**
   * The run of `agentId` ended (review, failed) or was merged or discarded. A merge makes the task
   * done; otherwise the task settles: running while attempts are live or may (re)start, then
   * review if one succeeded, else failed. Returns false when the agent runs no live task attempt.
   */
  async runEnded(agentId: string, status: Exclude<RunStatus, 'running'>, reason: string): Promise<boolean> {
    const task = this.byAgent(agentId);
    const i = task ? task.runs.findLastIndex((r) => r.agentId === agentId) : -1;
    const run = task?.runs[i];
    if (!task || !run || run.status === status) return false;
    // A finished run may still be merged (from review) or discarded (not picked).
    const finishedOk =
      (status === 'merged' && run.status === 'review') || (status === 'discarded' && run.status !== 'merged');
    if (run.status !== 'running' && !finishedOk) return false;
    const now = this.d.clock.now();
    const runs = task.runs.map((r, k) => (k === i ? { ...r, status, reason, endedAt: now } : r));
    const next: TaskRecord = { ...task, runs };
    const ended = this.event(
      next,
      'policy',
      'task.attemptEnded',
      { task: task.id, attempt: run.attempt, try: run.try, status, reason },
      agentId,
    );
    const open = task.status === 'running' || task.status === 'review';
    const to = status === 'merged' ? 'done' : open ? settledStatus(next, this.retries(next)) : task.status;
    if (to === task.status) {
      await this.persist([{ ...next, updatedAt: now }], [ended]);
      return true;
    }
    const why =
      to === 'done'
        ? `attempt ${run.attempt} merged`
        : to === 'failed'
          ? `every attempt failed; the last: ${reason}`
          : reason;
    await this.transition(next, to, why, 'policy', task.status, [ended]);
    return true;
  }

  /**
   * Records (or updates the state of) the pull request opened for `agentId`'s branch on the task it
   * runs or ran; false when it runs none. Its own `agent.pr*` events say what happened.
   */
  async recordPullRequest(agentId: string, pr: Omit<TaskPullRequest, 'agentId'>): Promise<boolean> {
    const task = this.byAgent(agentId);
    if (!task) return false;
    const same = task.pullRequests.find((p) => p.agentId === agentId && p.number === pr.number);
    if (same?.state === pr.state && same.url === pr.url) return true;
    const kept = task.pullRequests.map((p) => (p === same ? { agentId, ...pr } : p));
    const pullRequests = same ? kept : [...kept, { agentId, ...pr }];
    await this.persist([{ ...task, pullRequests, updatedAt: this.d.clock.now() }], []);
    return true;
  }

  /** A status change decided by the dispatcher (e.g. failed when no agent could start). */
  async setStatus(taskId: string, to: TaskStatus, reason: string): Promise<void> {
    const task = this.resolve(taskId);
    if (task.status === to || task.status === 'cancelled') return;
    await this.transition(task, to, reason, 'policy');
  }

  /**
   * A fleet task this machine lets go (its row is gone, or its claim was taken back):
   * cancelled with its reason, its live runs discarded so they no longer hold the workspace's slots.
   * Their agents keep running, for the user to look at; nothing is killed.
   */
  async release(taskId: string, reason: string): Promise<void> {
    const task = this.resolve(taskId);
    const now = this.d.clock.now();
    const runs = task.runs.map((r) =>
      r.status === 'running' ? { ...r, status: 'discarded' as const, reason, endedAt: now } : r,
    );
    if (task.status === 'cancelled' && runs.every((r, i) => r === task.runs[i])) return;
    await this.transition({ ...task, runs }, 'cancelled', reason, 'policy', task.status);
  }

  /** A new status with its reason and times, persisted with its `task.statusChanged` event. */
  private async transition(
    task: TaskRecord,
    to: TaskStatus,
    reason: string,
    source: EventSource,
    from: TaskStatus = task.status,
    before: NewEvent[] = [],
  ): Promise<TaskRecord> {
    const now = this.d.clock.now();
    const next: TaskRecord = {
      ...task,
      status: to,
      statusReason: reason,
      updatedAt: now,
      startedAt: to === 'running' && task.startedAt === null ? now : task.startedAt,
      endedAt: to === 'done' || to === 'failed' || to === 'cancelled' ? now : null,
    };
    await this.persist(
      [next],
      [...before, this.event(next, source, 'task.statusChanged', { task: next.id, from, to, reason })],
    );
    return next;
  }

  cancel(ref: string, source: EventSource): Promise<TaskView> {
    return this.move(ref, 'cancelled', source, 'cancelled');
  }

  /**
   * Takes the records in first, so listeners of their events (the dispatcher) see them, then persists;
   * a failed write puts the previous records back.
   */
  private async persist(records: TaskRecord[], events: NewEvent[]): Promise<void> {
    const previous = records.map((r) => this.tasks.get(r.id));
    for (const r of records) this.tasks.set(r.id, r);
    records.forEach((r, i) => this.index.update(previous[i], r));
    try {
      await this.d.registry.commitTasks(records, events);
    } catch (err) {
      records.forEach((r, i) => {
        const p = previous[i];
        if (p) this.tasks.set(r.id, p);
        else this.tasks.delete(r.id);
      });
      this.index = this.newIndex([...this.tasks.values()]);
      throw err;
    }
  }

  /** A task by id, or by exact title (unique in the workspace when one is given). */
  private resolve(ref: string, workspaceId?: string): TaskRecord {
    return resolveTask(this.tasks, ref, workspaceId, (id) => this.d.registry.workspaceName(id));
  }

  private newTask(workspaceId: string, spec: NewTaskSpec): TaskRecord {
    // A task made in the same millisecond as the one before (a plan's tasks) is a millisecond
    // younger: the board, `task ls` and the dispatcher then keep the order tasks were made in,
    // also after a restart, instead of falling back on their random ids.
    const createdAt = Math.max(this.d.clock.now(), this.lastCreated + 1);
    this.lastCreated = createdAt;
    return newTaskRecord(this.d.ids.next('tk'), workspaceId, spec, createdAt);
  }

  /**
   * A task of the fleet's graph this machine claimed, to run here as any task: added
   * ready under its fleet id with its run, or, claimed again, given its new run and a new round.
   */
  async adopt(task: TaskRecord, source: EventSource): Promise<TaskView> {
    const had = this.tasks.get(task.id);
    if (!had) {
      await this.persist([task], [this.event(task, source, 'task.created', { task: this.view(task) })]);
      return this.view(task);
    }
    const reason = `claimed again from the fleet (run ${task.fleet?.runId ?? '?'})`;
    const again: TaskRecord = {
      ...had,
      fleet: task.fleet,
      round: had.round + 1,
      workspaceId: task.workspaceId,
    };
    return this.view(await this.transition(again, 'ready', reason, source));
  }

  /** A task event; run events carry the run's agent. */
  private event<
    T extends 'task.created' | 'task.statusChanged' | 'task.attemptStarted' | 'task.attemptEnded',
  >(
    task: TaskRecord,
    source: EventSource,
    type: T,
    data: Extract<NewEvent, { type: T }>['data'],
    agentId: string | null = null,
  ): NewEvent {
    return { type, source, agentId, workspaceId: task.workspaceId, data } as NewEvent;
  }

  private view(t: TaskRecord): TaskView {
    return taskView(t, this.d.registry, this.blocked(t));
  }

  /** Why the task waits, by the dispatcher's rules as things stand. */
  private blocked(t: TaskRecord): TaskBlocked | null {
    const ws = this.d.registry.findWorkspace(t.workspaceId);
    return taskBlocked(t, {
      workspace: ws,
      task: (id) => this.tasks.get(id),
      retries: this.retries(t),
      defaultProfile: this.d.dispatch.defaultProfile,
      heldFor: (profile) => this.d.governor?.heldFor(profile),
      ...(this.d.budget ? { budget: this.d.budget } : {}),
      live: this.index.liveIn(t.workspaceId),
      maxAgents: this.d.dispatch.maxAgentsPerWorkspace,
    });
  }
}
