import type { AgentTrust } from '../../protocol/profiles.js';
import type { RepoConfigInfo } from '../../protocol/git.js';
import type { ExitInfo, Screen, WorkspaceView } from '../../protocol/index.js';
import type { HostSnapshot, DaemonMessage, SpawnSpec } from '../../protocol/host.js';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { TaskRecord } from '../model/task-record.js';
import type { ClosedByHand, Placement } from './panes.js';
import type { StartMode } from '../agents/profiles.js';

/** Time and timers; tests use a fake one they advance by hand. */
export interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
export interface TimerHandle {
  readonly id: unknown;
}

/** A request's end seen from the core (an AbortSignal): aborted when its client stops waiting. */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface IdGenerator {
  /** A new unique id such as `ag-7k2m9x4q1p`. */
  next(prefix: string): string;
}

export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** One atomic write: records and the events that describe the change. */
export interface StoreChange {
  upsertAgents?: AgentRecord[];
  removeAgents?: string[];
  /** Removed after the agents (an agent's workspace must exist). */
  removeWorkspaces?: string[];
  upsertWorkspaces?: WorkspaceView[];
  upsertTasks?: TaskRecord[];
  /**
   * Events published while the database could not be written, with the seq and time they were
   * given then: written first, as they are (not returned by `commit`).
   */
  replayEvents?: WtpEvent[];
  events?: NewEvent[];
}

/** Durable state: agents, workspaces and the append-only event log. */
export interface StateStore {
  loadAgents(): Promise<AgentRecord[]>;
  loadWorkspaces(): Promise<WorkspaceView[]>;
  loadTasks(): Promise<TaskRecord[]>;
  /** Applies the change in one transaction; returns the events with seq and time assigned. */
  commit(change: StoreChange): Promise<WtpEvent[]>;
}

export interface EventQuery {
  since: number;
  limit: number;
  types?: readonly string[] | undefined;
  agentId?: string | undefined;
}

export interface EventLog {
  since(query: EventQuery): Promise<WtpEvent[]>;
  latestSeq(): Promise<number>;
}

/** Starts the host process of an agent in a pane (or detached, for headless). */
export interface HostLauncher {
  /**
   * Opens a pane running `wtp host` for the agent. The host pid is known at once for tmux
   * and headless; for WezTerm it arrives with the host's hello (null here).
   */
  launch(
    agent: AgentRecord,
    where: { workspace: WorkspaceView; placement: Placement },
  ): Promise<{ hostPid: number | null; paneId: string }>;
  /** Closes the agent's pane if it still exists (removal, rollback, a host that never connected). */
  closePane(agent: AgentRecord): Promise<void>;
  /** Whether the agent's pane still exists; `null` when the backend cannot tell right now. */
  paneExists(agent: AgentRecord): Promise<boolean | null>;
  /** A live pane the backend marks as the agent's, whatever the record says; null if none or unknown. */
  findPane(agent: AgentRecord): Promise<{ hostPid: number | null; paneId: string } | null>;
  /** Whether the agent's host process holds other agents too: it is stopped through the launcher, not killed. */
  sharesHost(agent: AgentRecord): boolean;
  /** Whether the agent's host group, gone, recorded that it let the agent go as its pane was closed by hand. */
  closedByHand(agent: AgentRecord): Promise<ClosedByHand>;
}

/** Checks done before an agent is created, so bad input fails with a clear error. */
export interface LaunchPreflight {
  /** Absolute path of an executable, or an error code explaining why not. */
  resolveCommand(
    command: string,
    opts: { cwd: string; pathVar: string | undefined },
  ): { ok: true; path: string } | { ok: false; searched: string[] };
  checkDirectory(path: string): 'ok' | 'missing' | 'not_directory' | 'no_access';
  /** Whether `path` is in a git repository (a `.git` in it or in a folder above). */
  inRepository(path: string): boolean;
}

export interface TreeSample {
  cpuMs: number;
  rssBytes: number;
  processes: number;
}

/** What the headless backend needs to know of one of its panes' processes (Linux: /proc; else `ps`). */
export interface ProcessFacts {
  /** Null when there is no such process. `start` tells a reused pid apart; `leader`: it leads its own session (setsid). */
  stat(pid: number): { zombie: boolean; leader: boolean; start: string } | null;
}

/** Process facts from the OS (Linux: /proc; else `ps`). */
export interface ProcessInspector {
  /** A token that changes when a pid is reused (Linux: start time in ticks); null if no such process. */
  identity(pid: number): string | null;
  /**
   * CPU time and memory of each root process and all its descendants, from one look at
   * the process table (roots that no longer exist are absent from the result).
   */
  sampleTrees(roots: readonly number[]): Map<number, TreeSample>;
  /** Sends a signal to a process group (or the process if it leads none); false if it is gone. */
  signalGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean;
}

/**
 * Output the log lacks: bytes [from, to) its host could not write (disk full, I/O error). Offsets
 * after it are unchanged; readers show a marker there.
 */
export interface OutputGap {
  from: number;
  to: number;
  /** Why, in a few words: "disk full", "I/O error", or "not written" when unknown. */
  reason: string;
}

/** The agent's output log, written by its host, read by the daemon. */
export interface OutputLogs {
  /**
   * The kept bytes of [fromSeq, fromSeq + maxBytes) from the first kept byte on, up to the next
   * gap: `from` is later than asked when the start was rotated away or lies in a gap.
   */
  read(agentId: string, fromSeq: number, maxBytes: number): { from: number; data: Uint8Array };
  /** Gaps between the kept bytes, oldest first. */
  gaps(agentId: string): OutputGap[];
  /** Offset one past the last byte on disk. */
  end(agentId: string): number;
  remove(agentId: string): void;
  /** Appends bytes while no host runs (a worktree's setup output); returns their offset. */
  append(agentId: string, data: Uint8Array): number;
}

/** What `ProfileSetup.prepare` found and wrote for an agent. */
export interface PreparedProfile {
  version: string | null;
  profileArgs: string[];
  profileEnv?: Record<string, string>;
  startMode?: StartMode | null;
}

/** What a profile prepares for a new agent (adapters/profiles): CLI version, hooks, trust. */
export interface ProfileSetup {
  /**
   * Checks the agent CLI (`--version`), writes this agent's hook settings and pre-accepts the
   * trust prompt for its working directory. Throws AppError (e.g. AGENT_CLI_BROKEN). `profileEnv`:
   * variables the agent's CLI needs to find those files (added to the agent's env); `startMode`:
   * the permission mode its arguments, environment and settings files start it in, when its setup reads them.
   * `sandboxed`: the agent will run in a sandbox (its CLI's state must then be where it may write).
   */
  prepare(agent: AgentRecord, o?: { sandboxed?: boolean }): Promise<PreparedProfile>;
  /** Removes what `prepare` wrote for an agent that is being removed. */
  cleanup(agentId: string): void;
  /**
   * Takes back the trust entries `prepare` added to files of the user's for an agent that is being
   * removed: only those, only while they are still as written, and not while another agent relies
   * on the same entry.
   */
  releaseTrust(agentId: string): Promise<void>;
  /** What was done about the trust of the agent's folder when it was made (`wtp why`), or null. */
  trust(agentId: string): AgentTrust | null;
  /**
   * Each agent CLI's configuration in `folder` (and the folders above it up to its checkout's top)
   * that it would run or load once it trusts the folder, with the user's approval of it.
   */
  repoConfigs(folder: string): RepoConfigInfo[];
  /** Approves the configuration in `folder` whose hash this is; false when none has it now. */
  approveRepoConfig(folder: string, hash: string): boolean;
}

/** A core that sets up no agent CLI (tests of the core alone): agents start as they were made. */
export const NO_PROFILE_SETUP: ProfileSetup = {
  prepare: (agent) => Promise.resolve({ version: agent.version, profileArgs: agent.profileArgs }),
  cleanup: () => undefined,
  releaseTrust: () => Promise.resolve(),
  trust: () => null,
  repoConfigs: () => [],
  approveRepoConfig: () => false,
};

/** A connected host, as the core sees it. */
export interface HostLink {
  readonly hostPid: number;
  send(message: DaemonMessage): void;
  sendInput(bytes: Uint8Array): void;
  screen(timeoutMs: number): Promise<Screen>;
  snapshot(timeoutMs: number): Promise<HostSnapshot>;
  close(): void;
}

export type { ExitInfo, SpawnSpec };
