import type { AgentView } from '../../protocol/agent.js';
import type { EventPayload, EventSource } from '../../protocol/events.js';
import type { McpCaller } from '../../protocol/mcp-scope.js';
import type { PermissionMode } from '../../protocol/permission-words.js';
import type { ForkAgentRequest, ForkResult } from '../../protocol/fork.js';
import type { StateTimeline, StateTimelineQuery } from '../../protocol/metrics.js';
import type { WhyResponse } from '../../protocol/profiles.js';
import type { ReportQuery, TimeReport } from '../../protocol/report.js';
import type { HookOutcome } from '../state/hook-intake.js';
import type { AgentService } from '../agents/agent-service.js';
import type { DialogAnswerer } from '../agents/dialog-answerer.js';
import type { TerminalInput } from '../agents/terminal-input.js';
import type { ConflictRadar } from '../git/conflict-radar.js';
import type { ReviewService } from '../git/review-service.js';
import type { DeliveryService } from '../forge/delivery-service.js';
import type { PrWatcher } from '../forge/pr-watcher.js';
import type { ProgressHub } from '../forge/progress-hub.js';
import type { OrphanHosts } from '../hosts/orphan-hosts.js';
import type { OutputHub } from '../hosts/output-hub.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { EventBus } from '../model/event-bus.js';
import type { StorageHealth } from '../model/storage-health.js';
import type { CancelSignal, EventLog } from '../ports/daemon.js';
import type { StatsSampler } from '../reports/stats-sampler.js';
import type { TaskReview } from '../tasks/task-review.js';
import type { TaskService } from '../tasks/task-service.js';
import type { UsageGovernor } from '../tasks/usage-governor.js';
import type { CostUseCases } from '../usage/cost-use-cases.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';

/**
 * What the daemon's API does, by use: the face the HTTP and WebSocket layers see of the core. They
 * never see `Core`, the registry or the state engine. A group is either a core service as it is
 * (a `Pick` of its methods) or a few thin functions over the core; `toUseCases` builds them all.
 */
export interface UseCases {
  /** Agents: create, list, stop, restart, remove; input, screen, logs and the output stream. */
  agents: AgentUseCases;
  /** A new agent from an agent's branch, conversation and (optionally) uncommitted work. */
  fork: ForkUseCase;
  /** Approve, deny or answer what an agent waits on, verified against its screen. */
  answers: Pick<DialogAnswerer, 'answer'>;
  /** Text to every idle agent (of a workspace) at once. */
  broadcast: BroadcastUseCase;
  /** The live terminal: its size, its keyboard (the safe-input path), who follows output. */
  terminals: TerminalUseCases;
  /** Why an agent is in its state; the hook calls of agent CLIs. */
  states: StateUseCases;
  workspaces: WorkspaceUseCases;
  /** Hosts whose agent this daemon does not know: listed, stopped or adopted. */
  orphans: OrphanUseCases;
  /** The event log and the live events. */
  events: EventUseCases;
  /** The task graph. */
  tasks: TaskUseCases;
  /** Best of N: a task's attempts compared, one picked. */
  attempts: AttemptUseCases;
  /** Usage-limit holds per vendor. */
  quota: QuotaUseCases;
  /** What agents cost and budgets in money. */
  costs: CostUseCases;
  /** Diff, commit, merge, feedback, gc, setup approval; null without git. */
  review: ReviewUseCases | null;
  /** Which agent branches would conflict, and the merge order; null without git. */
  radar: RadarUseCases | null;
  /** Push, pull requests and their checks; null without git or a forge CLI runner. */
  delivery: DeliveryUseCases | null;
  /** Progress lines of long operations, by the id the caller gave. */
  progress: Pick<ProgressHub, 'subscribe'>;
  /** Time per agent and task, agents by state over time, CPU and memory history. */
  reports: ReportUseCases;
  /** Whether state, logs and output can be written. */
  storage: StorageUseCases;
  /** Agents driving agents: what an agent's MCP tools may reach, and their audit. */
  team: TeamUseCases;
}

export interface TeamUseCases {
  assertMayRead(caller: McpCaller, target: AgentView): void;
  assertMayAct(caller: McpCaller, target: AgentView): void;
  /** `profile`: the one asked for (null: the tasks' default profile). */
  assertMayStart(
    caller: McpCaller,
    ask: {
      workspaceId: string;
      repo: string | null;
      profile: string | null;
      mode: PermissionMode | null;
      modeName: string | null;
    },
  ): void;
  /** The neutral mode a profile's CLI means by `modeName` (`unknown` when it does not know it). */
  neutralMode(profile: string, modeName: string): PermissionMode;
  /** Writes `mcp.toolCalled`: as by the calling agent (source `agent`), or by a user's client (`api`). */
  toolCalled(caller: McpCaller, data: EventPayload<'mcp.toolCalled'>): Promise<void>;
}

export type AgentUseCases = Pick<
  AgentService,
  | 'list'
  | 'get'
  | 'resolve'
  | 'create'
  | 'stop'
  | 'restart'
  | 'remove'
  | 'sendInput'
  | 'screen'
  | 'logs'
  | 'counts'
  | 'snapshot'
  | 'follow'
  | 'resize'
  | 'recordAttach'
  | 'promptPending'
>;

export interface ForkUseCase {
  /** `wtp fork <agent>` (see `forkAgent`). */
  fork(ref: string, req: ForkAgentRequest, source: EventSource): Promise<ForkResult>;
}

export interface BroadcastUseCase {
  /** Sends `text` (and Enter) to every idle agent, through the safe-input path; lists who was skipped. */
  send(
    text: string,
    workspace: string | undefined,
    source: EventSource,
  ): Promise<{ sent: string[]; skipped: { agent: string; state: string }[] }>;
}

/** The keys of one terminal client (see `TerminalInput`). */
export type TerminalKeys = Pick<TerminalInput, 'type' | 'force' | 'close'>;

export interface TerminalUseCases extends Pick<OutputHub, 'onResize' | 'subscriberCount'> {
  /** The keyboard of `client` on `agent`'s terminal; with `guard`, text typed into a turn is held. */
  openInput(agent: AgentRecord, client: string, guard: boolean): TerminalKeys;
}

export interface StateUseCases {
  /** The agent, its recent signals, the rules that decide between them, its last answers (`wtp why`). */
  why(ref: string): Promise<WhyResponse>;
  /** A hook call of an agent CLI (HOOK_REJECTED for an agent that takes none). */
  /** `signal`: aborted when the CLI stops waiting for the answer (a held decision hook is let go). */
  receiveHook(agentId: string, body: Record<string, unknown>, signal?: CancelSignal): Promise<HookOutcome>;
}

export type WorkspaceUseCases = Pick<WorkspaceService, 'list' | 'create' | 'remove' | 'focus'>;

export type OrphanUseCases = Pick<OrphanHosts, 'list' | 'stop' | 'adopt'>;

export interface EventUseCases extends Pick<EventLog, 'since' | 'latestSeq'>, Pick<EventBus, 'subscribe'> {
  /** The id of the agent `ref` names, or `ref` itself when there is none (a removed agent's id). */
  agentId(ref: string): string;
}

export type TaskUseCases = Pick<TaskService, 'list' | 'get' | 'add' | 'importPlan' | 'move' | 'cancel'>;

export type AttemptUseCases = Pick<TaskReview, 'compare' | 'pick'>;

export interface QuotaUseCases extends Pick<UsageGovernor, 'list'> {
  /** Lifts the holds of `vendor` (a vendor or profile name), or all, as the user. */
  resume(vendor: string | undefined): ReturnType<UsageGovernor['resume']>;
}

export type ReviewUseCases = Pick<
  ReviewService,
  'diff' | 'commit' | 'merge' | 'feedback' | 'gc' | 'setupShow' | 'setupApprove'
>;

export interface DeliveryUseCases extends Pick<DeliveryService, 'push' | 'openPr'> {
  /** Pull requests as last polled, asked for now, and failing checks sent to the agent. */
  prs: Pick<PrWatcher, 'get' | 'list' | 'refresh' | 'refreshAll' | 'checksFeedback'>;
}

export type RadarUseCases = Pick<ConflictRadar, 'radar' | 'cachedRadar'>;

export interface ReportUseCases extends Pick<StatsSampler, 'history'> {
  timeReport(q: ReportQuery): Promise<TimeReport>;
  stateTimeline(q: StateTimelineQuery): Promise<StateTimeline>;
}

export type StorageUseCases = Pick<StorageHealth, 'status'>;
