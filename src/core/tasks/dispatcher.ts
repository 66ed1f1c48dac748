import type { AgentEnv } from '../../protocol/agent-env.js';
import type { WtpEvent } from '../../protocol/events.js';
import type { AgentService } from '../agents/agent-service.js';
import type { EventBus } from '../model/event-bus.js';
import type { Logger } from '../ports/daemon.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { AgentRegistry } from '../model/registry.js';
import { isStorageFailure } from '../model/storage-errors.js';
import { isAppError } from '../errors.js';
import type { TaskRecord } from '../model/task-record.js';
import { attemptSpec, pendingAttempts } from './task-runs.js';
import { taskAgentName } from './task-agent-name.js';
import type { TaskService } from './task-service.js';
import type { BudgetHold } from '../usage/budget-limits.js';
import type { UsageGovernor } from './usage-governor.js';

export interface DispatchSettings {
  /** Agents working on tasks at once, per workspace. */
  maxAgentsPerWorkspace: number;
  /** Profile of tasks that name none. */
  defaultProfile: string;
  /** Retries of a failed attempt, for tasks that name none. */
  retries: number;
  /** Pause (SIGSTOP) a vendor's other working agents when one hits its usage limit. */
  pauseOnUsageLimit: boolean;
}

export const DEFAULT_DISPATCH: DispatchSettings = {
  maxAgentsPerWorkspace: 3,
  defaultProfile: 'claude',
  retries: 1,
  pauseOnUsageLimit: false,
};

type RunEnd = 'review' | 'failed' | 'merged' | 'discarded';

/** Names passed over because their git branch is taken, before the attempt fails. */
const MAX_BRANCH_SKIPS = 5;

/** What the dispatcher needs of the agent service (a synthetic one in the benchmark). */
export type AgentStarter = Pick<AgentService, 'create' | 'sendInput'>;

/**
 * Starts agents on ready tasks, highest priority first, up to `maxAgentsPerWorkspace` live runs per
 * workspace, and moves each run on as its agent goes (the lifecycle of docs/tasks.md): review when
 * idle after working or exited 0, failed (retried on a fresh agent while it has retries) on a crash or
 * another exit, given up when the user stops or removes it; `wtp merge`, or its pull request merged
 * upstream, makes the task done. A `cmd` task's prompt runs as a shell command line (the user's own
 * words). Vendors held by the usage-limit governor get no runs; while the database cannot be written
 * nothing is dispatched, and run endings wait to be recorded.
 */
export class Dispatcher {
  private busy = false;
  private again = false;
  private off: (() => void) | null = null;
  /** Run endings the database refused (disk full), per agent: recorded when it works again. */
  private readonly unrecorded = new Map<string, { status: RunEnd; reason: string }>();

  constructor(
    private readonly d: {
      tasks: TaskService;
      service: AgentStarter;
      registry: AgentRegistry;
      /** Which profiles tell their state (a plain command's run ends with its exit). */
      profileCatalog: ProfileCatalog;
      bus: EventBus;
      log: Logger;
      governor: (Pick<UsageGovernor, 'heldFor'> & Partial<Pick<UsageGovernor, 'whenResumed'>>) | null;
      /** A budget in money reached for a task: its attempts, retries included, wait. */
      budget?: ((task: TaskRecord) => BudgetHold | undefined) | undefined;
      settings: DispatchSettings;
    },
  ) {
    // A vendor's usage limit lifted: tasks held for it may start now.
    d.governor?.whenResumed?.(() => void this.tick());
  }

  start(): void {
    this.off = this.d.bus.subscribe((e) => this.onEvent(e));
    void this.tick();
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  private onEvent(e: WtpEvent): void {
    if (e.type === 'daemon.storageRecovered' && e.data.component === 'database') {
      const ended = [...this.unrecorded];
      this.unrecorded.clear();
      void Promise.all(ended.map(([agentId, r]) => this.end(agentId, r.status, r.reason))).then(() =>
        this.tick(),
      );
      return;
    }
    if (e.type === 'task.created' || e.type === 'task.statusChanged' || e.type === 'task.attemptEnded') {
      void this.tick();
      return;
    }
    if (e.agentId === null || !this.d.tasks.byAgent(e.agentId)) return;
    const agentId = e.agentId;
    if (e.type === 'agent.merged') {
      void this.end(agentId, 'merged', `merged into ${e.data.target}`);
    } else if (e.type === 'agent.prMerged') {
      void this.end(agentId, 'merged', `pull request #${e.data.number} merged upstream`);
    } else if (e.type === 'agent.removed') {
      void this.end(agentId, 'discarded', 'agent removed by the user'); // given up: not retried
    } else if (e.type === 'agent.stateChanged') {
      const agent = this.d.registry.get(agentId);
      const { from, to, detail } = e.data;
      if (to === 'idle' && from === 'working') void this.end(agentId, 'review', 'agent finished its turn');
      else if (to === 'exited' && (detail.reason === 'stopped' || detail.reason === 'pane_closed')) {
        void this.end(
          agentId,
          'discarded',
          `agent ${detail.reason === 'stopped' ? 'stopped' : 'pane closed'} by the user`,
        );
      } else if (to === 'crashed') void this.end(agentId, 'failed', `agent crashed (${detail.reason})`);
      else if (to === 'exited' && agent && !this.d.profileCatalog.isAgentAware(agent.profile)) {
        const ok = detail.exitCode === 0;
        void this.end(
          agentId,
          ok ? 'review' : 'failed',
          ok ? 'command succeeded' : `exit ${detail.exitCode ?? detail.signal ?? '?'}`,
        );
      } else if (to === 'exited') {
        void this.end(
          agentId,
          'failed',
          `agent exited (${detail.exitCode ?? detail.signal ?? '?'}) before finishing`,
        );
      }
    }
  }

  private async end(agentId: string, status: RunEnd, reason: string): Promise<void> {
    try {
      await this.d.tasks.runEnded(agentId, status, reason);
    } catch (err) {
      if (isStorageFailure(err)) this.unrecorded.set(agentId, { status, reason });
      else this.d.log.warn({ err, agentId, status }, 'task run not updated');
    }
  }

  /** Starts what can start; runs one at a time (a tick asked for meanwhile runs after). */
  async tick(): Promise<void> {
    if (!this.d.registry.writable()) return; // ticked again by daemon.storageRecovered
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        for (const ws of this.d.tasks.graph.waitingWorkspaces()) await this.dispatchIn(ws);
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  /** Fills the workspace's free slots from its queue; tasks that could not start wait in it. */
  private async dispatchIn(workspaceId: string): Promise<void> {
    const ws = this.d.registry.findWorkspace(workspaceId);
    // A workspace without a folder has nowhere to run a task: its tasks wait in the queue.
    if (ws?.repoPath === null || ws?.repoPath === undefined) return;
    const cwd = ws.repoPath;
    const deferred: TaskRecord[] = [];
    const slots = (): number =>
      this.d.settings.maxAgentsPerWorkspace - this.d.tasks.graph.liveIn(workspaceId);
    while (slots() > 0) {
      const task = this.d.tasks.graph.take(workspaceId);
      if (!task) break;
      if (this.d.budget?.(task)) {
        deferred.push(task);
        continue;
      }
      for (const { attempt, try: tryNo } of pendingAttempts(task, this.d.tasks.retries(task))) {
        if (slots() <= 0) break;
        const spec = attemptSpec(task, attempt, this.d.settings.defaultProfile);
        if (this.d.governor?.heldFor(spec.profile)) continue;
        const current = this.d.tasks.record(task.id);
        if (!current || (current.status !== 'ready' && current.status !== 'running')) break;
        await this.startRun(current, cwd, attempt, tryNo, spec);
      }
      const now = this.d.tasks.record(task.id);
      if (now) deferred.push(now);
    }
    for (const t of deferred) this.d.tasks.graph.offer(t);
  }

  private async startRun(
    task: TaskRecord,
    cwd: string,
    attempt: number,
    tryNo: number,
    spec: { profile: string; model: string | null },
  ): Promise<void> {
    // The run starts before its agent does: a fast start's states belong to it.
    const began = this.d.tasks.now();
    try {
      const reused = task.reuseIdle ? this.idleAgent(task, spec.profile) : undefined;
      if (reused) {
        await this.d.service.sendInput(reused, task.prompt, true, 'policy');
      }
      const agentId = reused ?? (await this.newAgent(task, cwd, attempt, tryNo, spec));
      await this.d.tasks.runStarted(
        task.id,
        {
          attempt,
          try: tryNo,
          agentId,
          profile: spec.profile,
          model: spec.model,
          reused: reused !== undefined,
        },
        began,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.d.log.warn({ err, taskId: task.id }, 'task not dispatched');
      await this.d.tasks
        .setStatus(task.id, 'failed', `could not start an agent for attempt ${attempt}: ${message}`)
        .catch(() => undefined);
    }
  }

  /**
   * A new agent for the attempt, named after the task (`task-agent-name.ts`). A name whose branch
   * `wtp/<name>` another workspace on the same repository holds is passed over for the next one.
   */
  private async newAgent(
    task: TaskRecord,
    cwd: string,
    attempt: number,
    tryNo: number,
    spec: { profile: string; model: string | null },
  ): Promise<string> {
    const cmd = spec.profile === 'cmd';
    const branchTaken = new Set<string>();
    for (;;) {
      const name = taskAgentName(
        task,
        attempt,
        tryNo,
        (n) => branchTaken.has(n) || this.d.registry.isNameTaken(task.workspaceId, n),
      );
      try {
        const agent = await this.d.service.create(
          {
            profile: spec.profile,
            name,
            workspace: task.workspaceId,
            cwd,
            repo: cwd, // its own worktree when the workspace's folder is a git repository
            repoOptional: true,
            restart: 'never',
            argv: cmd ? ['/bin/sh', '-c', task.prompt] : [],
            env: { WTP_TASK_ID: task.id, WTP_TASK_ATTEMPT: String(attempt) } satisfies AgentEnv,
            wait: false,
            ...(cmd ? {} : { prompt: task.prompt }),
            ...(spec.model === null ? {} : { model: spec.model }),
            ...(task.permissionMode === null || cmd ? {} : { permissionMode: task.permissionMode }),
            ...(task.sandbox ? { sandbox: true } : {}),
            ...(task.mcp === true && !cmd ? { mcp: true } : {}),
          },
          'policy',
        );
        return agent.id;
      } catch (err) {
        if (!isAppError(err) || err.code !== 'GIT_BRANCH_TAKEN' || branchTaken.size >= MAX_BRANCH_SKIPS)
          throw err;
        branchTaken.add(name);
      }
    }
  }

  /** An idle agent of the profile in the task's workspace that runs no other task attempt. */
  private idleAgent(task: TaskRecord, profile: string): string | undefined {
    return this.d.registry.all().find(
      (a) =>
        a.workspaceId === task.workspaceId &&
        a.profile === profile &&
        a.state === 'idle' &&
        // A sandboxed task never goes to an agent that runs unsandboxed.
        (task.sandbox !== true || a.sandbox !== undefined) &&
        !this.d.tasks.byAgent(a.id)?.runs.some((r) => r.agentId === a.id && r.status === 'running'),
    )?.id;
  }
}
