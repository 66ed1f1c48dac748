import { LiveCollection } from '../../client/live-collection.js';
import { agentSource, latestSeq, RADAR_EVENTS, taskSource } from '../../client/live-sources.js';
import type { WtpClient } from '../../client/wtp-client.js';
import type { AgentView } from '../../protocol/agent.js';
import type { TaskView } from '../../protocol/tasks.js';
import { EventFeed, type FeedStatus } from './event-feed.js';

export type Tab = 'agents' | 'tasks';

/** Changes of the fleet are repainted at most this often (20 a second). */
const DATA_MS = 50;

/** Requests started before the TUI's code loaded (`wtp tui` starts them first, to overlap). */
export interface Preload {
  since?: Promise<number>;
  agents?: Promise<AgentView[]>;
}

/** `first` for the first call, then `rest`. */
function once<T>(first: Promise<T>, rest: () => Promise<T>): () => Promise<T> {
  let used = false;
  return () => {
    if (used) return rest();
    used = true;
    return first;
  };
}

/** A line under the list: what an action did, or why it was refused. */
export interface Notice {
  text: string;
  kind: 'info' | 'ok' | 'error';
}

/**
 * Everything the TUI shows, outside React: the daemon's agents, tasks and conflict warnings, kept
 * live from the event stream, and the UI's own state (selection, filter, tab). It outlives the Ink
 * app (attaching full-screen unmounts it); views read it with `useSyncExternalStore`.
 */
export class TuiStore {
  readonly agents: LiveCollection<AgentView>;
  readonly tasks: LiveCollection<TaskView>;
  /** Agent id → the agents (or base branch) its branch would conflict with. */
  conflicts = new Map<string, string[]>();
  /** In a fleet: the machines out of reach, with the time of their last heartbeat (ISO). */
  unreachable = new Map<string, string>();
  /** In a fleet: this daemon's machine (other machines' agents are previewed through the fleet). */
  machine: string | null = null;
  feed: FeedStatus = 'connecting';
  tab: Tab = 'agents';
  selectedAgent: string | null = null;
  selectedTask: string | null = null;
  filter = '';
  needsFirst = false;
  /** Lines the preview is scrolled back. */
  scroll = 0;
  notice: Notice | null = null;
  /** Bumped on every change: the snapshot `useSyncExternalStore` compares. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  private events: EventFeed | null = null;
  private stopped = false;
  private radarTicket = 0;

  constructor(
    readonly client: WtpClient,
    preload: Preload = {},
  ) {
    // The fleet changes many times a second with many agents: repainted at most every DATA_MS, so a
    // key press never waits behind a queue of renders. What the user does repaints at once.
    const changed = (): void => this.changedSoon();
    const agents = agentSource(client);
    const first = preload.agents;
    this.agents = new LiveCollection(
      first ? { ...agents, loadAll: once(first, agents.loadAll) } : agents,
      changed,
    );
    this.tasks = new LiveCollection(taskSource(client), changed);
    this.since = preload.since;
  }

  private readonly since: Promise<number> | undefined;
  private dataTimer: NodeJS.Timeout | null = null;

  /** Loads everything once the stream's start is known, then follows the stream. */
  async start(): Promise<void> {
    const since = await (this.since ?? latestSeq(this.client));
    if (this.stopped) return;
    this.events = new EventFeed(this.client, since, {
      events: (batch, agentOf) => {
        this.agents.apply(batch, agentOf);
        this.tasks.apply(batch);
        if (batch.some((e) => RADAR_EVENTS.has(e.type))) this.loadConflicts();
      },
      status: (s) => {
        this.feed = s;
        this.changed();
      },
      fleet: (change) => {
        this.agents.fleet(change);
        this.tasks.fleet(change);
        if (change.kind === 'machines') this.loadMachines();
      },
      reconnected: () => {
        this.agents.reload();
        this.tasks.reload();
        this.loadConflicts();
        this.loadMachines();
      },
    });
    this.events.start();
    this.agents.start();
    this.tasks.start();
    this.loadConflicts();
    this.loadMachines();
  }

  /** In a fleet, which machines are out of reach (their agents show as last seen). */
  loadMachines(): void {
    this.client
      .call('fleetStatus')
      .then(({ fleet }) => {
        const away = new Map<string, string>();
        for (const m of fleet?.machines ?? [])
          if (!m.reachable) away.set(m.name, m.unreachableSince ?? m.heartbeatAt);
        this.unreachable = away;
        this.machine = fleet?.machine ?? null;
        this.changed();
      })
      .catch(() => undefined); // a daemon of an earlier version has no fleet: nothing to show
  }

  stop(): void {
    this.stopped = true;
    if (this.dataTimer) clearTimeout(this.dataTimer);
    this.events?.close();
    this.agents.stop();
    this.tasks.stop();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): number => this.version;

  /** Changes UI state and repaints. */
  update(
    change: Partial<
      Pick<TuiStore, 'tab' | 'selectedAgent' | 'selectedTask' | 'filter' | 'needsFirst' | 'scroll' | 'notice'>
    >,
  ): void {
    Object.assign(this, change);
    this.changed();
  }

  say(text: string, kind: Notice['kind'] = 'info'): void {
    this.update({ notice: { text, kind } });
  }

  /** The radar's last report (no git run), as warnings per agent. */
  loadConflicts(): void {
    const ticket = ++this.radarTicket;
    this.client
      .call('conflicts', { query: { cached: 'true' } })
      .then((report) => {
        if (ticket !== this.radarTicket) return;
        const byAgent = new Map<string, string[]>();
        for (const p of report.pairs) {
          if (!p.conflicting) continue;
          if (p.aAgent) byAgent.set(p.aAgent, [...(byAgent.get(p.aAgent) ?? []), p.b]);
          if (p.bAgent) byAgent.set(p.bAgent, [...(byAgent.get(p.bAgent) ?? []), p.a]);
        }
        this.conflicts = byAgent;
        this.changed();
      })
      .catch(() => undefined); // the radar is advisory: the list shows without its warnings
  }

  private changed(): void {
    if (this.dataTimer) clearTimeout(this.dataTimer);
    this.dataTimer = null;
    this.version += 1;
    for (const l of this.listeners) l();
  }

  private changedSoon(): void {
    if (this.dataTimer || this.stopped) return;
    this.dataTimer = setTimeout(() => this.changed(), DATA_MS);
  }
}
