import type { StatsSample } from '../../protocol/metrics.js';

/** Samples kept per agent by default: 10 minutes at the default 2 s interval. */
export const DEFAULT_HISTORY_SIZE = 300;

/** Numbers stored per sample: time, CPU percent, RSS bytes. */
const FIELDS = 3;
/** Bytes per sample in the ring (three float64). */
export const BYTES_PER_SAMPLE = FIELDS * Float64Array.BYTES_PER_ELEMENT;

/**
 * A fixed-size ring of samples in one Float64Array (`capacity` × 24 bytes, allocated once):
 * pushing past the capacity overwrites the oldest sample. Sample times only grow, so the samples
 * newer than a time are a suffix of the ring.
 */
export class SampleRing {
  private readonly data: Float64Array;
  /** Index of the next write. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.data = new Float64Array(capacity * FIELDS);
  }

  get size(): number {
    return this.count;
  }

  /** Adds a sample; one not newer than the last is ignored (a clock set back never reorders the ring). */
  push(s: StatsSample): void {
    const last = this.count > 0 ? this.data[this.slot(this.count - 1) * FIELDS] : undefined;
    if (last !== undefined && s.t <= last) return;
    const o = this.head * FIELDS;
    this.data[o] = s.t;
    this.data[o + 1] = s.cpuPercent;
    this.data[o + 2] = s.rssBytes;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The samples with `t > since`, oldest first. */
  since(since: number): StatsSample[] {
    let first = this.count;
    while (first > 0 && (this.data[this.slot(first - 1) * FIELDS] ?? 0) > since) first--;
    const out: StatsSample[] = [];
    for (let i = first; i < this.count; i++) {
      const o = this.slot(i) * FIELDS;
      out.push({ t: this.data[o] ?? 0, cpuPercent: this.data[o + 1] ?? 0, rssBytes: this.data[o + 2] ?? 0 });
    }
    return out;
  }

  /** Ring index of the i-th oldest sample. */
  private slot(i: number): number {
    return (this.head - this.count + i + this.capacity) % this.capacity;
  }
}

/**
 * The recent samples of every agent, one ring each. Memory is bounded by agents × capacity ×
 * BYTES_PER_SAMPLE (100 agents × 300 samples × 24 B = 720 kB) plus a small object per agent.
 */
export class StatsHistory {
  private readonly rings = new Map<string, SampleRing>();

  constructor(readonly capacity: number = DEFAULT_HISTORY_SIZE) {}

  record(agentId: string, s: StatsSample): void {
    let ring = this.rings.get(agentId);
    if (!ring) {
      ring = new SampleRing(this.capacity);
      this.rings.set(agentId, ring);
    }
    ring.push(s);
  }

  /** Agent ids with a history. */
  agents(): string[] {
    return [...this.rings.keys()];
  }

  has(agentId: string): boolean {
    return this.rings.has(agentId);
  }

  /** The agent's samples with `t > since`, oldest first; none for an agent without history. */
  since(agentId: string, since: number): StatsSample[] {
    return this.rings.get(agentId)?.since(since) ?? [];
  }

  /** Forgets every agent for which `keep` is false (removed agents). */
  retain(keep: (agentId: string) => boolean): void {
    for (const id of [...this.rings.keys()]) if (!keep(id)) this.rings.delete(id);
  }
}
