import type { AgentState } from '../../protocol/agent.js';
import type { Clock, TimerHandle } from '../ports/daemon.js';

/** A start holds its folder's turn at most this long: a CLI that never comes up frees it then. */
export const START_TURN_MS = 20_000;

/** States in which a started agent is up (its CLI was read) or gone: its turn is over. */
const UP_OR_GONE: ReadonlySet<AgentState> = new Set([
  'idle',
  'working',
  'needs_permission',
  'needs_input',
  'exited',
  'crashed',
]);

export const upOrGoneState = (state: AgentState): boolean => UP_OR_GONE.has(state);

/**
 * Spawns of a CLI that cannot start beside another start on the same data folder, one at a time
 * per folder. A spawn holds its folder's turn until its agent is up or gone, or START_TURN_MS
 * passed; the next agent in line is then spawned (`go`). An agent left out of line (stopped,
 * removed) is skipped.
 */
export class StartTurns {
  private readonly holders = new Map<string, { agentId: string; timer: TimerHandle }>();
  private readonly lines = new Map<string, string[]>();

  constructor(
    private readonly clock: Clock,
    /** Spawns the agent if it still waits to (it takes its turn through `take`). */
    private readonly go: (agentId: string) => void,
    private readonly holdMs = START_TURN_MS,
  ) {}

  /** Whether the agent may spawn now on `folder`; if not, it waits in line (and `go` comes). */
  take(folder: string, agentId: string): boolean {
    const holder = this.holders.get(folder);
    if (holder && holder.agentId !== agentId) {
      const line = this.lines.get(folder) ?? [];
      if (!line.includes(agentId)) line.push(agentId);
      this.lines.set(folder, line);
      return false;
    }
    if (holder) this.clock.clearTimer(holder.timer);
    const timer = this.clock.setTimer(this.holdMs, () => this.release(agentId));
    this.holders.set(folder, { agentId, timer });
    return true;
  }

  /** The agent whose start `agentId` waits for, if it waits. */
  waitsFor(agentId: string): string | undefined {
    for (const [folder, line] of this.lines) {
      if (line.includes(agentId)) return this.holders.get(folder)?.agentId;
    }
    return undefined;
  }

  /** The agent is up, gone or forgotten: its place in line and its turn go (to the next in line). */
  release(agentId: string): void {
    for (const [folder, line] of this.lines) {
      const i = line.indexOf(agentId);
      if (i >= 0) line.splice(i, 1);
      if (line.length === 0) this.lines.delete(folder);
    }
    for (const [folder, holder] of [...this.holders]) {
      if (holder.agentId !== agentId) continue;
      this.clock.clearTimer(holder.timer);
      this.holders.delete(folder);
      this.next(folder);
    }
  }

  private next(folder: string): void {
    const line = this.lines.get(folder);
    while (line && line.length > 0 && !this.holders.has(folder)) {
      const id = line.shift() as string;
      this.go(id);
    }
    if (line?.length === 0) this.lines.delete(folder);
  }
}
