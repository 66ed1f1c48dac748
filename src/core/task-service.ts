import type { EventSource, NewEvent } from '../protocol/events.js';
import type { CreateTaskRequest, Plan, TaskStatus, TaskView } from '../protocol/tasks.js';
import { DEFAULT_WORKSPACE } from '../protocol/workspace.js';
import { AppError } from './errors.js';
import type { Clock, IdGenerator } from './ports.js';
import type { AgentRegistry } from './registry.js';
import { canMove, validatePlan } from './task-graph.js';
import type { TaskRecord } from './task-record.js';

/**
 * The task graph (DESIGN §7): tasks with dependencies, priorities and statuses, persisted with an
 * event for every change. Dispatching tasks to agents builds on this.
 */
export class TaskService {
  private readonly tasks = new Map<string, TaskRecord>();

  constructor(private readonly d: { registry: AgentRegistry; ids: IdGenerator; clock: Clock }) {}

  async load(): Promise<void> {
    for (const t of await this.d.registry.loadTasks()) this.tasks.set(t.id, t);
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

  /** Imports a plan: every task or none (unknown dependencies, duplicates and cycles are refused). */
  async importPlan(plan: Plan, source: EventSource): Promise<TaskView[]> {
    const checked = validatePlan(plan.tasks);
    if (!checked.ok) {
      throw new AppError(
        'INVALID_INPUT',
        `The plan was not imported: ${checked.problems[0]?.message ?? 'invalid'}.`,
        {
          issues: checked.problems,
        },
      );
    }
    const ws = this.d.registry.resolveWorkspace(plan.workspace ?? DEFAULT_WORKSPACE);
    const idOf = new Map<string, string>();
    const made: TaskRecord[] = [];
    for (const name of checked.order) {
      const spec = plan.tasks.find((t) => t.name === name);
      if (!spec) continue;
      const task = this.newTask(ws.id, {
        ...spec,
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
      throw new AppError('TASK_MOVE_REFUSED', `Task "${task.title}" cannot go from ${from} to ${to}.`, {
        task: task.id,
        from,
        to,
      });
    }
    return this.view(await this.transition(task, to, reason, source));
  }

  /** Every task record (the dispatcher's view). */
  records(): TaskRecord[] {
    return [...this.tasks.values()];
  }

  /** The task an agent works on, if any. */
  byAgent(agentId: string): TaskRecord | undefined {
    return [...this.tasks.values()].find((t) => t.agents.includes(agentId));
  }

  /** The dispatcher started `agentId` on the task: it is running. */
  async started(taskId: string, agentId: string): Promise<void> {
    const task = this.resolve(taskId);
    await this.transition(task, 'running', `agent ${agentId}`, 'policy', [...task.agents, agentId]);
  }

  /** A status change decided by the dispatcher (review, failed, done), bypassing the user move table. */
  async setStatus(taskId: string, to: TaskStatus, reason: string): Promise<void> {
    const task = this.resolve(taskId);
    if (task.status === to || task.status === 'cancelled') return;
    await this.transition(task, to, reason, 'policy');
  }

  /** A new status with its reason and times, persisted with its `task.statusChanged` event. */
  private async transition(
    task: TaskRecord,
    to: TaskStatus,
    reason: string,
    source: EventSource,
    agents: string[] = task.agents,
  ): Promise<TaskRecord> {
    const now = this.d.clock.now();
    const next: TaskRecord = {
      ...task,
      status: to,
      statusReason: reason,
      agents,
      updatedAt: now,
      startedAt: to === 'running' && task.startedAt === null ? now : task.startedAt,
      endedAt: to === 'done' || to === 'failed' || to === 'cancelled' ? now : null,
    };
    await this.persist(
      [next],
      [this.event(next, source, 'task.statusChanged', { from: task.status, to, reason })],
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
    try {
      await this.d.registry.commitTasks(records, events);
    } catch (err) {
      records.forEach((r, i) => {
        const p = previous[i];
        if (p) this.tasks.set(r.id, p);
        else this.tasks.delete(r.id);
      });
      throw err;
    }
  }

  /** A task by id, or by exact title (unique in the workspace when one is given). */
  private resolve(ref: string, workspaceId?: string): TaskRecord {
    const byId = this.tasks.get(ref);
    if (byId) return byId;
    const hits = [...this.tasks.values()].filter(
      (t) => t.title === ref && (workspaceId === undefined || t.workspaceId === workspaceId),
    );
    if (hits.length === 1 && hits[0]) return hits[0];
    if (hits.length > 1) {
      throw new AppError('TASK_NOT_FOUND', `Several tasks are titled "${ref}"; use the id.`, {
        task: ref,
        candidates: hits.map((t) => t.id),
      });
    }
    throw new AppError('TASK_NOT_FOUND', `No task has the id or title "${ref}".`, { task: ref });
  }

  private newTask(
    workspaceId: string,
    spec: {
      title: string;
      prompt: string;
      dependsOn: string[];
      priority?: number | undefined;
      profile?: string | undefined;
      model?: string | undefined;
      attempts?: number | undefined;
      labels?: string[] | undefined;
      status?: 'backlog' | 'ready' | undefined;
    },
  ): TaskRecord {
    const now = this.d.clock.now();
    return {
      id: this.d.ids.next('tk'),
      workspaceId,
      title: spec.title,
      prompt: spec.prompt,
      status: spec.status ?? 'ready',
      statusReason: 'created',
      priority: spec.priority ?? 0,
      dependsOn: spec.dependsOn,
      profile: spec.profile ?? null,
      model: spec.model ?? null,
      attempts: spec.attempts ?? 1,
      labels: spec.labels ?? [],
      agents: [],
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      endedAt: null,
    };
  }

  private event<T extends 'task.created' | 'task.statusChanged'>(
    task: TaskRecord,
    source: EventSource,
    type: T,
    data: Extract<NewEvent, { type: T }>['data'],
  ): NewEvent {
    return { type, source, agentId: null, workspaceId: task.workspaceId, data } as NewEvent;
  }

  private view(t: TaskRecord): TaskView {
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: t.id,
      title: t.title,
      prompt: t.prompt,
      workspace: this.d.registry.workspaceName(t.workspaceId),
      workspaceId: t.workspaceId,
      status: t.status,
      ...(t.statusReason === null ? {} : { statusReason: t.statusReason }),
      priority: t.priority,
      dependsOn: [...t.dependsOn],
      ...(t.profile === null ? {} : { profile: t.profile as TaskView['profile'] }),
      ...(t.model === null ? {} : { model: t.model }),
      attempts: t.attempts,
      labels: [...t.labels],
      agents: [...t.agents],
      createdAt: iso(t.createdAt) ?? '',
      updatedAt: iso(t.updatedAt) ?? '',
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
    };
  }
}
