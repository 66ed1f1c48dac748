import type { Clock, TimerHandle } from '../../src/core/ports/daemon.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** 2025-01-01T00:00:00.000Z: a round start so ISO times in assertions are easy to read. */
export const FAKE_EPOCH = Date.UTC(2025, 0, 1);

/**
 * A clock that only moves when a test says so. Timers fire in time order (ties in the
 * order they were set), each with `now()` equal to its due time.
 */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(start: number = FAKE_EPOCH) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.time + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    if (typeof handle.id === 'number') this.timers.delete(handle.id);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Due time of the earliest pending timer, or null. */
  nextDue(): number | null {
    return this.earliest()?.at ?? null;
  }

  /**
   * Moves time forward by `ms`, firing every timer due by then, including timers that
   * firing timers set inside the window. Synchronous: promises started by timers are not awaited.
   */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let t = this.takeDue(target); t; t = this.takeDue(target)) {
      this.time = t.at;
      t.fn();
    }
    this.time = target;
  }

  /**
   * Like `advance`, but lets promises settle after each timer, so timers that async work
   * sets (after an await) inside the window fire too.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (let t = this.takeDue(target); t; t = this.takeDue(target)) {
      this.time = t.at;
      t.fn();
      await flush();
    }
    this.time = target;
  }

  private takeDue(target: number): Timer | undefined {
    const t = this.earliest();
    if (!t || t.at > target) return undefined;
    this.timers.delete(t.id);
    return t;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    }
    return best;
  }
}

/** Lets pending promise chains run: several macrotask turns, each after the microtask queue drains. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
