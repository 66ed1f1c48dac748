import { approvalsSchema } from './approval-schema.js';
import { z } from 'zod';
import { gitRefSchema, optionValueSchema } from './argument-strings.js';
import { pendingRequestSchema, SIGNAL_SOURCES } from './signals.js';
import { pullRequestSchema } from './forge.js';
import { agentPermissionSchema } from './permission-mode.js';
import { sandboxPolicySchema } from './sandbox.js';
import { turnVerdictSchema } from './turn-verdict.js';
import { STATE_REASONS, type StateReason } from './state-reasons.js';

export { pendingRequestSchema, type PendingRequest } from './signals.js';
import { agentUsageSchema } from './usage.js';
import { absolutePathSchema, boolQuery, envKeySchema, isoTimeSchema, nameSchema } from './common.js';
import {
  AGENT_STATES,
  BACKENDS,
  PROFILE_NAMES,
  RESTART_POLICIES,
  type AgentState,
  type Backend,
  type ProfileName,
  type RestartPolicy,
} from './constants.js';

export { AGENT_STATES, BACKENDS, PROFILE_NAMES, RESTART_POLICIES, STATE_REASONS };
export type { AgentState, Backend, ProfileName, RestartPolicy, StateReason };

export const agentStateSchema = z.enum(AGENT_STATES);

export const profileNameSchema = z.enum(PROFILE_NAMES);
export const restartPolicySchema = z.enum(RESTART_POLICIES);
export const backendSchema = z.enum(BACKENDS);

export const exitInfoSchema = z.object({
  exitCode: z.number().int().nullable().describe('Exit code, or null when a signal ended the process'),
  signal: z.string().nullable().describe('Signal name such as SIGTERM, or null'),
});
export type ExitInfo = z.infer<typeof exitInfoSchema>;

/** Why an agent is in its state (`stateDetail.reason`); docs/states.md tells what each means. */
export const stateReasonSchema = z
  .enum(STATE_REASONS)
  .describe('Why it is in its state: the reasons and their meanings are listed in docs/states.md#reasons');

/** Where a state detail comes from: a signal's source, or the lifecycle. */
export const STATE_DETAIL_SOURCES = [...SIGNAL_SOURCES, 'lifecycle'] as const;

/** Why the agent is in its state: the evidence behind the last transition. */
export const stateDetailSchema = z.object({
  reason: stateReasonSchema,
  message: z.string().optional(),
  lastWords: z
    .string()
    .optional()
    .describe('An exit nobody asked for: the last lines the program printed (plain text, at most 3)'),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  restartAt: isoTimeSchema.optional(),
  attempt: z.number().int().optional(),
  source: z
    .enum(STATE_DETAIL_SOURCES)
    .optional()
    .describe(
      `The source of the signal that set an activity state, most trusted first (${SIGNAL_SOURCES.join(', ')}; status: OSC 7501), or lifecycle: the process started`,
    ),
  evidence: z
    .string()
    .optional()
    .describe('What the signal said, e.g. "hook PermissionRequest Bash" or "screen claude/spinner line 12"'),
  signalAt: isoTimeSchema.optional().describe('When that signal was observed'),
  tool: z.string().optional().describe('The tool the agent uses or asks for, when known'),
  resetsAt: z.string().optional().describe('Usage limits: when the vendor says the limit resets'),
  stalled: z
    .boolean()
    .optional()
    .describe('working, but no output and no CPU for states.stallAfterMs: maybe stuck'),
  overrode: z
    .string()
    .optional()
    .describe('A more trusted signal this one overrode because it went stale, and why'),
  request: pendingRequestSchema
    .optional()
    .describe('needs_permission / needs_input: what is asked, when the signal or the screen says'),
  verdict: turnVerdictSchema
    .optional()
    .describe("How the turn's end was read from its last message: question (needs_input) or done (idle)"),
});
export type StateDetail = z.infer<typeof stateDetailSchema>;

export const agentStatsSchema = z.object({
  cpuPercent: z
    .number()
    .describe('CPU use of the agent process tree over the last sample, in percent of one core'),
  rssBytes: z.number().int().describe('Resident memory of the agent process tree'),
  processes: z.number().int().describe('Processes in the agent tree'),
  sampledAt: isoTimeSchema,
});
export type AgentStats = z.infer<typeof agentStatsSchema>;

export const worktreeSchema = z.object({
  repo: z.string().describe('The main repository (top level)'),
  path: z.string().describe('The worktree folder (the agent cwd), or the repository with --no-worktree'),
  branch: z.string().nullable().describe('The agent branch, e.g. wtp/api; null with --no-worktree'),
  base: z.string().describe('The ref the branch was made from'),
  baseCommit: z.string(),
  portStart: z.number().int().describe('WTP_PORT'),
  portCount: z.number().int().describe('Ports in the range; WTP_PORT_END = WTP_PORT + count - 1'),
  owned: z.boolean().describe('Created by wezterm-parallel (removed with the agent)'),
});

export const diffStatSchema = z.object({
  files: z.number().int().describe('Files changed'),
  insertions: z.number().int().describe('Lines added'),
  deletions: z.number().int().describe('Lines removed'),
  at: isoTimeSchema.describe('When it was measured'),
});
export type DiffStat = z.infer<typeof diffStatSchema>;

export const agentSchema = z.object({
  id: z.string().describe('Stable id, e.g. ag-7k2m9x4q1p'),
  name: nameSchema,
  workspaceId: z.string(),
  workspace: z.string().describe('Workspace name'),
  profile: profileNameSchema,
  command: z.string().describe('Resolved executable path'),
  args: z.array(z.string()),
  cwd: z.string(),
  env: z.record(z.string(), z.string()).describe('Environment overrides given at creation'),
  restart: restartPolicySchema,
  backend: backendSchema,
  state: agentStateSchema,
  stateDetail: stateDetailSchema,
  stateSince: isoTimeSchema,
  pid: z.number().int().nullable().describe('Agent process pid while it runs'),
  hostPid: z.number().int().nullable(),
  hostConnected: z.boolean().describe('Whether the host process is connected to the daemon right now'),
  paneId: z.string().nullable().describe('WezTerm pane id, tmux pane id (%N), or headless process id'),
  lastExit: exitInfoSchema.nullable(),
  restarts: z.number().int().describe('Automatic restarts since creation or the last manual restart'),
  outputBytes: z.number().int().describe('Bytes of terminal output the daemon has received from the host'),
  createdAt: isoTimeSchema,
  startedAt: isoTimeSchema.nullable().describe('When the current (or last) process started'),
  uptimeMs: z
    .number()
    .int()
    .nullable()
    .describe('Milliseconds since the running process started, null if not running'),
  stats: agentStatsSchema.nullable(),
  version: z.string().nullable().describe('Version of the agent CLI, from `--version` when created'),
  sessionId: z
    .string()
    .nullable()
    .describe('The agent CLI session (Claude Code: from the SessionStart hook), used to resume'),
  worktree: worktreeSchema.nullable().describe('The git worktree the agent works in, or null'),
  worktreeBytes: z
    .number()
    .nullable()
    .describe('Disk use of the worktree (without shared git objects), sampled every minute; null if unknown'),
  machine: z
    .string()
    .nullable()
    .default(null)
    .describe('The machine of the fleet that runs it, or null without a fleet'),
  diffStat: diffStatSchema
    .nullable()
    .describe(
      'The agent changes against its base (committed, uncommitted and untracked), measured when it is created, goes idle or exits, commits or merges; null until measured or without a worktree',
    ),
  pullRequest: pullRequestSchema
    .nullable()
    .describe('The pull request opened for its branch (`wtp pr`), as last polled; null when none'),
  permission: agentPermissionSchema
    .nullable()
    .default(null)
    .describe(
      "Agent CLIs: its effective permission mode (from its hooks, its screen's mode line, its arguments, settings and its vendor's default) and whether it acts without asking; null for shell, cmd and CLIs whose mode is not read",
    ),
  sandbox: sandboxPolicySchema
    .nullable()
    .default(null)
    .describe(
      'Its sandbox (`wtp new --sandbox`, docs/sandbox.md): what it may write, what is hidden from it, the hosts it may reach; null when it runs unsandboxed',
    ),
  startedBy: z
    .string()
    .nullable()
    .default(null)
    .describe(
      'The agent (its id) that started this one through its MCP tools: its lead, whose team it is in; null when a user, a task or a template started it',
    ),
  mcp: z
    .boolean()
    .default(false)
    .describe(
      "Its CLI was given wezterm-parallel's MCP server (`wtp new --mcp`): it can run a team of its own",
    ),
  parseErrors: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "Escape sequences of its output its host's terminal emulator could not parse since the host started (counted, not logged one by one); absent when none",
    ),
  usage: agentUsageSchema
    .optional()
    .describe(
      "Agent CLIs: tokens, money and context fill read from the vendor's own session records (docs/cost.md); absent when none were read",
    ),
});
export type AgentView = z.infer<typeof agentSchema>;

export const createAgentRequestSchema = z.strictObject({
  profile: z.string().min(1).describe(PROFILE_NAMES.join(' | ')),
  name: nameSchema.optional().describe('Unique in the workspace; defaults to <profile>-<n>'),
  workspace: z.string().min(1).optional().describe('Workspace name or id; defaults to "default"'),
  cwd: absolutePathSchema.describe('Working directory of the agent'),
  restart: restartPolicySchema.default('never'),
  argv: z
    .array(z.string())
    .default([])
    .describe('For cmd: the command and its arguments. For shell: extra arguments to $SHELL'),
  env: z.record(envKeySchema, z.string()).default({}).describe('Extra environment variables for the agent'),
  wait: z.boolean().default(true).describe('Wait until the agent process runs (or fails) before answering'),
  prompt: z
    .string()
    .min(1)
    .max(100_000)
    .optional()
    .describe('Typed once the agent is at its prompt (agent CLIs), or once its output is quiet (others)'),
  model: optionValueSchema(200).optional().describe('Agent CLIs: the model (--model)'),
  repo: absolutePathSchema
    .optional()
    .describe(
      'Git repository: the agent gets a worktree of its own there, on branch wtp/<name> (without it, the agent works in cwd)',
    ),
  base: gitRefSchema.optional().describe('Ref the new branch starts from (default: current branch)'),
  branch: gitRefSchema.optional().describe('Reuse this existing branch instead of wtp/<name>'),
  worktree: z
    .boolean()
    .optional()
    .describe('false: run in the repository itself instead of a worktree of its own (default true)'),
  permissionMode: optionValueSchema(64)
    .optional()
    .describe('Agent CLIs: the permission/approval mode, e.g. claude: default, acceptEdits, plan'),
  approvals: approvalsSchema
    .optional()
    .describe(
      "The agent's own approval rules (`--auto-approve`), on top of the config's; a rule that allows everything is refused",
    ),
  sandbox: z
    .boolean()
    .optional()
    .describe(
      'Run the agent in a sandbox (docs/sandbox.md): refused with SANDBOX_UNAVAILABLE where none can be made, never started without it. Default: the config’s sandbox.profiles',
    ),
  mcp: z
    .boolean()
    .optional()
    .describe(
      "Register wezterm-parallel's MCP server in the agent CLI's own configuration for this agent only (docs/mcp.md): it can start and drive agents of its own (its team)",
    ),
});
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>;

export const stopAgentRequestSchema = z.strictObject({
  graceMs: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .optional()
    .describe('Delay between SIGTERM and SIGKILL (default: config agents.stopGraceMs, 5000)'),
  wait: z.boolean().default(true).describe('Answer only once the process is gone'),
});

export const inputRequestSchema = z.strictObject({
  text: z.string().max(1_000_000).describe('Text typed into the agent terminal'),
  enter: z
    .boolean()
    .default(false)
    .describe('Press Enter (CR) afterwards, as a separate write after a short delay'),
  force: z
    .boolean()
    .default(false)
    .describe('Type even while the agent is working (otherwise refused with AGENT_BUSY)'),
  raw: z
    .boolean()
    .default(false)
    .describe('Send the text as keystrokes, without paste brackets (keys such as Esc or arrows)'),
});

export const agentRefParamsSchema = z.strictObject({
  agent: z.string().min(1).describe('Agent id, name, or workspace/name'),
});

export const removeAgentQuerySchema = z.strictObject({
  force: boolQuery(false),
});

export const listAgentsQuerySchema = z.strictObject({
  workspace: z.string().min(1).optional(),
  state: agentStateSchema.optional(),
  machine: z.string().min(1).optional().describe('Only the agents of this machine of the fleet'),
  local: boolQuery(false).describe("Only this machine's agents (in a fleet)"),
});

export const screenSchema = z.object({
  cols: z.number().int(),
  rows: z.number().int(),
  cursor: z.object({ x: z.number().int(), y: z.number().int() }),
  altScreen: z.boolean(),
  title: z.string(),
  lines: z.array(z.string()).describe('Visible rows, trailing blanks trimmed'),
});
export type Screen = z.infer<typeof screenSchema>;

export const logsQuerySchema = z.strictObject({
  tailBytes: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .optional(),
});
