import { PriorityHeap } from './priority-heap.js';
import type { TaskRecord } from '../model/task-record.js';
import { liveRuns, pendingAttempts } from './task-runs.js';

/**
 * Indexes over the task graph that keep dispatching near-linear in the number of tasks: each
 * task's count of dependencies not done, who depends on whom, which agent runs which task, live
 * runs per workspace, and per workspace a priority queue of the tasks that could start a run now
 * (every dependency done and an attempt pending). Queues drop stale entries when they are taken.
 */
export class TaskIndex {
  private readonly openDeps = new Map<string, number>();
  private readonly dependants = new Map<string, string[]>();
  private readonly agentTask = new Map<string, string>();
  private readonly live = new Map<string, number>();
  private readonly queues = new Map<string, PriorityHeap<TaskRecord>>();
  private readonly queued = new Set<string>();
  private readonly order = new Map<string, number>();

  constructor(
    private readonly d: {
      get: (id: string) => TaskRecord | undefined;
      /** The default retries (config `tasks.retries`). */
      retries: () => number;
    },
  ) {}

  /** Takes in a task's new version; `prev` is the version it replaces (undefined when new). */
  update(prev: TaskRecord | undefined, next: TaskRecord): void {
    if (!prev) this.addNode(next);
    // An agent reused by a later task belongs to the task it runs now.
    for (const r of next.runs) {
      if (r.status === 'running' || !this.agentTask.has(r.agentId)) this.agentTask.set(r.agentId, next.id);
    }
    const delta = liveRuns(next).length - (prev ? liveRuns(prev).length : 0);
    if (delta !== 0) this.live.set(next.workspaceId, this.liveIn(next.workspaceId) + delta);
    if (prev && prev.status !== 'done' && next.status === 'done') {
      for (const id of this.dependants.get(next.id) ?? []) {
        const left = (this.openDeps.get(id) ?? 1) - 1;
        this.openDeps.set(id, left);
        const t = this.d.get(id);
        if (left === 0 && t) this.offer(t);
      }
    }
    this.offer(next);
  }

  /** The task whose run `agentId` is (or was), if any. */
  taskOf(agentId: string): string | undefined {
    return this.agentTask.get(agentId);
  }

  /** Runs whose agents work on tasks in the workspace now. */
  liveIn(workspaceId: string): number {
    return this.live.get(workspaceId) ?? 0;
  }

  /** Workspaces that have tasks waiting to start. */
  waitingWorkspaces(): string[] {
    return [...this.queues].filter(([, q]) => q.size > 0).map(([ws]) => ws);
  }

  /** Dependencies of the task that are not done yet (0 when it may start). */
  blockers(taskId: string): number {
    return this.openDeps.get(taskId) ?? 0;
  }

  /**
   * The next task of the workspace that can start a run (highest priority, then oldest), taken
   * off the queue; `offer` it again if it still has pending attempts it could not start.
   */
  take(workspaceId: string): TaskRecord | undefined {
    const q = this.queues.get(workspaceId);
    for (let t = q?.pop(); t; t = q?.pop()) {
      this.queued.delete(t.id);
      const current = this.d.get(t.id);
      if (current && this.canStart(current)) return current;
    }
    return undefined;
  }

  /** Queues the task if it can start a run and is not queued already. */
  offer(task: TaskRecord): void {
    if (this.queued.has(task.id) || !this.canStart(task)) return;
    let q = this.queues.get(task.workspaceId);
    if (!q) {
      q = new PriorityHeap<TaskRecord>((a, b) => this.before(a, b));
      this.queues.set(task.workspaceId, q);
    }
    q.push(task);
    this.queued.add(task.id);
  }

  private canStart(t: TaskRecord): boolean {
    return this.blockers(t.id) === 0 && pendingAttempts(t, t.retries ?? this.d.retries()).length > 0;
  }

  private before(a: TaskRecord, b: TaskRecord): boolean {
    if (a.priority !== b.priority) return a.priority > b.priority;
    if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
    return (this.order.get(a.id) ?? 0) < (this.order.get(b.id) ?? 0);
  }

  private addNode(t: TaskRecord): void {
    this.order.set(t.id, this.order.size);
    let open = 0;
    for (const dep of new Set(t.dependsOn)) {
      const list = this.dependants.get(dep);
      if (list) list.push(t.id);
      else this.dependants.set(dep, [t.id]);
      if (this.d.get(dep)?.status !== 'done') open++;
    }
    this.openDeps.set(t.id, open);
  }
}
