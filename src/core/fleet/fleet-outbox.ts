import type { AgentView } from '../../protocol/agent.js';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import { appError } from '../../protocol/error-messages.js';
import { AppError } from '../errors.js';
import type { Clock, EventLog, Logger, TimerHandle } from '../ports/daemon.js';
import type { FleetPublisher, MachineAnnouncement } from '../ports/fleet.js';
import { publishedView } from './fleet-views.js';

export interface OutboxSettings {
  /** Between two heartbeats (and two publications of agents whose figures changed). */
  heartbeatMs: number;
  /** The longest wait between two attempts to reach the database again. */
  retryMaxMs: number;
  /** Events per publication. */
  batch: number;
  /** Published events (and finished commands) the fleet keeps this long. */
  retentionMs: number;
}

/** How often old events are deleted from the fleet database. */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface OutboxDeps {
  fleet: FleetPublisher;
  /** The local event log: the outbox (its events are written with the change they describe). */
  log: EventLog;
  /** Committed events, as they happen. */
  subscribe(listener: (e: WtpEvent) => void): () => void;
  /** Every local agent as it is now. */
  agents(): AgentView[];
  announce(): MachineAnnouncement;
  /** Records a local event (that the fleet was lost or is back). */
  record(events: NewEvent[]): Promise<unknown>;
  /** Told each time publishing failed: the other connections to the database share its link. */
  lost?(err: AppError): void;
  /**
   * The identity of the fleet database this machine last joined, kept in its own database (issue
   * 30): another one at a join means the fleet's database was dropped and made again, or replaced.
   */
  identity?: { remembered(): string | null; remember(id: string): void };
  /** The database as it may be shown (no password). */
  database?: string;
  clock: Clock;
  logger: Logger;
  settings: OutboxSettings;
}

/** How this machine's publishing stands (`wtp status`, `wtp fleet`). */
export interface OutboxStatus {
  connected: boolean;
  /** Local events not yet in the fleet. */
  backlog: number;
  since: number;
  error: { code: string; message: string } | null;
  publishedSeq: number;
  role: string | null;
  sharedRole: boolean;
  /** The database's identity, once joined. */
  databaseId: string | null;
  /** The database was replaced under this machine: which identities, when. */
  replaced: { previous: string; current: string; at: number } | null;
}

/**
 * The transactional outbox of this machine. Every change is written to the local SQLite
 * log together with its event, so the log is the outbox: this drains it into the fleet database
 * in order — a batch of events, the agents they touched as they are now, and the cursor, in one
 * transaction — so nothing is lost and nothing is written twice across a lost connection or a
 * restart. Local work never waits for it: while the database is away, events stay in the log and
 * are published when it answers again (retried with a back-off), and the loss is loud (a warning,
 * `daemon.fleetLost`, `wtp status`).
 */
export class FleetOutbox {
  private state: OutboxStatus;
  private cursor = 0;
  /** The newest local event seen (from the log at joining, then from the bus). */
  private latest = 0;
  private joined = false;
  private running: Promise<void> = Promise.resolve();
  private retryTimer: TimerHandle | null = null;
  private heartbeatTimer: TimerHandle | null = null;
  private retryMs = 1_000;
  private stopped = false;
  private wanted = false;
  private unsubscribe: (() => void) | null = null;
  /** What was last published of each agent: figures that change are published at the next heartbeat. */
  private readonly lastViews = new Map<string, string>();
  /** When old events were last pruned (0: never, so the first heartbeat does). */
  private prunedAt = 0;

  constructor(private readonly d: OutboxDeps) {
    this.state = {
      connected: false,
      backlog: 0,
      since: d.clock.now(),
      error: null,
      publishedSeq: 0,
      role: null,
      sharedRole: false,
      databaseId: null,
      replaced: null,
    };
  }

  start(): void {
    this.unsubscribe = this.d.subscribe((e) => {
      this.latest = Math.max(this.latest, e.seq);
      this.drainSoon();
    });
    this.schedule(() => this.connect());
    this.heartbeatTimer = this.d.clock.setTimer(this.d.settings.heartbeatMs, () => this.beat());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of [this.retryTimer, this.heartbeatTimer]) if (t) this.d.clock.clearTimer(t);
    await this.running;
  }

  status(): OutboxStatus {
    return { ...this.state, publishedSeq: this.cursor, backlog: Math.max(0, this.latest - this.cursor) };
  }

  /** Resolves once everything logged so far is published (or publishing failed). */
  flushed(): Promise<void> {
    return this.running;
  }

  /** One operation at a time, in order: a publication never overtakes another. */
  private schedule(op: () => Promise<void>): void {
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      try {
        await op();
      } catch (err) {
        await this.lost(err);
      }
    });
  }

  private drainSoon(): void {
    if (!this.joined || this.wanted) return;
    this.wanted = true;
    this.schedule(async () => {
      this.wanted = false;
      await this.drain();
    });
  }

  private async connect(): Promise<void> {
    const latest = await this.d.log.latestSeq();
    this.latest = Math.max(this.latest, latest);
    const joined = await this.d.fleet.join(this.d.announce(), latest);
    this.cursor = joined.publishedSeq;
    const agents = this.d.agents().map(publishedView);
    await this.d.fleet.resync(agents);
    this.remember(agents);
    this.joined = true;
    this.retryMs = 1_000;
    const wasLost = this.state.error !== null;
    const replaced = this.identityChanged(joined.databaseId);
    this.state = {
      connected: true,
      backlog: 0,
      since: this.d.clock.now(),
      error: null,
      publishedSeq: this.cursor,
      role: joined.role,
      sharedRole: joined.sharedRole,
      databaseId: joined.databaseId === '' ? null : joined.databaseId,
      replaced: replaced ?? this.state.replaced,
    };
    if (replaced) {
      this.d.logger.warn(
        { previous: replaced.previous, current: replaced.current, database: this.d.database },
        'FLEET_DATABASE_REPLACED: the fleet database is not the one this machine joined before (dropped and made again, restored, or another one); its fleet tasks whose rows are gone are let go here',
      );
      await this.d
        .record([
          fleetEvent('daemon.fleetReplaced', {
            database: this.d.database ?? '',
            previous: replaced.previous,
            current: replaced.current,
          }),
        ])
        .catch((err: unknown) => this.d.logger.warn({ err }, 'daemon.fleetReplaced not recorded'));
    }
    this.d.logger.info(
      { publishedSeq: this.cursor, backlog: latest - this.cursor, role: joined.role },
      'fleet joined',
    );
    if (joined.sharedRole) {
      this.d.logger.warn(
        { role: joined.role },
        'the fleet role owns other machines too: the database cannot keep their rows apart (give each machine a role of its own)',
      );
    }
    if (wasLost) await this.d.record([fleetEvent('daemon.fleetRestored', { backlog: latest - this.cursor })]);
    await this.drain();
  }

  /** Publishes every logged event after the cursor, a batch per transaction. */
  private async drain(): Promise<void> {
    for (;;) {
      const events = await this.d.log.since({ since: this.cursor, limit: this.d.settings.batch });
      if (events.length === 0) return;
      const touched = new Set(events.flatMap((e) => (e.agentId === null ? [] : [e.agentId])));
      const now = new Map(this.d.agents().map((a) => [a.id, a]));
      const agents = [...touched].flatMap((id) => {
        const a = now.get(id);
        return a ? [publishedView(a)] : [];
      });
      const removed = [...touched].filter((id) => !now.has(id));
      await this.d.fleet.publish({ events, agents, removed });
      this.cursor = events.at(-1)?.seq ?? this.cursor;
      this.remember(agents);
      for (const id of removed) this.lastViews.delete(id);
      if (events.length < this.d.settings.batch) return;
    }
  }

  /** The heartbeat: the machine is alive; agents whose figures (CPU, memory, disk) changed are published. */
  private beat(): void {
    if (this.stopped) return;
    this.heartbeatTimer = this.d.clock.setTimer(this.d.settings.heartbeatMs, () => this.beat());
    if (!this.joined) return;
    this.schedule(async () => {
      await this.d.fleet.heartbeat(this.d.announce());
      const changed = this.d
        .agents()
        .map(publishedView)
        .filter((a) => this.lastViews.get(a.id) !== JSON.stringify(a));
      if (changed.length > 0) {
        await this.d.fleet.publish({ events: [], agents: changed, removed: [] });
        this.remember(changed);
      }
      const now = this.d.clock.now();
      if (now - this.prunedAt >= PRUNE_EVERY_MS) {
        this.prunedAt = now;
        const gone = await this.d.fleet.prune(this.d.settings.retentionMs);
        if (gone.events + gone.commands > 0)
          this.d.logger.info(gone, 'fleet: old events and commands pruned');
      }
    });
  }

  /**
   * Compares the database's identity with the one this machine last joined and remembers the new
   * one; the change, when there is one. A local database that cannot be written (a full disk)
   * leaves it unremembered, said loudly: the comparison is made again at the next join.
   */
  private identityChanged(current: string): { previous: string; current: string; at: number } | null {
    const id = this.d.identity;
    if (!id || current === '') return null;
    const previous = id.remembered();
    if (previous === current) return null;
    try {
      id.remember(current);
    } catch (err) {
      this.d.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'the fleet database identity could not be remembered (local database not writable)',
      );
    }
    return previous === null ? null : { previous, current, at: this.d.clock.now() };
  }

  private remember(agents: AgentView[]): void {
    for (const a of agents) this.lastViews.set(a.id, JSON.stringify(a));
  }

  private async lost(err: unknown): Promise<void> {
    const e = err instanceof AppError ? err : appError('FLEET_UNREACHABLE', { error: String(err) });
    const first = this.state.connected || this.state.error === null;
    this.d.lost?.(e);
    this.joined = false;
    this.state = {
      ...this.state,
      connected: false,
      since: first ? this.d.clock.now() : this.state.since,
      error: { code: e.code, message: e.message },
    };
    if (first) {
      this.d.logger.warn(
        { code: e.code, err: e.message },
        'fleet database lost: local work goes on, events wait in the outbox',
      );
      await this.d
        .record([fleetEvent('daemon.fleetLost', { code: e.code, message: e.message })])
        .catch(() => undefined);
    }
    if (this.stopped) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.d.settings.retryMaxMs);
    this.retryTimer = this.d.clock.setTimer(wait, () => {
      this.retryTimer = null;
      this.schedule(() => this.connect());
    });
  }
}

function fleetEvent<T extends 'daemon.fleetLost' | 'daemon.fleetRestored' | 'daemon.fleetReplaced'>(
  type: T,
  data: Extract<NewEvent, { type: T }>['data'],
): NewEvent {
  return { type, source: 'daemon', agentId: null, workspaceId: null, data } as NewEvent;
}
