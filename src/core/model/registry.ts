import { cloneTask, type TaskRecord } from './task-record.js';
import type { WorkspaceView } from '../../protocol/workspace.js';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import { cloneRecord, type AgentRecord } from './agent-record.js';
import { didYouMean } from '../../protocol/did-you-mean.js';
import { appError } from '../../protocol/error-messages.js';
import type { EventBus } from './event-bus.js';
import { PendingWrites } from './pending-writes.js';
import type { Clock, EventLog, Logger, StateStore, StoreChange } from '../ports/daemon.js';
import { isStorageFailure, storageError } from './storage-errors.js';
import type { StorageHealth } from './storage-health.js';

/** Events kept in memory while the database cannot be written; older ones are lost (counted). */
const MAX_PENDING_EVENTS = 10_000;

export interface RegistryOptions {
  /** Where storage failures and recoveries are reported. */
  storage?: StorageHealth;
  /** Time of events published while the database cannot be written. */
  clock?: Pick<Clock, 'now'>;
  /** The event log, for the last seq at load (events published while writes fail continue from it). */
  events?: EventLog;
  /** Path of the database, for messages. */
  databasePath?: string;
}

/**
 * How a change the database refuses for its storage (disk full, I/O error) is handled:
 * - `durable` (states, exits, removals, audit events: they already happened): kept in memory for the
 *   next commit that works, its events published at once with the seq and time they keep; the caller
 *   never sees the failure, `wtp status` does.
 * - `strict` (what the user asked for: creations, task changes): refused; the caller undoes its change.
 * - `offsets` (output checkpoints): refused, so no host gets an ack; agent records wait for the next commit.
 */
type CommitMode = 'durable' | 'strict' | 'offsets';

/**
 * The daemon's in-memory truth about agents and workspaces. Every change is written
 * through the StateStore in call order (one queue), then its events are published.
 */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly workspaces = new Map<string, WorkspaceView>();
  /** `workspaceId\0name` → agent id: names are unique per workspace (checked on every create). */
  private readonly names = new Map<string, string>();
  /**
   * Agents removed: a save that comes after (a host's last message, an output offset) must not
   * write the row back, or the agent returns at the next start and its workspace cannot be deleted.
   */
  private readonly removedIds = new Set<string>();
  private readonly changeListeners = new Set<(agentId: string) => void>();
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly pending = new PendingWrites(MAX_PENDING_EVENTS);
  /** The highest event seq given out (stored, or published while the database failed). */
  private lastSeq = 0;

  constructor(
    private readonly store: StateStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: RegistryOptions = {},
  ) {
    opts.storage?.onProbe('database', () => void this.retryPending());
    opts.storage?.attach({
      record: (events) => void this.record(events).catch(() => undefined),
      unsaved: () => this.unsaved(),
    });
  }

  async load(): Promise<void> {
    if (this.opts.events) this.lastSeq = await this.opts.events.latestSeq();
    for (const w of await this.store.loadWorkspaces()) this.workspaces.set(w.id, w);
    for (const a of await this.store.loadAgents()) {
      this.agents.set(a.id, a);
      this.names.set(nameKey(a.workspaceId, a.name), a.id);
    }
  }

  all(): AgentRecord[] {
    return [...this.agents.values()];
  }

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /** Finds an agent by id, `workspace/name`, or a name that is unique across workspaces. */
  resolve(ref: string): AgentRecord {
    const byId = this.agents.get(ref);
    if (byId) return byId;
    const slash = ref.indexOf('/');
    if (slash > 0) {
      const ws = this.findWorkspace(ref.slice(0, slash));
      const name = ref.slice(slash + 1);
      const hit = ws ? this.all().find((a) => a.workspaceId === ws.id && a.name === name) : undefined;
      if (hit) return hit;
      throw appError('AGENT_NOT_FOUND', { ref });
    }
    const hits = this.all().filter((a) => a.name === ref);
    if (hits.length === 1 && hits[0]) return hits[0];
    if (hits.length > 1) {
      const candidates = hits.map((a) => `${this.workspaceName(a.workspaceId)}/${a.name}`);
      throw appError('AGENT_AMBIGUOUS', { ref, candidates });
    }
    const names = [...new Set(this.all().map((a) => a.name))];
    throw appError('AGENT_NOT_FOUND', { ref, suggestion: didYouMean(ref, names) });
  }

  findWorkspace(ref: string): WorkspaceView | undefined {
    return this.workspaces.get(ref) ?? [...this.workspaces.values()].find((w) => w.name === ref);
  }

  resolveWorkspace(ref: string): WorkspaceView {
    const ws = this.findWorkspace(ref);
    if (ws) return ws;
    const names = this.listWorkspaces().map((w) => w.name);
    throw appError('WORKSPACE_NOT_FOUND', { ref, suggestion: didYouMean(ref, names) });
  }

  listWorkspaces(): WorkspaceView[] {
    return [...this.workspaces.values()];
  }

  workspaceName(id: string): string {
    return this.workspaces.get(id)?.name ?? id;
  }

  isNameTaken(workspaceId: string, name: string): boolean {
    const id = this.names.get(nameKey(workspaceId, name));
    const agent = id === undefined ? undefined : this.agents.get(id);
    return agent !== undefined && agent.name === name && agent.workspaceId === workspaceId;
  }

  /** `<base>-<n>` with the smallest n not taken in the workspace. */
  nextFreeName(workspaceId: string, base: string): string {
    for (let n = 1; ; n++) {
      const candidate = `${base}-${n}`;
      if (!this.isNameTaken(workspaceId, candidate)) return candidate;
    }
  }

  /** Registers a workspace; if the store refuses it, it is forgotten again and the error thrown. */
  async addWorkspace(ws: WorkspaceView, events: NewEvent[] = []): Promise<void> {
    this.workspaces.set(ws.id, ws);
    try {
      await this.commit({ upsertWorkspaces: [ws], events }, 'strict');
    } catch (err) {
      if (this.workspaces.get(ws.id) === ws) this.workspaces.delete(ws.id);
      throw err;
    }
  }

  /** Persists a changed workspace (its folder) with its events. */
  async updateWorkspace(ws: WorkspaceView, events: NewEvent[]): Promise<void> {
    this.workspaces.set(ws.id, ws);
    await this.commit({ upsertWorkspaces: [ws], events });
  }

  /** Removes a workspace (its agents must be removed first). */
  async removeWorkspace(id: string, events: NewEvent[]): Promise<void> {
    this.workspaces.delete(id);
    await this.commit({ removeWorkspaces: [id], events });
  }

  /** Registers a new agent and persists it with its events; if the store refuses, the agent is forgotten again. */
  async add(agent: AgentRecord, events: NewEvent[]): Promise<WtpEvent[]> {
    this.removedIds.delete(agent.id);
    this.agents.set(agent.id, agent);
    this.names.set(nameKey(agent.workspaceId, agent.name), agent.id);
    this.notify(agent.id);
    try {
      return await this.commit({ upsertAgents: [cloneRecord(agent)], events }, 'strict');
    } catch (err) {
      if (this.agents.get(agent.id) === agent) {
        this.agents.delete(agent.id);
        if (this.names.get(nameKey(agent.workspaceId, agent.name)) === agent.id)
          this.names.delete(nameKey(agent.workspaceId, agent.name));
        this.notify(agent.id);
      }
      throw err;
    }
  }

  /**
   * STORAGE_FULL / STORAGE_FAILED while the database cannot be written: creations are refused up
   * front, before anything (a worktree, a pane) is made for them.
   */
  assertWritable(what: string): void {
    this.opts.storage?.assertWritable('database', what);
  }

  /** False while the database cannot be written. */
  writable(): boolean {
    return this.opts.storage?.isFailing('database') !== true;
  }

  /** Persists the current in-memory state of an agent the caller has just changed. */
  save(agent: AgentRecord, events: NewEvent[] = []): Promise<WtpEvent[]> {
    this.notify(agent.id);
    return this.commit({ upsertAgents: [cloneRecord(agent)], events });
  }

  /** Persists several agents without events (a resize, a session id). */
  saveQuietly(agents: AgentRecord[]): Promise<WtpEvent[]> {
    if (agents.length === 0) return Promise.resolve([]);
    return this.commit({ upsertAgents: agents.map(cloneRecord) });
  }

  /**
   * Persists agents' output offsets; rejects when they are not on disk (so nothing is acknowledged
   * to a host), keeping the records for the next commit that works.
   */
  async saveOffsets(agents: AgentRecord[]): Promise<void> {
    if (agents.length === 0) return;
    await this.commit({ upsertAgents: agents.map(cloneRecord) }, 'offsets');
  }

  /** Records and events not in the database yet, and events lost meanwhile. */
  unsaved(): { changes: number; events: number; lost: number } {
    return { changes: this.pending.changes, events: this.pending.eventCount, lost: this.pending.lost };
  }

  /** Events published but not in the database yet (readers of the event log merge them). */
  pendingWrites(): PendingWrites {
    return this.pending;
  }

  remove(agentId: string, events: NewEvent[]): Promise<WtpEvent[]> {
    const gone = this.agents.get(agentId);
    if (gone && this.names.get(nameKey(gone.workspaceId, gone.name)) === agentId) {
      this.names.delete(nameKey(gone.workspaceId, gone.name));
    }
    this.agents.delete(agentId);
    this.removedIds.add(agentId);
    this.notify(agentId);
    return this.commit({ removeAgents: [agentId], events });
  }

  record(events: NewEvent[]): Promise<WtpEvent[]> {
    return this.commit({ events });
  }

  /** Called synchronously after every change of an agent (waiters use it). */
  onChange(listener: (agentId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Resolves once every queued write has reached the store. */
  flush(): Promise<void> {
    return this.chain.then(
      () => undefined,
      () => undefined,
    );
  }

  /** After this, writes are refused (the store is about to close); pending ones still land. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (!this.pending.empty)
      this.log.error(
        { unsaved: this.unsaved() },
        'the daemon stops with changes the database did not take (disk full?): they are lost; the agents keep running',
      );
  }

  /** Persists tasks with the events that describe the change, in one transaction (the caller rolls back a refusal). */
  commitTasks(tasks: TaskRecord[], events: NewEvent[]): Promise<WtpEvent[]> {
    return this.commit({ upsertTasks: tasks.map(cloneTask), events }, 'strict');
  }

  loadTasks(): Promise<TaskRecord[]> {
    return this.store.loadTasks();
  }

  private notify(agentId: string): void {
    for (const l of [...this.changeListeners]) l(agentId);
  }

  /** Writes what is kept from failed commits (the storage probe, and a retry on demand). */
  retryPending(): Promise<void> {
    if (this.pending.empty && !this.opts.storage?.isFailing('database')) return Promise.resolve();
    return this.commit({}).then(
      () => undefined,
      () => undefined,
    );
  }

  private commit(change: StoreChange, mode: CommitMode = 'durable'): Promise<WtpEvent[]> {
    if (this.closed) {
      this.log.warn(
        { events: change.events?.map((e) => e.type) },
        'change after the store closed was dropped',
      );
      return Promise.resolve([]);
    }
    const upserts = change.upsertAgents;
    if (upserts?.some((a) => this.removedIds.has(a.id)))
      change = { ...change, upsertAgents: upserts.filter((a) => !this.removedIds.has(a.id)) };
    const run = this.chain.then(() => this.attempt(change, mode));
    this.chain = run.catch((err: unknown) => {
      if (!isStorageFailure(err)) this.log.error({ err }, 'store commit failed');
    });
    return run.then((events) => {
      this.bus.publish(events);
      return events;
    });
  }

  /** One commit, with whatever earlier failed commits left pending in front of it. */
  private async attempt(change: StoreChange, mode: CommitMode): Promise<WtpEvent[]> {
    const hadPending = !this.pending.empty;
    try {
      const events = await this.store.commit(this.pending.merge(change, (id) => this.agents.get(id)));
      if (hadPending) this.pending.clear();
      for (const e of events) this.lastSeq = Math.max(this.lastSeq, e.seq);
      this.opts.storage?.recovered('database');
      return events;
    } catch (err) {
      const failure = storageError(err, { component: 'database', path: this.opts.databasePath ?? null });
      if (!failure) {
        if (!hadPending) throw err;
        return this.withoutPending(change, err);
      }
      this.opts.storage?.failed({
        component: 'database',
        path: (failure.details?.path as string | undefined) ?? this.opts.databasePath ?? '(database)',
        code: (failure.details?.errorCode as string | undefined) ?? 'EIO',
        message: failure.message,
      });
      if (mode === 'strict') throw failure;
      if (mode === 'offsets') {
        this.pending.keepRecords(change);
        throw failure;
      }
      const now = this.opts.clock?.now() ?? Date.now();
      const events = (change.events ?? []).map(
        (e) => ({ ...e, seq: ++this.lastSeq, ts: new Date(now).toISOString() }) as WtpEvent,
      );
      this.pending.keep(change, events);
      return events;
    }
  }

  /**
   * The merged commit failed for another reason than storage: what was pending is at fault (a
   * record the database no longer accepts). It is given up, loudly, so later writes go on.
   */
  private async withoutPending(change: StoreChange, err: unknown): Promise<WtpEvent[]> {
    const events = await this.store.commit(change);
    this.log.error(
      { err, unsaved: this.unsaved() },
      'changes kept while the database failed could not be written; they are given up',
    );
    this.pending.giveUp();
    return events;
  }
}

const nameKey = (workspaceId: string, name: string): string => `${workspaceId}\0${name}`;
