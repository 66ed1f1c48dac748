import type { GitWorktrees } from '../ports/git.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';

/**
 * Disk use of agents' worktrees (`wtp ls`), measured in the background one worktree at a time
 * every `intervalMs` — a walk of a large tree is too slow for a list call.
 */
export class DiskSampler {
  private readonly bytes = new Map<string, number>();
  private timer: TimerHandle | null = null;
  private running = false;

  constructor(
    private readonly d: { registry: AgentRegistry; git: GitWorktrees; clock: Clock; log: Logger },
    private readonly intervalMs: number,
  ) {}

  get(agentId: string): number | null {
    return this.bytes.get(agentId) ?? null;
  }

  start(): void {
    this.timer = this.d.clock.setTimer(0, () => void this.loop());
  }

  stop(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** Measures every worktree now (also after a create, so a new agent shows up soon). */
  async sample(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const agents = this.d.registry.all().filter((a) => a.worktree?.owned);
      for (const id of [...this.bytes.keys()]) {
        if (!agents.some((a) => a.id === id)) this.bytes.delete(id);
      }
      for (const a of agents) {
        const path = a.worktree?.path;
        if (!path) continue;
        try {
          this.bytes.set(a.id, await this.d.git.diskUsage(path));
        } catch (err) {
          this.d.log.debug({ err, agentId: a.id }, 'worktree disk use not measured');
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async loop(): Promise<void> {
    await this.sample();
    if (this.timer) this.timer = this.d.clock.setTimer(this.intervalMs, () => void this.loop());
  }
}
