/** What a replay of the log carries from one event to the next, after every event up to `seq`. */
export interface ReplayCheckpoint<S> {
  seq: number;
  /** How many events of the replay's types lead up to it. */
  events: number;
  /** The latest time among those events. */
  maxTs: number;
  state: S;
}

/**
 * Checkpoints taken while a report replays the event log, every `every` events it reads, so that
 * a later query starts from the latest one whose events all happened before its window instead
 * of from the start of the log. Exact when the state carried is what the events leave behind
 * outside any window (the spans they close end before the window, so they add nothing to it).
 * At most `max` are kept (every other one is dropped when full, so they thin out evenly). In
 * memory: a restarted daemon replays once from the start.
 */
export class ReplayCheckpoints<S> {
  private points: ReplayCheckpoint<S>[] = [];

  constructor(
    readonly every = 10_000,
    private readonly max = 256,
  ) {}

  /** The latest checkpoint whose events all happened at or before `since`. */
  before(since: number): ReplayCheckpoint<S> | undefined {
    for (let i = this.points.length - 1; i >= 0; i--) {
      const p = this.points[i] as ReplayCheckpoint<S>;
      if (p.maxTs <= since) return p;
    }
    return undefined;
  }

  /** Keeps `p` if it lies beyond the last checkpoint. */
  offer(p: ReplayCheckpoint<S>): void {
    const last = this.points.at(-1);
    if (last && p.seq <= last.seq) return;
    this.points.push(p);
    if (this.points.length > this.max) this.points = this.points.filter((_, i) => i % 2 === 1);
  }

  get size(): number {
    return this.points.length;
  }
}
