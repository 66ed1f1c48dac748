import type { AgentView } from '../../protocol/agent.js';
import { AppError } from '../errors.js';
import type { FleetChange, FleetMachine } from '../../protocol/fleet.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { FleetNotifications, FleetReader, MachineRow } from '../ports/fleet.js';
import { machineView, remoteView } from './fleet-views.js';

export interface MirrorSettings {
  /** Between two reads of the machines and of events missed (a NOTIFY lost with a connection). */
  pollMs: number;
  /** A machine silent for longer is shown unreachable. */
  unreachableAfterMs: number;
  /** Events read per query. */
  batch: number;
}

/**
 * The other machines of the fleet as this daemon sees them: their agents, loaded from a
 * consistent snapshot and then kept up by each machine's events in order (per-machine cursors, so
 * an event is applied once), woken by LISTEN/NOTIFY and, for anything a notification missed, by a
 * poll; their machines, reachable or not by their heartbeats. What it last saw stays when a
 * machine or the database goes away: shown unreachable with since when, never dropped.
 */
export class FleetMirror {
  private readonly agents = new Map<string, { machine: string; view: AgentView }>();
  private readonly cursors = new Map<string, number>();
  private readonly logs = new Map<string, string>();
  private rows: MachineRow[] = [];
  /** Our clock when `rows` were read (reachability between two reads). */
  private readAt = 0;
  private connected = false;
  private loaded = false;
  /** The machines as listeners were last told of them (`shape`). */
  private told = '';
  private unlisten: (() => Promise<void>) | null = null;
  private timer: TimerHandle | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  private again = false;
  private readonly listeners = new Set<(c: FleetChange) => void>();

  constructor(
    private readonly d: {
      reader: FleetReader;
      me: string;
      /** Further handlers on the same listening connection (commands, results). */
      notifications?: FleetNotifications;
      clock: Clock;
      logger: Logger;
      settings: MirrorSettings;
    },
  ) {}

  start(): void {
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    await this.busy;
    await this.unlisten?.();
  }

  subscribe(listener: (c: FleetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The machines (this one included once it has joined), as of now. */
  machines(): FleetMachine[] {
    const elapsed = this.d.clock.now() - this.readAt;
    return this.rows.map((m) =>
      machineView(m, {
        local: m.name === this.d.me,
        unreachableAfterMs: this.d.settings.unreachableAfterMs,
        elapsed,
        seen: this.connected,
      }),
    );
  }

  /** Every agent of the other machines, as last seen. */
  list(): AgentView[] {
    const now = this.d.clock.now();
    return [...this.agents.values()].map((a) => remoteView(a.view, a.machine, now));
  }

  get(id: string): AgentView | null {
    const a = this.agents.get(id);
    return a ? remoteView(a.view, a.machine, this.d.clock.now()) : null;
  }

  /** Whether the mirror has read the fleet at least once. */
  ready(): boolean {
    return this.loaded;
  }

  /** Catches up at once (a NOTIFY, or a caller that needs the latest). */
  refresh(): Promise<void> {
    if (this.stopped) return this.busy;
    this.again = true;
    this.busy = this.busy.then(async () => {
      if (!this.again || this.stopped) return;
      this.again = false;
      try {
        await this.catchUp();
      } catch (err) {
        this.dropListener(err);
        this.down(err);
      }
    });
    return this.busy;
  }

  private tick(): void {
    if (this.stopped) return;
    void this.refresh().finally(() => {
      if (!this.stopped) this.timer = this.d.clock.setTimer(this.d.settings.pollMs, () => this.tick());
    });
  }

  private async catchUp(): Promise<void> {
    if (!this.unlisten) {
      this.unlisten = await this.d.reader.listen(
        {
          ...this.d.notifications,
          published: (machine) => {
            if (machine !== this.d.me) void this.refresh();
          },
        },
        (err) => {
          this.unlisten = null;
          this.down(err);
        },
      );
    }
    const rows = await this.d.reader.machines();
    const replaced = rows.filter((m) => m.name !== this.d.me && this.logs.get(m.name) !== m.logId);
    const reload = !this.loaded || replaced.length > 0;
    if (reload) await this.load();
    this.rows = rows;
    this.readAt = this.d.clock.now();
    const wasConnected = this.connected;
    this.connected = true;
    if (reload) this.emit({ kind: 'reloaded' });
    for (;;) {
      const page = await this.d.reader.eventsAfter(this.cursors, this.d.me, this.d.settings.batch);
      if (page.length === 0) break;
      const touched = [...new Set(page.flatMap((r) => (r.event?.agentId ? [r.event.agentId] : [])))];
      const fresh = new Map((await this.d.reader.agentsById(touched)).map((a) => [a.view.id, a]));
      for (const id of touched) {
        const a = fresh.get(id);
        if (a && a.machine !== this.d.me) this.agents.set(id, a);
        else this.agents.delete(id);
      }
      // A machine's events are numbered without gaps: one means this view fell behind the fleet's
      // window (events pruned while it was away), so it reads everything again.
      const gap = page.find(
        (r) => (this.cursors.get(r.machine) ?? 0) > 0 && r.seq > (this.cursors.get(r.machine) ?? 0) + 1,
      );
      if (gap) {
        this.d.logger.warn({ machine: gap.machine }, 'fleet view behind the kept events: read again');
        await this.load();
        this.emit({ kind: 'reloaded' });
        continue;
      }
      for (const r of page) {
        if (r.seq <= (this.cursors.get(r.machine) ?? 0)) continue;
        this.cursors.set(r.machine, r.seq);
        // An invalid event (skipped and reported by the reader) moves the cursor, nothing else.
        if (r.event) this.emit({ kind: 'event', machine: r.machine, event: r.event });
      }
      if (page.length < this.d.settings.batch) break;
    }
    this.machinesChanged();
    if (!wasConnected)
      this.d.logger.info({ machines: rows.length, agents: this.agents.size }, 'fleet view up to date');
  }

  /** The other machines' agents and cursors, read at one moment. */
  private async load(): Promise<void> {
    const snap = await this.d.reader.snapshot(this.d.me);
    this.agents.clear();
    for (const a of snap.agents) this.agents.set(a.view.id, a);
    this.cursors.clear();
    this.logs.clear();
    for (const [name, c] of snap.cursors) {
      this.cursors.set(name, c.seq);
      this.logs.set(name, c.logId);
    }
    this.loaded = true;
  }

  /**
   * A read that could not reach the database gives up the listening connection too: over a link
   * that went silent (a partition, a laptop asleep) that connection reports nothing for as long as
   * TCP keeps it — hours — and notifications would never come again once the link is back, leaving
   * only the poll. The next catch-up listens on a fresh connection.
   */
  /**
   * The link to the database failed elsewhere (publishing timed out): a read of the mirror's own may
   * still be waiting on it and come back once the link does, leaving the listening connection the
   * partition made silent. It is given up as a failed read would.
   */
  linkLost(err: unknown): void {
    this.dropListener(err);
  }

  private dropListener(err: unknown): void {
    if (!this.unlisten || !(err instanceof AppError && err.code === 'FLEET_UNREACHABLE')) return;
    const close = this.unlisten;
    this.unlisten = null;
    void close().catch(() => undefined);
  }

  private down(err: unknown): void {
    if (this.connected) {
      this.d.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'fleet view: the database is away, the other machines are shown as last seen',
      );
    }
    this.connected = false;
    this.machinesChanged();
  }

  /**
   * Tells the listeners when the machines look otherwise than when they were last told: a machine
   * also becomes unreachable between two reads, as its last heartbeat ages.
   */
  private machinesChanged(): void {
    const now = this.shape();
    if (now === this.told) return;
    this.told = now;
    this.emit({ kind: 'machines' });
  }

  /** What a machine list shows that is worth telling (not the heartbeat times). */
  private shape(): string {
    return JSON.stringify(
      this.machines().map((m) => [m.name, m.reachable, m.version, m.capacity, m.agents, m.ssh, m.startedAt]),
    );
  }

  private emit(c: FleetChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(c);
      } catch {
        // a failing listener must not stop the others
      }
    }
  }
}
