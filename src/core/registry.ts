import { cloneTask, type TaskRecord } from './task-record.js';
import type { WorkspaceView } from '../protocol/workspace.js';
import type { NewEvent, WtpEvent } from '../protocol/events.js';
import { cloneRecord, type AgentRecord } from './agent-record.js';
import { AppError } from './errors.js';
import type { EventBus } from './event-bus.js';
import type { Logger, StateStore, StoreChange } from './ports.js';

/**
 * The daemon's in-memory truth about agents and workspaces. Every change is written
 * through the StateStore in call order (one queue), then its events are published.
 */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly workspaces = new Map<string, WorkspaceView>();
  /** `workspaceId\0name` → agent id: names are unique per workspace (checked on every create). */
  private readonly names = new Map<string, string>();
  private readonly changeListeners = new Set<(agentId: string) => void>();
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: StateStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
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
      throw new AppError('AGENT_NOT_FOUND', `No agent "${ref}".`, { ref });
    }
    const hits = this.all().filter((a) => a.name === ref);
    if (hits.length === 1 && hits[0]) return hits[0];
    if (hits.length > 1) {
      const candidates = hits.map((a) => `${this.workspaceName(a.workspaceId)}/${a.name}`);
      throw new AppError(
        'AGENT_AMBIGUOUS',
        `"${ref}" names agents in several workspaces: ${candidates.join(', ')}.`,
        { ref, candidates },
      );
    }
    throw new AppError('AGENT_NOT_FOUND', `No agent "${ref}". \`wtp ls\` lists the agents.`, { ref });
  }

  findWorkspace(ref: string): WorkspaceView | undefined {
    return this.workspaces.get(ref) ?? [...this.workspaces.values()].find((w) => w.name === ref);
  }

  resolveWorkspace(ref: string): WorkspaceView {
    const ws = this.findWorkspace(ref);
    if (!ws) throw new AppError('WORKSPACE_NOT_FOUND', `No workspace "${ref}".`, { ref });
    return ws;
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

  async addWorkspace(ws: WorkspaceView, events: NewEvent[] = []): Promise<void> {
    this.workspaces.set(ws.id, ws);
    await this.commit({ upsertWorkspaces: [ws], events });
  }

  /** Removes a workspace (its agents must be removed first). */
  async removeWorkspace(id: string, events: NewEvent[]): Promise<void> {
    this.workspaces.delete(id);
    await this.commit({ removeWorkspaces: [id], events });
  }

  /** Registers a new agent and persists it with its events. */
  add(agent: AgentRecord, events: NewEvent[]): Promise<WtpEvent[]> {
    this.agents.set(agent.id, agent);
    this.names.set(nameKey(agent.workspaceId, agent.name), agent.id);
    this.notify(agent.id);
    return this.commit({ upsertAgents: [cloneRecord(agent)], events });
  }

  /** Persists the current in-memory state of an agent the caller has just changed. */
  save(agent: AgentRecord, events: NewEvent[] = []): Promise<WtpEvent[]> {
    this.notify(agent.id);
    return this.commit({ upsertAgents: [cloneRecord(agent)], events });
  }

  /** Persists several agents without events (e.g. output offsets). */
  saveQuietly(agents: AgentRecord[]): Promise<WtpEvent[]> {
    if (agents.length === 0) return Promise.resolve([]);
    return this.commit({ upsertAgents: agents.map(cloneRecord) });
  }

  remove(agentId: string, events: NewEvent[]): Promise<WtpEvent[]> {
    const gone = this.agents.get(agentId);
    if (gone && this.names.get(nameKey(gone.workspaceId, gone.name)) === agentId) {
      this.names.delete(nameKey(gone.workspaceId, gone.name));
    }
    this.agents.delete(agentId);
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
  }

  /** Persists tasks with the events that describe the change, in one transaction. */
  commitTasks(tasks: TaskRecord[], events: NewEvent[]): Promise<WtpEvent[]> {
    return this.commit({ upsertTasks: tasks.map(cloneTask), events });
  }

  loadTasks(): Promise<TaskRecord[]> {
    return this.store.loadTasks();
  }

  private notify(agentId: string): void {
    for (const l of [...this.changeListeners]) l(agentId);
  }

  private commit(change: StoreChange): Promise<WtpEvent[]> {
    if (this.closed) {
      this.log.warn(
        { events: change.events?.map((e) => e.type) },
        'change after the store closed was dropped',
      );
      return Promise.resolve([]);
    }
    const run = this.chain.then(() => this.store.commit(change));
    this.chain = run.catch((err: unknown) => {
      this.log.error({ err }, 'store commit failed');
    });
    return run.then((events) => {
      this.bus.publish(events);
      return events;
    });
  }
}

const nameKey = (workspaceId: string, name: string): string => `${workspaceId}\0${name}`;
