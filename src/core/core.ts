import type { TurnJudge } from './state/turn-judge.js';
import type { AgentService } from './agents/agent-service.js';
import type { HookDecider } from './policies/hook-decider.js';
import type { DialogAnswerer } from './agents/dialog-answerer.js';
import type { HeldDecisions } from './agents/held-decisions.js';
import type { ProfileCatalog } from './agents/profiles.js';
import type { ConflictRadar } from './git/conflict-radar.js';
import type { DiffStatTracker } from './git/diff-stat-tracker.js';
import type { ReviewService } from './git/review-service.js';
import type { DeliveryService } from './forge/delivery-service.js';
import type { PrWatcher } from './forge/pr-watcher.js';
import type { ProgressHub } from './forge/progress-hub.js';
import type { HostDirectory } from './hosts/host-directory.js';
import type { HostSessions } from './hosts/host-sessions.js';
import type { OrphanHosts } from './hosts/orphan-hosts.js';
import type { OutputHub } from './hosts/output-hub.js';
import type { AgentLifecycle } from './lifecycle/lifecycle.js';
import type { EventBus } from './model/event-bus.js';
import type { AgentRegistry } from './model/registry.js';
import type { StorageHealth } from './model/storage-health.js';
import type { EventLog } from './ports/daemon.js';
import type { GitWorktrees } from './ports/git.js';
import type { StatsSampler } from './reports/stats-sampler.js';
import type { StateEngine } from './state/state-engine.js';
import type { PermissionTracker } from './agents/permission-tracker.js';
import type { Dispatcher } from './tasks/dispatcher.js';
import type { TaskReview } from './tasks/task-review.js';
import type { TaskService } from './tasks/task-service.js';
import type { UsageGovernor } from './tasks/usage-governor.js';
import type { BudgetGuard } from './usage/budget-guard.js';
import type { UsageMeter } from './usage/usage-meter.js';
import type { CostUseCases } from './usage/cost-use-cases.js';
import type { WorkspaceService } from './workspaces/workspace-service.js';

/** The daemon's core, built from adapters. Interfaces use `service`, `sessions`, `bus` and `events`. */
export interface Core {
  service: AgentService;
  workspaces: WorkspaceService;
  sessions: HostSessions;
  lifecycle: AgentLifecycle;
  /** Hosts whose agent this daemon does not know: kept running, shown, stopped or adopted on request. */
  orphans: OrphanHosts;
  registry: AgentRegistry;
  bus: EventBus;
  events: EventLog;
  /** Whether state, logs and output can be written; what fails, since when, what was dropped. */
  storage: StorageHealth;
  hosts: HostDirectory;
  output: OutputHub;
  stats: StatsSampler;
  engine: StateEngine;
  /** How turns ended, from their last messages. */
  turns: TurnJudge;
  /** Each agent's effective permission mode, kept current from its hooks and its screen. */
  permissions: PermissionTracker;
  /** Every profile's spec, as the composition root gave it. */
  profileCatalog: ProfileCatalog;
  /** Diff, commit, merge, feedback, gc and the setup script; null without git. */
  review: ReviewService | null;
  /** Agents' git worktrees; null without git. */
  worktrees: GitWorktrees | null;
  /** Which agent branches would conflict, and the merge order; null without git. */
  radar: ConflictRadar | null;
  /** Agents' diff stats (`diffStat` of the agent view); null without git. */
  diffStats: DiffStatTracker | null;
  tasks: TaskService;
  /** Approve, deny, answer what an agent waits on (verified against its screen). */
  answers: DialogAnswerer;
  /** Approval rules decided through a vendor's decision hook (Claude Code's PermissionRequest). */
  hookDecider: HookDecider;
  /** Decision hooks held for the user's answer (Claude Code's PermissionRequest). */
  heldDecisions: HeldDecisions;
  /** Usage-limit holds per vendor (`wtp quota`, `wtp resume`). */
  governor: UsageGovernor;
  /** Starts ready tasks on agents. */
  dispatcher: Dispatcher;
  /** Best-of-N compare and pick. */
  taskReview: TaskReview;
  /** Push and pull requests; null without git or without a forge CLI runner. */
  delivery: DeliveryService | null;
  /** Open pull requests polled, their checks sent as feedback; null without git or forge. */
  prs: PrWatcher | null;
  /** Progress lines of long operations (a push), by the caller's id. */
  progress: ProgressHub;
  /** Agents' tokens, cost and context fill from their session files; null without usage adapters. */
  usage: UsageMeter | null;
  /** Budgets in money per task, workspace and day; null without usage adapters. */
  budgets: BudgetGuard | null;
  /** The cost report and budgets as the API uses them (COST_DISABLED without usage adapters). */
  costs: CostUseCases;
  /** Loads state, makes sure the default workspace exists, re-binds surviving hosts, starts timers. */
  start(): Promise<void>;
  /** Stops every live agent (SIGTERM, then SIGKILL after the grace delay); returns how many. */
  stopAllAgents(): Promise<number>;
  /** Stops timers, checkpoints output offsets, drops host links (hosts keep running), flushes the store. */
  stop(): Promise<void>;
}
