import type { Clock, TimerHandle } from '../ports/daemon.js';

export type TimerKind = 'restart' | 'connect' | 'kill';

/** One-shot timers per agent and purpose; setting one replaces the previous of its kind. */
export class AgentTimers {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  set(kind: TimerKind, agentId: string, ms: number, fn: () => void): void {
    this.clear(kind, agentId);
    const key = `${kind}:${agentId}`;
    this.timers.set(
      key,
      this.clock.setTimer(ms, () => {
        this.timers.delete(key);
        fn();
      }),
    );
  }

  has(kind: TimerKind, agentId: string): boolean {
    return this.timers.has(`${kind}:${agentId}`);
  }

  clear(kind: TimerKind, agentId: string): void {
    const key = `${kind}:${agentId}`;
    const t = this.timers.get(key);
    if (t) this.clock.clearTimer(t);
    this.timers.delete(key);
  }

  /** Clears the given kinds for one agent, or for every agent when `agentId` is omitted. */
  clearAll(kinds: readonly TimerKind[], agentId?: string): void {
    for (const key of [...this.timers.keys()]) {
      const [kind, id] = key.split(':', 2) as [TimerKind, string];
      if (kinds.includes(kind) && (agentId === undefined || id === agentId)) this.clear(kind, id);
    }
  }
}
