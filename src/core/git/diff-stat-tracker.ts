import type { WtpEvent } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { DiffFile, GitReview } from '../ports/git.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { DiffStat } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';

/** An agent's changes against its base, in numbers (the fleet's "3 files +40 −2"); `at` in epoch ms. */

/**
 * The diff stat of every agent with a worktree, kept in memory and measured with the review port's
 * diff (`stat: true`: committed, uncommitted and untracked work) one agent at a time: when an agent
 * is created, commits or merges, a moment after it goes idle or its process ends (debounced per
 * agent), and for every agent at daemon start. Records `agent.diffChanged` when the numbers differ
 * from the agent's last ones, so pages showing them learn of the change.
 */
export class DiffStatTracker {
  private readonly stats = new Map<string, DiffStat>();
  private readonly timers = new Map<string, TimerHandle>();
  /** Agents waiting to be measured, oldest first, each once. */
  private readonly queue = new Set<string>();
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly d: { registry: AgentRegistry; review: GitReview; clock: Clock; log: Logger },
    private readonly debounceMs: number,
  ) {}

  get(agentId: string): DiffStat | null {
    return this.stats.get(agentId) ?? null;
  }

  /** Measures every agent that has a worktree, in the background. */
  start(): void {
    this.stopped = false;
    for (const a of this.d.registry.all()) if (a.worktree) this.queue.add(a.id);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.d.clock.clearTimer(t);
    this.timers.clear();
    this.queue.clear();
  }

  /** Reacts to the agent events that may have changed a diff (subscribed to the event bus). */
  observe(e: WtpEvent): void {
    const id = e.agentId;
    if (id === null) return;
    if (e.type === 'agent.created' || e.type === 'agent.committed' || e.type === 'agent.merged') {
      this.refresh(id);
    } else if (e.type === 'agent.stateChanged' && ['idle', 'exited', 'crashed'].includes(e.data.to)) {
      this.refreshSoon(id);
    } else if (e.type === 'agent.removed') {
      this.forget(id);
    }
  }

  /** Queues a measurement of the agent. */
  refresh(agentId: string): void {
    if (this.stopped) return;
    this.queue.add(agentId);
    this.pump();
  }

  /** Measures the agent once it has been quiet for the debounce delay (a turn ends in bursts). */
  refreshSoon(agentId: string): void {
    if (this.stopped) return;
    const old = this.timers.get(agentId);
    if (old) this.d.clock.clearTimer(old);
    this.timers.set(
      agentId,
      this.d.clock.setTimer(this.debounceMs, () => {
        this.timers.delete(agentId);
        this.refresh(agentId);
      }),
    );
  }

  /** Takes the files of a diff computed elsewhere (a review) as a measurement, without running git. */
  async observed(agentId: string, files: readonly DiffFile[]): Promise<void> {
    if (this.stopped) return;
    try {
      await this.update(agentId, files);
    } catch (err) {
      this.d.log.debug({ err, agentId }, 'diff stat not recorded');
    }
  }

  /** Resolves once every queued measurement is done. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private forget(agentId: string): void {
    const t = this.timers.get(agentId);
    if (t) this.d.clock.clearTimer(t);
    this.timers.delete(agentId);
    this.queue.delete(agentId);
    this.stats.delete(agentId);
  }

  private pump(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    for (let next = first(this.queue); next !== undefined && !this.stopped; next = first(this.queue)) {
      this.queue.delete(next);
      const wt = this.d.registry.get(next)?.worktree;
      if (!wt) continue;
      try {
        const diff = await this.d.review.diff(wt, { stat: true });
        await this.update(next, diff.files);
      } catch (err) {
        this.d.log.debug({ err, agentId: next }, 'diff stat not measured');
      }
    }
  }

  private async update(agentId: string, files: readonly DiffFile[]): Promise<void> {
    const agent = this.d.registry.get(agentId);
    if (!agent?.worktree) return; // removed meanwhile
    const stat: DiffStat = {
      files: files.length,
      insertions: files.reduce((n, f) => n + f.insertions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      at: this.d.clock.now(),
    };
    const last = this.stats.get(agentId);
    this.stats.set(agentId, stat);
    if (
      last &&
      last.files === stat.files &&
      last.insertions === stat.insertions &&
      last.deletions === stat.deletions
    ) {
      return;
    }
    const { files: n, insertions, deletions } = stat;
    await this.d.registry.record([
      agentEvent(agent, 'daemon', 'agent.diffChanged', { files: n, insertions, deletions }),
    ]);
  }
}

const first = <T>(set: Set<T>): T | undefined => set.values().next().value;
