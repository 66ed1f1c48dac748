import type { AgentStats } from '../../protocol/agent.js';
import type { StatsHistory as StatsHistoryView } from '../../protocol/metrics.js';
import type { Clock, ProcessInspector, TimerHandle } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import { hasProcess } from '../model/agent-state.js';
import { DEFAULT_HISTORY_SIZE, StatsHistory } from './stats-history.js';

/**
 * Samples CPU and memory of each running agent's process tree on a fixed interval. The last
 * sample is the agent's `stats`; the recent ones stay in a ring per agent (`history`) until the
 * agent is removed, so an agent that exited keeps its curve.
 */
export class StatsSampler {
  private readonly last = new Map<string, { pid: number; cpuMs: number; at: number; stats: AgentStats }>();
  private readonly rings: StatsHistory;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly inspector: ProcessInspector,
    private readonly clock: Clock,
    readonly intervalMs: number,
    historySize: number = DEFAULT_HISTORY_SIZE,
  ) {
    this.rings = new StatsHistory(historySize);
  }

  start(): void {
    const loop = (): void => {
      this.sample();
      this.timer = this.clock.setTimer(this.intervalMs, loop);
    };
    this.timer = this.clock.setTimer(this.intervalMs, loop);
  }

  stop(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  get(agentId: string): AgentStats | null {
    return this.last.get(agentId)?.stats ?? null;
  }

  /** Takes one sample of every running agent (public for tests and on-demand refresh). */
  sample(): void {
    const now = this.clock.now();
    const seen = new Set<string>();
    const running = this.registry.all().filter((a) => hasProcess(a.state) && a.pid !== null);
    const samples =
      running.length === 0 ? new Map() : this.inspector.sampleTrees(running.map((a) => a.pid ?? 0));
    for (const agent of running) {
      if (agent.pid === null) continue;
      const s = samples.get(agent.pid);
      if (!s) continue;
      seen.add(agent.id);
      const prev = this.last.get(agent.id);
      const comparable = prev && prev.pid === agent.pid && now > prev.at;
      const cpuPercent = comparable ? Math.max(0, ((s.cpuMs - prev.cpuMs) / (now - prev.at)) * 100) : 0;
      const rounded = Math.round(cpuPercent * 10) / 10;
      this.last.set(agent.id, {
        pid: agent.pid,
        cpuMs: s.cpuMs,
        at: now,
        stats: {
          cpuPercent: rounded,
          rssBytes: s.rssBytes,
          processes: s.processes,
          sampledAt: new Date(now).toISOString(),
        },
      });
      this.rings.record(agent.id, { t: now, cpuPercent: rounded, rssBytes: s.rssBytes });
    }
    for (const id of [...this.last.keys()]) if (!seen.has(id)) this.last.delete(id);
    this.rings.retain((id) => this.registry.get(id) !== undefined);
  }

  /**
   * The samples newer than `since` of every agent with a history, or of the agent `ref` (id,
   * name or workspace/name; AGENT_NOT_FOUND otherwise). Removed agents are never listed.
   */
  history(q: { since?: number | undefined; agent?: string | undefined } = {}): StatsHistoryView {
    const since = q.since ?? 0;
    const ids = q.agent === undefined ? this.rings.agents() : [this.registry.resolve(q.agent).id];
    const agents = ids.flatMap((id) => {
      const a = this.registry.get(id);
      if (!a) return [];
      const workspace = this.registry.findWorkspace(a.workspaceId)?.name ?? a.workspaceId;
      return [{ id, name: a.name, workspace, samples: this.rings.since(id, since) }];
    });
    return { intervalMs: this.intervalMs, historySize: this.rings.capacity, agents };
  }
}
