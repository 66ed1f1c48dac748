import type {
  AgentState,
  AgentStats,
  AgentView,
  Backend,
  ExitInfo,
  ProfileName,
  RestartPolicy,
  StateDetail,
} from '../../protocol/agent.js';
import type { AgentUsageView } from '../../protocol/usage.js';
import type { Approvals } from '../../protocol/approval-schema.js';
import type { SandboxPolicy } from '../../protocol/sandbox.js';
import { hasProcess } from './agent-state.js';
import type { AgentWorktree } from '../ports/git.js';
import { clonePullRequest, toPullRequestView, type PullRequestRecord } from '../forge/pr-record.js';
import { toPermissionView, type AgentPermissionState } from '../agents/permission-mode.js';

/** An agent as the core keeps it; times are epoch milliseconds. Persisted by the StateStore. */
export interface AgentRecord {
  id: string;
  name: string;
  workspaceId: string;
  profile: ProfileName;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  restart: RestartPolicy;
  backend: Backend;
  state: AgentState;
  stateDetail: StateDetail;
  stateSince: number;
  pid: number | null;
  hostPid: number | null;
  /** Identity token of the host pid (guards against pid reuse after a reboot or long downtime). */
  hostIdentity: string | null;
  /** The pane the host runs in (WezTerm pane id, tmux `%N`, headless `h-<pid>`), once known. */
  paneId: string | null;
  lastExit: ExitInfo | null;
  restarts: number;
  createdAt: number;
  startedAt: number | null;
  outputSeq: number;
  cols: number;
  rows: number;
  /** Version of the agent CLI (`--version` at creation), null for shell/cmd or when unknown. */
  version: string | null;
  /** The agent CLI's session id (Claude Code: SessionStart hook), used to resume after a restart. */
  sessionId: string | null;
  /**
   * A fork's source session (`wtp fork`): started with the profile's fork arguments as long as the
   * agent has no session of its own (then `sessionId` resumes it).
   */
  forkSession: string | null;
  /** Arguments the profile adds before the user's at every spawn (e.g. `--settings <file>`). */
  profileArgs: string[];
  /**
   * Environment the profile adds at every spawn, over the agent's own (e.g. OpenCode's
   * `OPENCODE_CONFIG_CONTENT` that loads our plugin); absent when it adds none.
   */
  profileEnv?: Record<string, string>;
  /**
   * The agent's own approval rules (`wtp new --auto-approve`, its template's `approvals:`), on
   * top of the config's; absent when it has none.
   */
  approvals?: Approvals;
  /** The agent's git worktree, branch and port range; null when it runs outside git. */
  worktree: AgentWorktree | null;
  /** The pull request opened for its branch (`wtp pr`), as last polled; absent when none. */
  pullRequest?: PullRequestRecord;
  /**
   * Its effective permission mode now and the one each process starts in; absent for
   * profiles whose mode is not read (shell, cmd) and agents made before it was.
   */
  permission?: AgentPermissionState;
  /** Its sandbox (`wtp new --sandbox`, docs/sandbox.md), as planned when it was created; absent: unsandboxed. */
  sandbox?: SandboxPolicy;
  /** The agent that started this one through its MCP tools (its lead); absent when a user, task or template did. */
  startedBy?: string;
  /** Its CLI got wezterm-parallel's MCP server (`wtp new --mcp`); absent when not. */
  mcp?: boolean;
}

/** What an agent's worktree has changed against its base, measured at `at` (epoch ms). */
export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
  at: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export interface ViewContext {
  now: number;
  workspaceName: string;
  hostConnected: boolean;
  stats: (AgentStats & { sampledAtMs?: number }) | null;
  worktreeBytes?: number | null;
  diffStat?: DiffStat | null;
  /** When its open pull request is polled next. */
  nextPollAt?: number | null;
  /** This machine's name in a fleet; absent without one. */
  machine?: string | null;
  /** Escape sequences of its output its host's terminal emulator could not parse. */
  parseErrors?: number;
  /** Its tokens, cost and context fill; absent when none were read. */
  usage?: AgentUsageView | null;
}

/** The API view of an agent. */
export function toAgentView(a: AgentRecord, ctx: ViewContext): AgentView {
  const running = hasProcess(a.state) && a.startedAt !== null;
  return {
    id: a.id,
    name: a.name,
    workspaceId: a.workspaceId,
    workspace: ctx.workspaceName,
    profile: a.profile,
    command: a.command,
    args: [...a.args],
    cwd: a.cwd,
    env: { ...a.env },
    restart: a.restart,
    backend: a.backend,
    state: a.state,
    stateDetail: { ...a.stateDetail },
    stateSince: iso(a.stateSince),
    pid: a.pid,
    hostPid: a.hostPid,
    hostConnected: ctx.hostConnected,
    paneId: publicPaneId(a.paneId),
    lastExit: a.lastExit,
    restarts: a.restarts,
    outputBytes: a.outputSeq,
    createdAt: iso(a.createdAt),
    startedAt: a.startedAt === null ? null : iso(a.startedAt),
    uptimeMs: running && a.startedAt !== null ? Math.max(0, ctx.now - a.startedAt) : null,
    stats: running && ctx.stats ? { ...ctx.stats } : null,
    version: a.version,
    sessionId: a.sessionId,
    worktree: a.worktree ? { ...a.worktree } : null,
    worktreeBytes: a.worktree ? (ctx.worktreeBytes ?? null) : null,
    machine: ctx.machine ?? null,
    diffStat: a.worktree && ctx.diffStat ? { ...ctx.diffStat, at: iso(ctx.diffStat.at) } : null,
    pullRequest: a.pullRequest ? toPullRequestView(a.pullRequest, ctx.nextPollAt ?? null) : null,
    permission: a.permission ? toPermissionView(a.permission.current) : null,
    sandbox: a.sandbox ? cloneSandbox(a.sandbox) : null,
    startedBy: a.startedBy ?? null,
    mcp: a.mcp === true,
    ...(ctx.parseErrors ? { parseErrors: ctx.parseErrors } : {}),
    ...(ctx.usage ? { usage: ctx.usage } : {}),
  };
}

export function cloneRecord(a: AgentRecord): AgentRecord {
  return {
    ...a,
    args: [...a.args],
    profileArgs: [...a.profileArgs],
    ...(a.profileEnv ? { profileEnv: { ...a.profileEnv } } : {}),
    ...(a.approvals ? { approvals: { allow: [...a.approvals.allow], deny: [...a.approvals.deny] } } : {}),
    worktree: a.worktree ? { ...a.worktree } : null,
    ...(a.pullRequest ? { pullRequest: clonePullRequest(a.pullRequest) } : {}),
    ...(a.permission
      ? { permission: { current: { ...a.permission.current }, start: { ...a.permission.start } } }
      : {}),
    ...(a.sandbox ? { sandbox: cloneSandbox(a.sandbox) } : {}),
    env: { ...a.env },
    stateDetail: { ...a.stateDetail },
    lastExit: a.lastExit ? { ...a.lastExit } : null,
  };
}

function cloneSandbox(s: SandboxPolicy): SandboxPolicy {
  return {
    write: [...s.write],
    hide: [...s.hide],
    read: [...s.read],
    readOnly: [...s.readOnly],
    hosts: [...s.hosts],
    forwards: s.forwards.map((f) => ({ ...f })),
  };
}

/**
 * The pane id as its multiplexer knows it. Inside the daemon a pane that a host group serves is
 * `%N/<group pid>` in tmux, `N/<group pid>` in WezTerm (the slash says the host is shared); the
 * terminal and the user know it as `%N` or `N`. A headless place (`h-<pid>/<agent>`) stays whole.
 */
export const publicPaneId = (id: string | null): string | null =>
  id !== null && /^%?\d+\/\d+$/.test(id) ? (id.split('/')[0] ?? id) : id;
