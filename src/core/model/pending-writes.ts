import type { WtpEvent } from '../../protocol/events.js';
import type { AgentRecord } from './agent-record.js';
import { cloneRecord } from './agent-record.js';
import type { EventLog, EventQuery, StoreChange } from '../ports/daemon.js';

/**
 * What the database did not take while it could not be written: which agents' records are
 * newer in memory, which removals are not on disk yet, and the events already published (with
 * the seq and time they were given). Everything is merged into the next commit; records are
 * written as they are in memory then (the latest state wins), events as they were published.
 * Beyond `maxEvents` the oldest events are dropped and counted as lost.
 */
export class PendingWrites {
  private readonly agents = new Set<string>();
  private readonly removedAgents = new Set<string>();
  private readonly removedWorkspaces = new Set<string>();
  private events: WtpEvent[] = [];
  private lostEvents = 0;

  constructor(private readonly maxEvents: number) {}

  get empty(): boolean {
    return this.changes === 0 && this.events.length === 0;
  }

  /** Records (agents and removals) not in the database yet. */
  get changes(): number {
    return this.agents.size + this.removedAgents.size + this.removedWorkspaces.size;
  }

  get eventCount(): number {
    return this.events.length;
  }

  get lost(): number {
    return this.lostEvents;
  }

  /** Keeps the records of `change` (not its events). */
  keepRecords(change: StoreChange): void {
    for (const a of change.upsertAgents ?? []) this.agents.add(a.id);
    for (const id of change.removeAgents ?? []) {
      this.agents.delete(id);
      this.removedAgents.add(id);
    }
    for (const id of change.removeWorkspaces ?? []) this.removedWorkspaces.add(id);
  }

  /** Keeps `change` with its events as published (`events`, seq and time assigned). */
  keep(change: StoreChange, events: WtpEvent[]): void {
    this.keepRecords(change);
    this.events.push(...events);
    const over = this.events.length - this.maxEvents;
    if (over > 0) {
      this.events = this.events.slice(over);
      this.lostEvents += over;
    }
  }

  /** Everything kept (records as `current` has them now), then `change`. */
  merge(change: StoreChange, current: (id: string) => AgentRecord | undefined): StoreChange {
    if (this.empty) return change;
    const named = new Set((change.upsertAgents ?? []).map((a) => a.id));
    const kept = [...this.agents]
      .filter((id) => !named.has(id))
      .map(current)
      .filter((a): a is AgentRecord => a !== undefined)
      .map(cloneRecord);
    return {
      ...change,
      upsertAgents: [...kept, ...(change.upsertAgents ?? [])],
      removeAgents: [...this.removedAgents, ...(change.removeAgents ?? [])],
      removeWorkspaces: [...this.removedWorkspaces, ...(change.removeWorkspaces ?? [])],
      replayEvents: [...this.events],
    };
  }

  /** The merged commit landed: nothing is pending any more. */
  clear(): void {
    this.agents.clear();
    this.removedAgents.clear();
    this.removedWorkspaces.clear();
    this.events = [];
  }

  /** What is kept cannot be written at all: dropped, its events counted as lost. */
  giveUp(): void {
    this.lostEvents += this.events.length;
    this.clear();
  }

  /** Kept events matching `q`, oldest first. */
  since(q: EventQuery): WtpEvent[] {
    return this.events.filter(
      (e) =>
        e.seq > q.since &&
        (q.agentId === undefined || e.agentId === q.agentId) &&
        (q.types === undefined || q.types.length === 0 || q.types.includes(e.type)),
    );
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }
}

/** The event log as readers should see it: the database plus the events it has not taken yet. */
export function withPendingEvents(log: EventLog, pending: () => PendingWrites): EventLog {
  return {
    async since(q) {
      const stored = await log.since(q);
      const kept = pending().since(q);
      if (kept.length === 0) return stored;
      const seen = new Set(stored.map((e) => e.seq));
      return [...stored, ...kept.filter((e) => !seen.has(e.seq))]
        .sort((a, b) => a.seq - b.seq)
        .slice(0, q.limit);
    },
    async latestSeq() {
      return Math.max(await log.latestSeq(), pending().lastSeq);
    },
  };
}
