import { sandboxPolicySchema, type SandboxPolicy } from '../../protocol/sandbox.js';
import type { Approvals } from '../../protocol/approval-schema.js';
import type { AgentWorktree } from '../../core/ports/git.js';
import { upgradeTask, type TaskRecord } from '../../core/model/task-record.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { PullRequestRecord } from '../../core/forge/pr-record.js';
import type { AgentPermissionState } from '../../core/agents/permission-mode.js';
import type { EventLog, EventQuery, StateStore, StoreChange } from '../../core/ports/daemon.js';
import { storageError } from '../../core/model/storage-errors.js';
import type { AgentState, Backend, ExitInfo, ProfileName, RestartPolicy } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import { storedEventData, storedStateDetail } from '../../protocol/stored-state-detail.js';
import type { WorkspaceView } from '../../protocol/workspace.js';
import type { Db } from './open-database.js';

interface AgentRow {
  id: string;
  workspace_id: string;
  name: string;
  profile: string;
  command: string;
  args: string;
  cwd: string;
  env: string;
  restart_policy: string;
  backend: string;
  state: string;
  state_detail: string;
  state_since: number;
  pid: number | null;
  host_pid: number | null;
  host_identity: string | null;
  pane_id: string | null;
  last_exit: string | null;
  restarts: number;
  created_at: number;
  started_at: number | null;
  output_seq: number;
  cols: number;
  rows: number;
  agent_version: string | null;
  session_id: string | null;
  fork_session: string | null;
  profile_args: string;
  profile_env: string;
  approvals: string;
  worktree: string | null;
  pull_request: string | null;
  permission: string | null;
  sandbox: string | null;
  started_by: string | null;
  mcp: number;
}

interface EventRow {
  seq: number;
  ts: number;
  type: string;
  source: string;
  agent_id: string | null;
  workspace_id: string | null;
  data: string;
}

/** Agents, workspaces and events in SQLite; every commit is one transaction. */
export class SqliteStateStore implements StateStore, EventLog {
  private readonly upsertAgent;
  private readonly deleteAgent;
  private readonly upsertWorkspace;
  private readonly deleteWorkspace;
  private readonly insertEvent;
  private readonly replayEvent;
  private readonly upsertTask;
  private readonly latest;
  private readonly applyChange;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.upsertAgent = db.prepare(`
      INSERT INTO agents (id, workspace_id, name, profile, command, args, cwd, env, restart_policy, backend,
        state, state_detail, state_since, pid, host_pid, host_identity, pane_id, last_exit, restarts, created_at,
        started_at, output_seq, cols, rows, agent_version, session_id, profile_args, worktree, fork_session, profile_env,
        approvals, pull_request, permission, sandbox, started_by, mcp)
      VALUES (@id, @workspace_id, @name, @profile, @command, @args, @cwd, @env, @restart_policy, @backend,
        @state, @state_detail, @state_since, @pid, @host_pid, @host_identity, @pane_id, @last_exit, @restarts, @created_at,
        @started_at, @output_seq, @cols, @rows, @agent_version, @session_id, @profile_args, @worktree, @fork_session, @profile_env,
        @approvals, @pull_request, @permission, @sandbox, @started_by, @mcp)
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, state = excluded.state, state_detail = excluded.state_detail,
        state_since = excluded.state_since, pid = excluded.pid, host_pid = excluded.host_pid,
        host_identity = excluded.host_identity, pane_id = excluded.pane_id, last_exit = excluded.last_exit, restarts = excluded.restarts,
        started_at = excluded.started_at, output_seq = excluded.output_seq, cols = excluded.cols,
        rows = excluded.rows, restart_policy = excluded.restart_policy,
        agent_version = excluded.agent_version, session_id = excluded.session_id,
        profile_args = excluded.profile_args, worktree = excluded.worktree, fork_session = excluded.fork_session,
        profile_env = excluded.profile_env, approvals = excluded.approvals, pull_request = excluded.pull_request,
        permission = excluded.permission, sandbox = excluded.sandbox, started_by = excluded.started_by,
        mcp = excluded.mcp`);
    this.deleteAgent = db.prepare('DELETE FROM agents WHERE id = ?');
    this.upsertWorkspace = db.prepare(`
      INSERT INTO workspaces (id, name, repo_path, backend, template, created_at)
      VALUES (@id, @name, @repo_path, @backend, @template, @created_at)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, repo_path = excluded.repo_path,
        backend = excluded.backend, template = excluded.template`);
    this.deleteWorkspace = db.prepare('DELETE FROM workspaces WHERE id = ?');
    this.insertEvent = db.prepare(
      'INSERT INTO events (ts, type, source, agent_id, workspace_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.replayEvent = db.prepare(
      'INSERT INTO events (seq, ts, type, source, agent_id, workspace_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.latest = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
    this.upsertTask = db.prepare(`
      INSERT INTO tasks (id, workspace_id, status, created_at, doc) VALUES (@id, @workspace_id, @status, @created_at, @doc)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc`);
    this.applyChange = db.transaction((change: StoreChange): WtpEvent[] => {
      for (const w of change.upsertWorkspaces ?? []) {
        this.upsertWorkspace.run({
          id: w.id,
          name: w.name,
          repo_path: w.repoPath,
          backend: w.backend,
          template: w.template,
          created_at: Date.parse(w.createdAt),
        });
      }
      for (const a of change.upsertAgents ?? []) this.upsertAgent.run(toRow(a));
      for (const t of change.upsertTasks ?? []) this.upsertTask.run(taskRow(t));
      for (const id of change.removeAgents ?? []) this.deleteAgent.run(id);
      for (const id of change.removeWorkspaces ?? []) this.deleteWorkspace.run(id);
      for (const e of change.replayEvents ?? []) {
        this.replayEvent.run(
          e.seq,
          Date.parse(e.ts),
          e.type,
          e.source,
          e.agentId,
          e.workspaceId,
          JSON.stringify(e.data),
        );
      }
      const out: WtpEvent[] = [];
      for (const e of change.events ?? []) {
        const ts = this.now();
        const info = this.insertEvent.run(
          ts,
          e.type,
          e.source,
          e.agentId,
          e.workspaceId,
          JSON.stringify(e.data),
        );
        out.push({ ...e, seq: Number(info.lastInsertRowid), ts: new Date(ts).toISOString() } as WtpEvent);
      }
      return out;
    });
  }

  /** The id of this database's event log (migration 0009): a new database has a new one. */
  logId(): string {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'log_id'").get() as
      { value: string } | undefined;
    if (!row) throw new Error('the database has no log id (migration 0009 missing)');
    return row.value;
  }

  /**
   * The identity of the fleet database this machine last joined, or null: kept beside
   * the log id, so a new local database starts without one.
   */
  fleetDatabaseId(): string | null {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'fleet_database_id'").get() as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  /** Remembers the fleet database's identity (throws when the database cannot be written). */
  rememberFleetDatabaseId(id: string): void {
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('fleet_database_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(id);
  }

  loadAgents(): Promise<AgentRecord[]> {
    const rows = this.db.prepare('SELECT * FROM agents ORDER BY created_at').all() as AgentRow[];
    return Promise.resolve(rows.map(fromRow));
  }

  loadWorkspaces(): Promise<WorkspaceView[]> {
    const rows = this.db.prepare('SELECT * FROM workspaces ORDER BY created_at').all() as {
      id: string;
      name: string;
      repo_path: string | null;
      backend: string;
      template: string | null;
      created_at: number;
    }[];
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        repoPath: r.repo_path,
        backend: r.backend as Backend,
        template: r.template,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    );
  }

  loadTasks(): Promise<TaskRecord[]> {
    const rows = this.db.prepare('SELECT doc FROM tasks ORDER BY created_at, id').all() as { doc: string }[];
    return Promise.resolve(rows.map((r) => upgradeTask(JSON.parse(r.doc) as TaskRecord)));
  }

  /**
   * Applies the change in one transaction. A full disk or an I/O error (SQLITE_FULL, SQLITE_IOERR_*)
   * rolls it back and rejects with STORAGE_FULL / STORAGE_FAILED naming the database file.
   */
  commit(change: StoreChange): Promise<WtpEvent[]> {
    try {
      return Promise.resolve(this.applyChange(change));
    } catch (err) {
      const storage = storageError(err, { component: 'database', path: this.db.name });
      return Promise.reject(storage ?? (err instanceof Error ? err : new Error(String(err))));
    }
  }

  since(q: EventQuery): Promise<WtpEvent[]> {
    const where = ['seq > ?'];
    const args: (string | number)[] = [q.since];
    if (q.agentId !== undefined) {
      where.push('agent_id = ?');
      args.push(q.agentId);
    }
    if (q.types !== undefined && q.types.length > 0) {
      where.push(`type IN (${q.types.map(() => '?').join(', ')})`);
      args.push(...q.types);
    }
    args.push(q.limit);
    const rows = this.db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...args) as EventRow[];
    return Promise.resolve(rows.map(eventFromRow));
  }

  latestSeq(): Promise<number> {
    return Promise.resolve((this.latest.get() as { seq: number }).seq);
  }
}

function toRow(a: AgentRecord): AgentRow {
  return {
    id: a.id,
    workspace_id: a.workspaceId,
    name: a.name,
    profile: a.profile,
    command: a.command,
    args: JSON.stringify(a.args),
    cwd: a.cwd,
    env: JSON.stringify(a.env),
    restart_policy: a.restart,
    backend: a.backend,
    state: a.state,
    state_detail: JSON.stringify(a.stateDetail),
    state_since: a.stateSince,
    pid: a.pid,
    host_pid: a.hostPid,
    host_identity: a.hostIdentity,
    pane_id: a.paneId,
    last_exit: a.lastExit ? JSON.stringify(a.lastExit) : null,
    restarts: a.restarts,
    created_at: a.createdAt,
    started_at: a.startedAt,
    output_seq: a.outputSeq,
    cols: a.cols,
    rows: a.rows,
    agent_version: a.version,
    session_id: a.sessionId,
    fork_session: a.forkSession,
    profile_args: JSON.stringify(a.profileArgs),
    profile_env: JSON.stringify(a.profileEnv ?? {}),
    approvals: JSON.stringify(a.approvals ?? {}),
    worktree: a.worktree ? JSON.stringify(a.worktree) : null,
    pull_request: a.pullRequest ? JSON.stringify(a.pullRequest) : null,
    permission: a.permission ? JSON.stringify(a.permission) : null,
    sandbox: a.sandbox ? JSON.stringify(a.sandbox) : null,
    started_by: a.startedBy ?? null,
    mcp: a.mcp === true ? 1 : 0,
  };
}

/** The profile's environment column: absent on the record when it adds none. */
function profileEnvOf(text: string): { profileEnv?: Record<string, string> } {
  const env = JSON.parse(text) as Record<string, string>;
  return Object.keys(env).length === 0 ? {} : { profileEnv: env };
}

/** The agent's own approval rules: absent on the record when it has none. */
function approvalsOf(text: string): { approvals?: Approvals } {
  const a = JSON.parse(text) as Partial<Approvals>;
  return a.allow === undefined ? {} : { approvals: { allow: a.allow, deny: a.deny ?? [] } };
}

/**
 * The agent's sandbox policy: checked against its schema, since it decides what the agent may
 * reach. A damaged one keeps the agent sandboxed with nothing allowed beyond its folder (never
 * unsandboxed): its spawn then fails or runs confined, and `wtp why` shows the policy it has.
 */
function sandboxOf(text: string | null): { sandbox?: SandboxPolicy } {
  if (text === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const r = sandboxPolicySchema.safeParse(parsed);
  return {
    sandbox: r.success ? r.data : { write: [], hide: [], read: [], readOnly: [], hosts: [], forwards: [] },
  };
}

function fromRow(r: AgentRow): AgentRecord {
  return {
    id: r.id,
    name: r.name,
    workspaceId: r.workspace_id,
    profile: r.profile as ProfileName,
    command: r.command,
    args: JSON.parse(r.args) as string[],
    cwd: r.cwd,
    env: JSON.parse(r.env) as Record<string, string>,
    restart: r.restart_policy as RestartPolicy,
    backend: r.backend as Backend,
    state: r.state as AgentState,
    stateDetail: storedStateDetail(JSON.parse(r.state_detail)),
    stateSince: r.state_since,
    pid: r.pid,
    hostPid: r.host_pid,
    hostIdentity: r.host_identity,
    paneId: r.pane_id,
    lastExit: r.last_exit ? (JSON.parse(r.last_exit) as ExitInfo) : null,
    restarts: r.restarts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    outputSeq: r.output_seq,
    cols: r.cols,
    rows: r.rows,
    version: r.agent_version,
    sessionId: r.session_id,
    forkSession: r.fork_session,
    profileArgs: JSON.parse(r.profile_args) as string[],
    ...profileEnvOf(r.profile_env),
    ...approvalsOf(r.approvals),
    worktree: r.worktree ? (JSON.parse(r.worktree) as AgentWorktree) : null,
    ...(r.pull_request ? { pullRequest: JSON.parse(r.pull_request) as PullRequestRecord } : {}),
    ...(r.permission ? { permission: JSON.parse(r.permission) as AgentPermissionState } : {}),
    ...sandboxOf(r.sandbox),
    ...(typeof r.started_by === 'string' ? { startedBy: r.started_by } : {}),
    ...(r.mcp === 1 ? { mcp: true } : {}),
  };
}

function eventFromRow(r: EventRow): WtpEvent {
  return {
    seq: r.seq,
    ts: new Date(r.ts).toISOString(),
    type: r.type,
    source: r.source,
    agentId: r.agent_id,
    workspaceId: r.workspace_id,
    data: storedEventData(r.type, JSON.parse(r.data)),
  } as WtpEvent;
}

function taskRow(t: TaskRecord) {
  return {
    id: t.id,
    workspace_id: t.workspaceId,
    status: t.status,
    created_at: t.createdAt,
    doc: JSON.stringify(t),
  };
}
