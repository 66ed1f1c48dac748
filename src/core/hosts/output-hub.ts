import type { AgentRecord } from '../model/agent-record.js';
import { OutputTail } from './output-tail.js';

export type OutputListener = (seq: number, data: Uint8Array) => void;

/**
 * Live terminal output of every agent: a recent tail per agent (byte offsets), fan-out
 * to subscribers (attach, follow), and bookkeeping of what must be persisted and acked.
 */
export class OutputHub {
  private readonly tails = new Map<string, OutputTail>();
  private readonly listeners = new Map<string, Set<OutputListener>>();
  private readonly dirty = new Set<string>();
  private readonly lastAt = new Map<string, number>();
  private readonly sizeListeners = new Map<string, Set<(cols: number, rows: number) => void>>();

  constructor(
    private readonly tailBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** When the agent last produced new output (epoch ms), or null if not since the daemon started. */
  lastOutputAt(agentId: string): number | null {
    return this.lastAt.get(agentId) ?? null;
  }

  /** Starts the agent's tail at `seq` (on every host hello). */
  reset(agentId: string, seq: number): void {
    this.tails.set(agentId, new OutputTail(this.tailBytes, seq));
  }

  /** Takes a chunk from a host; returns the number of new bytes. */
  push(agent: AgentRecord, seq: number, data: Uint8Array): number {
    let tail = this.tails.get(agent.id);
    if (!tail) {
      tail = new OutputTail(this.tailBytes, seq);
      this.tails.set(agent.id, tail);
    }
    const fresh = tail.push(seq, data);
    if (!fresh || fresh.length === 0) return 0;
    agent.outputSeq = tail.end;
    this.dirty.add(agent.id);
    this.lastAt.set(agent.id, this.now());
    const at = tail.end - fresh.length;
    for (const l of [...(this.listeners.get(agent.id) ?? [])]) l(at, fresh);
    return fresh.length;
  }

  subscribe(agentId: string, listener: OutputListener): () => void {
    let set = this.listeners.get(agentId);
    if (!set) {
      set = new Set();
      this.listeners.set(agentId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(agentId);
    };
  }

  /** The agent's terminal changed size (its pane was resized, or a client resized it). */
  resized(agentId: string, cols: number, rows: number): void {
    for (const l of [...(this.sizeListeners.get(agentId) ?? [])]) l(cols, rows);
  }

  /** Calls `listener` with every new size of the agent's terminal. */
  onResize(agentId: string, listener: (cols: number, rows: number) => void): () => void {
    let set = this.sizeListeners.get(agentId);
    if (!set) {
      set = new Set();
      this.sizeListeners.set(agentId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.sizeListeners.delete(agentId);
    };
  }

  /** Recent output from `seq` on, or null when `seq` is older than the tail (read the log instead). */
  readFrom(agentId: string, seq: number): Uint8Array | null {
    const tail = this.tails.get(agentId);
    if (!tail) return null;
    return tail.readFrom(seq);
  }

  tailStart(agentId: string): number | null {
    return this.tails.get(agentId)?.start ?? null;
  }

  /** Marks agents as still needing a checkpoint (after a failed one). */
  markDirty(agentIds: readonly string[]): void {
    for (const id of agentIds) if (this.tails.has(id)) this.dirty.add(id);
  }

  /** Agents whose output offset changed since the last call. */
  takeDirty(): string[] {
    const ids = [...this.dirty];
    this.dirty.clear();
    return ids;
  }

  forget(agentId: string): void {
    this.tails.delete(agentId);
    this.listeners.delete(agentId);
    this.dirty.delete(agentId);
    this.lastAt.delete(agentId);
  }

  subscriberCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
