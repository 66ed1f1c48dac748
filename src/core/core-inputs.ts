// What `createCore` is given: the adapters it works through and the settings from the config.
import type { Backend } from '../protocol/agent.js';
import type { Approvals } from '../protocol/approval-schema.js';
import type { ServiceSettings } from './agents/agent-service.js';
import type { FactorySettings } from './agents/agent-factory.js';
import type { ProfileCatalog } from './agents/profiles.js';
import type { SandboxPlanner } from './ports/sandbox.js';
import type { ForgeSettings } from './forge/create-delivery.js';
import type { WorktreeSettings } from './git/agent-worktree.js';
import type { LifecycleSettings } from './lifecycle/lifecycle-deps.js';
import type {
  Clock,
  EventLog,
  HostLauncher,
  IdGenerator,
  LaunchPreflight,
  Logger,
  OutputLogs,
  ProcessInspector,
  ProfileSetup,
  StateStore,
} from './ports/daemon.js';
import type { ForgeCli } from './ports/forge.js';
import type { GitDelivery, GitReview, GitWorktrees } from './ports/git.js';
import type { MuxRegistry } from './ports/panes.js';
import type { RealPaths, ShellSyntax } from './ports/shell-syntax.js';
import type { DetectorTable } from './state/detectors/screen-detector.js';
import type { StateEngineSettings } from './state/state-engine.js';
import type { DispatchSettings } from './tasks/dispatcher.js';
import type { UsageAdapters, UsageSettings } from './usage/create-usage.js';
import type { TurnJudgeSettings } from './state/turn-judge.js';
import type { TurnModel, TurnTranscripts } from './ports/turn-model.js';
import type { TurnModelCall } from '../protocol/turn-verdict.js';

export interface CoreSettings {
  /** Backend of the `default` workspace when it is first created (the daemon's resolved backend). */
  defaultBackend: Backend;
  lifecycle: LifecycleSettings;
  factory: FactorySettings;
  service: Omit<ServiceSettings, 'promptQuietMs'>;
  /** Bytes of recent output kept in memory per agent. */
  outputTailBytes: number;
  /** Quiet time before a template agent's initial prompt is typed. */
  promptQuietMs: number;
  /** How often output offsets are persisted and acknowledged to hosts. */
  checkpointIntervalMs: number;
  statsIntervalMs: number;
  /** State engine rules (config `states`); defaults apply when absent. */
  states?: StateEngineSettings;
  /** Port ranges of worktrees (config `git`). */
  worktrees?: WorktreeSettings;
  /** Dispatching tasks to agents (config `tasks`). */
  dispatch?: DispatchSettings;
  /** How often a failing write path is tried again (default 2 s). */
  storageProbeMs?: number;
  /** The database file, named in storage errors. */
  databasePath?: string;
  /** Approval rules (config `approvals`): dialogs they decide are answered as via `policy`. */
  approvals?: Approvals;
  /** Push, pull requests and their polling (config `forge`). */
  forge?: ForgeSettings;
  /** Usage, prices and budgets (config `cost`, `budget`). */
  usage?: UsageSettings;
  /** The turn model's timeout and message bound (config `states.turnModel`). */
  turnJudge?: Partial<TurnJudgeSettings>;
}

export const DEFAULT_STATE_SETTINGS: StateEngineSettings = {
  screenOverrideMs: 3_000,
  stallAfterMs: 300_000,
  stallCpuPercent: 2,
  historySize: 20,
};

export interface CoreAdapters {
  store: StateStore;
  events: EventLog;
  launcher: HostLauncher;
  preflight: LaunchPreflight;
  inspector: ProcessInspector;
  logs: OutputLogs;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  muxes: MuxRegistry;
  /** Every profile's spec (src/vendors/registry.ts): the core names no vendor of its own. */
  profileCatalog: ProfileCatalog;
  /** Agent CLI preparation (version, hooks, trust); NO_PROFILE_SETUP where there are no agent CLIs. */
  profiles: ProfileSetup;
  /** Sandboxes for agents (`wtp new --sandbox`); absent: a request for one is refused. */
  sandbox?: SandboxPlanner;
  /** The vendors' screen rules, to verify a dialog before answering it; absent: answers are refused. */
  detectors?: DetectorTable;
  /** Git worktrees, review and delivery; without it agents run where they are told. */
  git?: { worktrees: GitWorktrees; review: GitReview; delivery?: GitDelivery };
  /** The forges' CLIs (gh, glab); without it (or git delivery) there is no push or pull request. */
  forge?: ForgeCli;
  /** The approval rules' shell parser; without it no command is approved or denied by a rule. */
  shell?: ShellSyntax;
  /** Links in paths, for path rules; without it paths are taken as written. */
  realPaths?: RealPaths;
  /** Agents' session files and where usage is kept; without it no usage is read. */
  usage?: UsageAdapters;
  /** A model for the turn ends the rules are unsure of (config `states.turnModel`); absent: rules alone. */
  turnModel?: TurnModel;
  /** Told of every call to the turn model (its time and tokens: metrics). */
  onTurnModelCall?: (call: TurnModelCall) => void;
  /** The CLIs' session files, for turn ends whose hook brings no message (Copilot CLI). */
  turnTranscripts?: TurnTranscripts;
}
