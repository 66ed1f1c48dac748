import type { AgentStats } from '../protocol/agent.js';
import type { Clock, ProcessInspector, TimerHandle } from './ports.js';
import type { AgentRegistry } from './registry.js';
import { hasProcess } from './agent-state.js';

/** Samples CPU and memory of each running agent's process tree on a fixed interval. */
export class StatsSampler {
  private readonly last = new Map<string, { pid: number; cpuMs: number; at: number; stats: AgentStats }>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly inspector: ProcessInspector,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

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
      this.last.set(agent.id, {
        pid: agent.pid,
        cpuMs: s.cpuMs,
        at: now,
        stats: {
          cpuPercent: Math.round(cpuPercent * 10) / 10,
          rssBytes: s.rssBytes,
          processes: s.processes,
          sampledAt: new Date(now).toISOString(),
        },
      });
    }
    for (const id of [...this.last.keys()]) if (!seen.has(id)) this.last.delete(id);
  }
}
