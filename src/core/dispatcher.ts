import type { WtpEvent } from '../protocol/events.js';
import type { AgentService } from './agent-service.js';
import type { EventBus } from './event-bus.js';
import type { Logger } from './ports.js';
import { isAgentAware } from './profiles.js';
import type { AgentRegistry } from './registry.js';
import { readyTasks } from './task-graph.js';
import type { TaskService } from './task-service.js';

export interface DispatchSettings {
  /** Agents working on tasks at once, per workspace. */
  maxAgentsPerWorkspace: number;
  /** Profile of tasks that name none. */
  defaultProfile: string;
}

/**
 * Starts agents on ready tasks (all dependencies done), highest priority first, up to
 * `maxAgentsPerWorkspace` per workspace, in the workspace's folder (a worktree of its own when it is
 * a git repository). Agent CLIs get the prompt typed once at their prompt; a `cmd` task runs its
 * prompt as a shell command line (the user's own words, as a template's `shell:` command). A task
 * goes to review when its agent is idle after working (or exits 0), and fails when it crashes or
 * exits non-zero; `wtp merge` of its agent makes it done, which readies its dependants.
 */
export class Dispatcher {
  private busy = false;
  private again = false;
  private off: (() => void) | null = null;

  constructor(
    private readonly d: {
      tasks: TaskService;
      service: AgentService;
      registry: AgentRegistry;
      bus: EventBus;
      log: Logger;
      settings: DispatchSettings;
    },
  ) {}

  start(): void {
    this.off = this.d.bus.subscribe((e) => this.onEvent(e));
    void this.tick();
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  private onEvent(e: WtpEvent): void {
    if (e.type === 'task.created' || (e.type === 'task.statusChanged' && e.data.to === 'done')) {
      void this.tick();
      return;
    }
    if (e.agentId === null) return;
    const task = this.d.tasks.byAgent(e.agentId);
    if (!task) return;
    if (e.type === 'agent.merged') {
      if (task.status === 'review' || task.status === 'running') void this.move(task.id, 'done', 'merged');
      return;
    }
    if (task.status !== 'running') return;
    const agent = this.d.registry.get(e.agentId);
    if (e.type !== 'agent.stateChanged' || !agent) return;
    const { from, to, detail } = e.data;
    if (to === 'idle' && from === 'working') void this.move(task.id, 'review', 'agent finished its turn');
    else if (to === 'crashed') void this.move(task.id, 'failed', `agent crashed (${detail.reason})`);
    else if (to === 'exited' && !isAgentAware(agent.profile)) {
      const ok = detail.exitCode === 0;
      void this.move(
        task.id,
        ok ? 'review' : 'failed',
        ok ? 'command succeeded' : `exit ${detail.exitCode ?? detail.signal ?? '?'}`,
      );
    }
  }

  private async move(taskId: string, to: 'review' | 'failed' | 'done', reason: string): Promise<void> {
    try {
      await this.d.tasks.setStatus(taskId, to, reason);
    } catch (err) {
      this.d.log.warn({ err, taskId, to }, 'task status not changed');
    }
    if (to !== 'review') void this.tick();
  }

  /** Starts what can start; runs one at a time (a tick asked for meanwhile runs after). */
  async tick(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.dispatchReady();
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  private async dispatchReady(): Promise<void> {
    const all = this.d.tasks.records();
    const order = readyTasks(all.map((t) => ({ ...t, createdAt: new Date(t.createdAt).toISOString() })));
    for (const task of order.map((id) => all.find((t) => t.id === id)).filter((t) => t !== undefined)) {
      const running = this.d.tasks
        .records()
        .filter((t) => t.workspaceId === task.workspaceId && t.status === 'running').length;
      if (running >= this.d.settings.maxAgentsPerWorkspace) continue;
      const ws = this.d.registry.resolveWorkspace(task.workspaceId);
      if (ws.repoPath === null) continue; // nowhere to work: waits (the workspace needs a folder)
      const profile = task.profile ?? this.d.settings.defaultProfile;
      const name = `task-${task.id.replace(/^tk-/, '').slice(0, 8)}`;
      try {
        const agent = await this.d.service.create(
          {
            profile,
            name,
            workspace: ws.id,
            cwd: ws.repoPath,
            restart: 'never',
            argv: profile === 'cmd' ? ['/bin/sh', '-c', task.prompt] : [],
            env: { WTP_TASK_ID: task.id },
            wait: false,
            ...(profile === 'cmd' ? {} : { prompt: task.prompt }),
            ...(task.model === null ? {} : { model: task.model }),
          },
          'policy',
        );
        await this.d.tasks.started(task.id, agent.id);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.d.log.warn({ err, taskId: task.id }, 'task not dispatched');
        await this.d.tasks
          .setStatus(task.id, 'failed', `could not start an agent: ${message}`)
          .catch(() => undefined);
      }
    }
  }
}
