import type { EventSource } from '../../protocol/events.js';
import { appError } from '../../protocol/error-messages.js';
import type { CreateTaskRequest, Plan, TaskStatus, TaskView } from '../../protocol/tasks.js';
import { ALLOWED_MOVES, canMove, planOrder } from '../tasks/task-graph.js';
import { AppError } from '../errors.js';
import type { IdGenerator } from '../ports/daemon.js';
import type { FleetTaskList, FleetTaskRow, FleetTasks, NewFleetTask } from '../ports/fleet.js';
import { fleetLine, fleetTaskSpecSchema } from '../../protocol/fleet-rows.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import type { TaskRecord } from '../model/task-record.js';
import type { TaskUseCases } from '../use-cases/use-cases.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The task use cases in a fleet: the graph is the fleet's, in its database. Tasks are
 * added there for the repository of the workspace named (matched on every machine by its remote
 * URL), listed from there — with the local detail (agents, runs) of those this machine runs —
 * and moved there, by the same rules as a local task. Tasks this machine had before it joined stay
 * local and are listed beside them.
 */
export class FleetTaskBoard implements TaskUseCases {
  private rows: FleetTaskRow[] = [];
  /** Ids of rows that failed validation (not gone: unreadable). */
  private unreadable = new Set<string>();
  /** Whether the fleet's tasks were read at least once (before, no row can be said to be gone). */
  private loaded = false;

  constructor(
    private readonly d: {
      tasks: FleetTasks;
      local: TaskUseCases & {
        record(id: string): { fleet?: TaskRecord['fleet'] } | undefined;
      };
      /** This machine's name in the fleet. */
      machine: string;
      /** The remote URL of a local workspace's repository, or why it has none. */
      repoOf(workspace: string | undefined): Promise<string>;
      ids: IdGenerator;
      /** Told when the fleet's tasks changed (the clients read them again). */
      changed?: () => void;
    },
  ) {}

  /** Reads the fleet's tasks again (after a change of its own). */
  async refresh(): Promise<void> {
    this.seen(await this.d.tasks.list());
  }

  /** The fleet's tasks as just read (the runner reads them at every notification and poll). */
  seen(list: FleetTaskList): void {
    const changed =
      !this.loaded ||
      JSON.stringify(list.rows) !== JSON.stringify(this.rows) ||
      list.unreadable.join() !== [...this.unreadable].join();
    this.rows = list.rows;
    this.unreadable = new Set(list.unreadable);
    this.loaded = true;
    if (changed) this.d.changed?.();
  }

  list(filter: { status?: TaskStatus | undefined; workspace?: string | undefined } = {}): TaskView[] {
    const fleet = this.rows
      .map((r) => this.view(r))
      .filter(
        (t) =>
          (filter.status === undefined || t.status === filter.status) &&
          (filter.workspace === undefined || t.workspace === filter.workspace),
      );
    // This machine's own tasks, and the fleet tasks it ran whose rows are gone (kept, said so).
    const local = this.d.local
      .list(filter)
      .filter((t) => !this.rows.some((r) => r.id === t.id))
      .map((t) => this.localView(t));
    return [...fleet, ...local];
  }

  get(ref: string): TaskView {
    const row = this.find(ref);
    return row ? this.view(row) : this.localView(this.d.local.get(ref));
  }

  /** A local task; a fleet task this machine ran whose row is not in the fleet now is marked gone. */
  private localView(t: TaskView): TaskView {
    const fleet = this.d.local.record(t.id)?.fleet;
    if (!fleet) return t;
    const gone = this.loaded && !this.unreadable.has(t.id);
    return {
      ...t,
      fleet: {
        repo: fleet.repo ?? '?',
        machine: this.d.machine,
        leaseUntil: null,
        createdBy: fleet.createdBy ?? '?',
        runs: [],
        refusals: [],
        gone,
      },
    };
  }

  async add(req: CreateTaskRequest, _source: EventSource): Promise<TaskView> {
    const repo = await this.d.repoOf(req.workspace);
    const deps = (req.after ?? []).map((ref) => this.findOrThrow(ref).id);
    const task = this.newTask(repo, req.workspace ?? 'default', req, deps);
    await this.d.tasks.add([task]);
    await this.refresh();
    return this.get(task.id);
  }

  async importPlan(plan: Plan, _source: EventSource, workspace?: string): Promise<TaskView[]> {
    const order = planOrder(plan);
    const ws = workspace ?? plan.workspace;
    const repo = await this.d.repoOf(ws);
    const idOf = new Map<string, string>();
    const made: NewFleetTask[] = [];
    for (const name of order) {
      const spec = plan.tasks.find((t) => t.name === name);
      if (!spec) continue;
      const deps = (spec.after ?? []).map((n) => idOf.get(n) ?? n);
      const task = this.newTask(repo, ws ?? 'default', { ...spec, title: spec.title ?? spec.name }, deps);
      idOf.set(name, task.id);
      made.push(task);
    }
    await this.d.tasks.add(made);
    await this.refresh();
    return made.map((t) => this.get(t.id));
  }

  async move(ref: string, to: TaskStatus, _source: EventSource, reason = 'moved'): Promise<TaskView> {
    const row = this.find(ref);
    if (!row) return this.d.local.move(ref, to, 'cli', reason);
    if (row.status === to) return this.view(row);
    if (!canMove(row.status, to)) {
      const allowed = ALLOWED_MOVES[row.status];
      throw appError('TASK_MOVE_REFUSED', {
        task: row.id,
        from: row.status,
        to,
        title: row.title,
        allowed: allowed.length > 0 ? allowed : null,
      });
    }
    const moved = await this.d.tasks.move(row.id, row.status, to, reason);
    await this.refresh();
    if (!moved) {
      const now = this.find(row.id);
      throw appError('TASK_MOVE_REFUSED', {
        task: row.id,
        from: now?.status ?? row.status,
        to,
        title: row.title,
        status: now?.status ?? 'gone',
      });
    }
    return this.get(row.id);
  }

  cancel(ref: string, source: EventSource): Promise<TaskView> {
    return this.move(ref, 'cancelled', source, 'cancelled');
  }

  /**
   * A new task as the fleet will read it: what every machine's validation would skip (a title with
   * a terminal escape, a prompt with control characters) is refused here, before it is written.
   */
  private checked(task: NewFleetTask): NewFleetTask {
    const title = fleetLine(200).safeParse(task.title);
    const spec = fleetTaskSpecSchema.safeParse(task.spec);
    const issues = [
      ...(title.success ? [] : zodIssues(title.error, 'body.title')),
      ...(spec.success ? [] : zodIssues(spec.error, 'body')),
    ];
    if (issues.length > 0) {
      throw new AppError(
        'INVALID_INPUT',
        `Task "${task.title.replace(/[^\x20-\x7e]/g, '?')}" cannot go to the fleet: ${issues[0]?.path ?? ''}: ${issues[0]?.message ?? ''}.`,
        { issues },
      );
    }
    return task;
  }

  private newTask(
    repo: string,
    workspace: string,
    spec: Pick<
      CreateTaskRequest,
      | 'title'
      | 'prompt'
      | 'priority'
      | 'profile'
      | 'model'
      | 'permissionMode'
      | 'sandbox'
      | 'attempts'
      | 'retries'
      | 'labels'
    > & {
      status?: 'backlog' | 'ready' | undefined;
    },
    deps: string[],
  ): NewFleetTask {
    // The fleet's task rows do not carry it: refused, never run unsandboxed on another machine.
    if (spec.sandbox === true) {
      throw appError('SANDBOX_UNAVAILABLE', {
        reason: 'fleet tasks do not carry sandbox',
        fix: 'sandbox.profiles on each machine',
        task: spec.title,
      });
    }
    return this.checked({
      id: this.d.ids.next('tk'),
      repo,
      title: spec.title,
      spec: {
        prompt: spec.prompt,
        profile: spec.profile ?? null,
        model: spec.model ?? null,
        permissionMode: spec.permissionMode ?? null,
        attempts: spec.attempts ?? 1,
        retries: spec.retries ?? null,
        labels: spec.labels ?? [],
        workspace,
      },
      deps,
      priority: spec.priority ?? 0,
      status: spec.status ?? 'ready',
    });
  }

  private find(ref: string): FleetTaskRow | undefined {
    const byId = this.rows.find((r) => r.id === ref);
    if (byId) return byId;
    const hits = this.rows.filter((r) => r.title === ref);
    if (hits.length > 1) {
      throw appError('TASK_AMBIGUOUS', {
        task: ref,
        candidates: hits.map((t) => t.id),
        tasks: hits.map((t) => ({ id: t.id, status: t.status })),
      });
    }
    return hits[0];
  }

  private findOrThrow(ref: string): FleetTaskRow {
    const row = this.find(ref);
    if (!row) throw appError('TASK_NOT_FOUND', { task: ref });
    return row;
  }

  /** A fleet task as the API shows it; the local detail when this machine runs (or ran) it. */
  private view(r: FleetTaskRow): TaskView {
    let local: TaskView | undefined;
    try {
      local = this.d.local.record(r.id) ? this.d.local.get(r.id) : undefined;
    } catch {
      local = undefined;
    }
    const fleet = {
      repo: r.repo,
      machine: r.leaseMachine,
      leaseUntil: iso(r.leaseUntil),
      createdBy: r.createdBy,
      runs: r.runs.map((x) => ({
        runId: x.runId,
        machine: x.machine,
        status: x.status,
        reason: x.reason,
        startedAt: new Date(x.startedAt).toISOString(),
        endedAt: iso(x.endedAt),
      })),
      refusals: r.refusals.map((x) => ({
        machine: x.machine,
        code: x.code,
        reason: x.reason,
        at: new Date(x.at).toISOString(),
      })),
      gone: false,
    };
    const base: TaskView = local ?? {
      id: r.id,
      title: r.title,
      prompt: r.spec.prompt,
      workspace: r.spec.workspace,
      workspaceId: r.spec.workspace,
      status: r.status,
      priority: r.priority,
      dependsOn: r.deps,
      ...(r.spec.profile === null ? {} : { profile: r.spec.profile as TaskView['profile'] }),
      ...(r.spec.model === null ? {} : { model: r.spec.model }),
      ...(r.spec.permissionMode === null ? {} : { permissionMode: r.spec.permissionMode }),
      attempts: r.spec.attempts,
      variants: [],
      retries: r.spec.retries,
      reuseIdle: false,
      labels: r.spec.labels,
      fixChecks: null,
      pullRequests: [],
      round: Math.max(1, r.runs.length),
      agents: [],
      runs: [],
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
      startedAt: iso(r.runs[0]?.startedAt ?? null),
      endedAt:
        r.status === 'done' || r.status === 'failed' || r.status === 'cancelled' ? iso(r.updatedAt) : null,
      blocked: null,
    };
    return {
      ...base,
      status: r.status,
      dependsOn: r.deps,
      ...(r.statusReason === null ? {} : { statusReason: r.statusReason }),
      fleet,
    };
  }
}
