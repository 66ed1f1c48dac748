import { cloneRecord, type AgentRecord } from '../../src/core/model/agent-record.js';
import { cloneTask, type TaskRecord } from '../../src/core/model/task-record.js';
import type { ClosedByHand, Placement } from '../../src/core/ports/panes.js';
import type {
  EventLog,
  EventQuery,
  HostLauncher,
  HostLink,
  IdGenerator,
  LaunchPreflight,
  Logger,
  OutputGap,
  OutputLogs,
  ProcessInspector,
  StateStore,
  StoreChange,
  TreeSample,
} from '../../src/core/ports/daemon.js';
import type { Screen } from '../../src/protocol/agent.js';
import type { EventType, WtpEvent } from '../../src/protocol/events.js';
import type { DaemonMessage, HostSnapshot } from '../../src/protocol/host.js';
import type { WorkspaceView } from '../../src/protocol/workspace.js';

// In-memory fakes of the core's ports (src/core/ports/daemon.ts); core-fakes.ts wires them into a core.

/** StateStore and EventLog in memory: assigns seq and ts like the SQLite store does. */
export class MemoryStore implements StateStore, EventLog {
  readonly agents = new Map<string, AgentRecord>();
  readonly workspaces = new Map<string, WorkspaceView>();
  readonly events: WtpEvent[] = [];
  /** Every change, in the order it was applied. */
  readonly commits: StoreChange[] = [];
  /** When set, the next commit rejects with it (once). */
  failNext: Error | null = null;
  /** While set, every commit rejects with it (a full disk until it is cleared). */
  failing: Error | null = null;
  private seq = 0;
  private gate: Promise<void> | null = null;

  /**
   * `retain: false` keeps only the current state, not every commit and event (the benchmark's
   * 10,000-task graphs: a growing history would make the garbage collector's work the figure).
   */
  constructor(
    private readonly now: () => number,
    private readonly retain = true,
  ) {}

  /** Commits wait until the returned function is called. */
  hold(): () => void {
    let release = (): void => {};
    this.gate = new Promise<void>((resolve) => {
      release = () => {
        this.gate = null;
        resolve();
      };
    });
    return release;
  }

  loadAgents(): Promise<AgentRecord[]> {
    return Promise.resolve([...this.agents.values()].map(cloneRecord));
  }

  loadWorkspaces(): Promise<WorkspaceView[]> {
    return Promise.resolve([...this.workspaces.values()].map((w) => ({ ...w })));
  }

  readonly tasks = new Map<string, TaskRecord>();

  loadTasks(): Promise<TaskRecord[]> {
    return Promise.resolve([...this.tasks.values()].map(cloneTask));
  }

  async commit(change: StoreChange): Promise<WtpEvent[]> {
    if (this.gate) await this.gate;
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    if (this.failing) throw this.failing;
    if (this.retain) this.commits.push(change);
    for (const w of change.upsertWorkspaces ?? []) this.workspaces.set(w.id, { ...w });
    for (const a of change.upsertAgents ?? []) this.agents.set(a.id, cloneRecord(a));
    for (const t of change.upsertTasks ?? []) this.tasks.set(t.id, cloneTask(t));
    for (const id of change.removeAgents ?? []) this.agents.delete(id);
    for (const id of change.removeWorkspaces ?? []) this.workspaces.delete(id);
    for (const e of change.replayEvents ?? []) {
      this.seq = Math.max(this.seq, e.seq);
      if (this.retain) this.events.push(e);
    }
    const out: WtpEvent[] = [];
    for (const e of change.events ?? []) {
      const stored = { ...e, seq: ++this.seq, ts: new Date(this.now()).toISOString() } as WtpEvent;
      if (this.retain) this.events.push(stored);
      out.push(stored);
    }
    return out;
  }

  since(q: EventQuery): Promise<WtpEvent[]> {
    const hits = this.events.filter(
      (e) =>
        e.seq > q.since &&
        (q.agentId === undefined || e.agentId === q.agentId) &&
        (q.types === undefined || q.types.length === 0 || q.types.includes(e.type)),
    );
    return Promise.resolve(hits.slice(0, q.limit));
  }

  latestSeq(): Promise<number> {
    return Promise.resolve(this.seq);
  }

  /** Stored events of one type (optionally of one agent), oldest first. */
  ofType<T extends EventType>(type: T, agentId?: string): Extract<WtpEvent, { type: T }>[] {
    return this.events.filter(
      (e): e is Extract<WtpEvent, { type: T }> =>
        e.type === type && (agentId === undefined || e.agentId === agentId),
    );
  }
}

/** Knows which host pids are alive; identity is `${pid}@1` for a live pid. */
export class FakeInspector implements ProcessInspector {
  readonly alive = new Set<number>();
  readonly samples = new Map<number, TreeSample>();
  readonly signals: { pid: number; signal: 'SIGTERM' | 'SIGKILL' }[] = [];

  identity(pid: number): string | null {
    return this.alive.has(pid) ? `${pid}@1` : null;
  }

  readonly sampleCalls: number[][] = [];

  sampleTrees(roots: readonly number[]): Map<number, TreeSample> {
    this.sampleCalls.push([...roots]);
    const out = new Map<number, TreeSample>();
    for (const pid of roots) {
      const s = this.samples.get(pid);
      if (s) out.set(pid, s);
    }
    return out;
  }

  signalGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean {
    this.signals.push({ pid, signal });
    return this.alive.has(pid);
  }
}

/**
 * Records launches and hands out host pids 5001, 5002, … (marked alive) in panes `p-5001`, …;
 * `panes` holds the panes that exist, `closed` the ones closed through it.
 */
export class FakeLauncher implements HostLauncher {
  readonly launched: AgentRecord[] = [];
  readonly placements: Placement[] = [];
  readonly panes = new Set<string>();
  /** Pane → the agent it is marked with (the backend's own record, not the daemon's). */
  readonly owners = new Map<string, string>();
  readonly closed: string[] = [];
  /** When set, every launch rejects with it. */
  fail: Error | null = null;
  /** When true, launches report no host pid (as WezTerm does until the host's hello). */
  pidUnknown = false;
  /** When set, every agent's host is this one process (a headless host group): panes `h-<pid>/<agent>`. */
  groupPid: number | null = null;
  /** Panes their gone host group recorded as closed by hand. */
  readonly closedByHandPanes = new Set<string>();
  /** When set, why that record could not be read. */
  closedRefusal: string | null = null;
  private nextPid = 5001;

  constructor(private readonly inspector: FakeInspector) {}

  launch(
    agent: AgentRecord,
    where: { placement: Placement },
  ): Promise<{ hostPid: number | null; paneId: string }> {
    this.launched.push(cloneRecord(agent));
    this.placements.push(where.placement);
    if (this.fail) return Promise.reject(this.fail);
    const hostPid = this.groupPid ?? this.nextPid++;
    this.inspector.alive.add(hostPid);
    const paneId = this.groupPid === null ? `p-${hostPid}` : `h-${hostPid}/${agent.id}`;
    this.panes.add(paneId);
    this.owners.set(paneId, agent.id);
    if (where.placement.kind === 'replace') void this.closePane(agent, where.placement.target);
    return Promise.resolve({ hostPid: this.pidUnknown ? null : hostPid, paneId });
  }

  closePane(agent: AgentRecord, paneId = agent.paneId): Promise<void> {
    if (paneId !== null && this.panes.delete(paneId)) this.closed.push(paneId);
    return Promise.resolve();
  }

  paneExists(agent: AgentRecord): Promise<boolean | null> {
    return Promise.resolve(agent.paneId === null ? null : this.panes.has(agent.paneId));
  }

  findPane(agent: AgentRecord): Promise<{ hostPid: number | null; paneId: string } | null> {
    const pane = [...this.owners].find(([id, owner]) => owner === agent.id && this.panes.has(id));
    if (!pane) return Promise.resolve(null);
    return Promise.resolve({ hostPid: Number(pane[0].slice(2).split('/')[0]), paneId: pane[0] });
  }

  sharesHost(agent: AgentRecord): boolean {
    return agent.paneId?.includes('/') ?? false;
  }

  closedByHand(agent: AgentRecord): Promise<ClosedByHand> {
    if (this.closedRefusal !== null) return Promise.resolve({ closed: false, refused: this.closedRefusal });
    return Promise.resolve({ closed: agent.paneId !== null && this.closedByHandPanes.has(agent.paneId) });
  }

  /** How many times one agent's host was launched. */
  launchesOf(agentId: string): number {
    return this.launched.filter((a) => a.id === agentId).length;
  }
}

/** Commands and directories the test declares; everything else is unknown or `ok`. */
export class FakePreflight implements LaunchPreflight {
  readonly commands = new Map<string, string>([
    ['node', '/usr/bin/node'],
    ['sleep', '/bin/sleep'],
    ['/bin/sh', '/bin/sh'],
  ]);
  readonly directories = new Map<string, 'ok' | 'missing' | 'not_directory' | 'no_access'>();
  readonly resolveCalls: { command: string; cwd: string; pathVar: string | undefined }[] = [];

  resolveCommand(
    command: string,
    opts: { cwd: string; pathVar: string | undefined },
  ): { ok: true; path: string } | { ok: false; searched: string[] } {
    this.resolveCalls.push({ command, ...opts });
    const path = this.commands.get(command);
    return path ? { ok: true, path } : { ok: false, searched: (opts.pathVar ?? '').split(':') };
  }

  checkDirectory(path: string): 'ok' | 'missing' | 'not_directory' | 'no_access' {
    return this.directories.get(path) ?? 'ok';
  }

  /** Folders that are not git repositories (every other one is). */
  readonly plainFolders = new Set<string>();

  inRepository(path: string): boolean {
    return !this.plainFolders.has(path);
  }
}

/** Output logs in memory; a log may have lost its beginning (`dropBefore`), like a rotated file. */
export class FakeOutputLogs implements OutputLogs {
  /** Bytes from `from` on; null where the log has a gap (bytes its host could not write). */
  private readonly logs = new Map<string, { from: number; data: (number | null)[]; gaps: OutputGap[] }>();
  readonly removed: string[] = [];
  readonly reads: { agentId: string; fromSeq: number; maxBytes: number }[] = [];

  private log(agentId: string) {
    const log = this.logs.get(agentId) ?? { from: 0, data: [], gaps: [] };
    this.logs.set(agentId, log);
    return log;
  }

  append(agentId: string, bytes: Uint8Array): number {
    const log = this.log(agentId);
    const seq = log.from + log.data.length;
    log.data.push(...bytes);
    return seq;
  }

  /** `bytes` offsets the host could not write (disk full): a gap, offsets after it go on. */
  skip(agentId: string, bytes: number, reason = 'disk full'): void {
    const log = this.log(agentId);
    const from = log.from + log.data.length;
    for (let i = 0; i < bytes; i++) log.data.push(null);
    log.gaps.push({ from, to: from + bytes, reason });
  }

  /** Forgets everything before `seq` (rotation). */
  dropBefore(agentId: string, seq: number): void {
    const log = this.logs.get(agentId);
    if (!log || seq <= log.from) return;
    log.data = log.data.slice(seq - log.from);
    log.from = seq;
    log.gaps = log.gaps.filter((g) => g.to > seq);
  }

  read(agentId: string, fromSeq: number, maxBytes: number): { from: number; data: Uint8Array } {
    this.reads.push({ agentId, fromSeq, maxBytes });
    const log = this.logs.get(agentId) ?? { from: 0, data: [], gaps: [] };
    const limit = fromSeq + maxBytes;
    let at = Math.max(fromSeq, log.from);
    while (at - log.from < log.data.length && log.data[at - log.from] === null) at++;
    const out: number[] = [];
    for (let i = at; i < limit && i - log.from < log.data.length; i++) {
      const b = log.data[i - log.from];
      if (b === null || b === undefined) break;
      out.push(b);
    }
    return { from: at, data: Uint8Array.from(out) };
  }

  gaps(agentId: string): OutputGap[] {
    return [...(this.logs.get(agentId)?.gaps ?? [])];
  }

  end(agentId: string): number {
    const log = this.logs.get(agentId);
    return log ? log.from + log.data.length : 0;
  }

  remove(agentId: string): void {
    this.removed.push(agentId);
    this.logs.delete(agentId);
  }
}

export const FAKE_SCREEN: Screen = {
  cols: 80,
  rows: 24,
  cursor: { x: 2, y: 0 },
  altScreen: false,
  title: 'fake',
  lines: ['$ '],
};

/**
 * A host connection that records what the daemon sends it: control messages in `sent`,
 * the state pushes for the pane's user vars in `states`.
 */
export class FakeLink implements HostLink {
  readonly sent: DaemonMessage[] = [];
  readonly states: Extract<DaemonMessage, { type: 'state' }>[] = [];
  readonly inputs: Uint8Array[] = [];
  readonly requestTimeouts: number[] = [];
  closed = false;
  screenResult: Screen = FAKE_SCREEN;
  snapshotResult: HostSnapshot = { data: '\u001b[H$ ', cols: 80, rows: 24, seq: 0 };

  constructor(readonly hostPid: number) {}

  send(message: DaemonMessage): void {
    if (message.type === 'state') this.states.push(message);
    else this.sent.push(message);
  }

  sendInput(bytes: Uint8Array): void {
    this.inputs.push(bytes);
  }

  screen(timeoutMs: number): Promise<Screen> {
    this.requestTimeouts.push(timeoutMs);
    return Promise.resolve(this.screenResult);
  }

  snapshot(timeoutMs: number): Promise<HostSnapshot> {
    this.requestTimeouts.push(timeoutMs);
    return Promise.resolve(this.snapshotResult);
  }

  close(): void {
    this.closed = true;
  }

  /** Messages of one type, in the order sent. */
  ofType<T extends DaemonMessage['type']>(type: T): Extract<DaemonMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<DaemonMessage, { type: T }> => m.type === type);
  }

  types(): DaemonMessage['type'][] {
    return this.sent.map((m) => m.type);
  }
}

export class FakeIds implements IdGenerator {
  private n = 0;
  next(prefix: string): string {
    return `${prefix}-${++this.n}`;
  }
}

export class MemoryLogger implements Logger {
  readonly entries: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  debug(obj: Record<string, unknown>, msg: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }
  info(obj: Record<string, unknown>, msg: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: Record<string, unknown>, msg: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: Record<string, unknown>, msg: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
}

export { FakeMux, FakeMuxes } from './fake-muxes.js';

/** An event log over an array (events in seq order), counting the events it hands out in `read`. */
export class ArrayEventLog implements EventLog {
  read = 0;
  constructor(private readonly events: readonly WtpEvent[]) {}

  since(q: EventQuery): Promise<WtpEvent[]> {
    const page = this.events
      .filter(
        (e) =>
          e.seq > q.since &&
          (q.types === undefined || q.types.includes(e.type)) &&
          (q.agentId === undefined || e.agentId === q.agentId),
      )
      .slice(0, q.limit);
    this.read += page.length;
    return Promise.resolve(page);
  }

  latestSeq(): Promise<number> {
    return Promise.resolve(this.events.at(-1)?.seq ?? 0);
  }
}
