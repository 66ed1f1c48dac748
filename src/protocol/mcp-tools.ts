import { z } from 'zod';
import {
  agentRefParamsSchema,
  agentStateSchema,
  createAgentRequestSchema,
  inputRequestSchema,
  listAgentsQuerySchema,
  logsQuerySchema,
  profileNameSchema,
  stopAgentRequestSchema,
} from './agent.js';
import { answerRequestSchema } from './answers.js';
import { commitRequestSchema, mergeRequestSchema } from './git.js';
import {
  createTaskRequestSchema,
  listTasksQuerySchema,
  moveTaskRequestSchema,
  taskRefParamsSchema,
} from './tasks.js';

/**
 * The tools of wezterm-parallel's MCP server (`wtp mcp`, `POST /mcp`; docs/mcp.md). Each input
 * schema is made from the API's own schemas (the same bodies, params and queries the REST routes
 * validate), picked down to what an agent may set: never environment, arguments, approval rules
 * or a workspace of its choosing. Descriptions are written for models: short, with an example
 * and the next step of the errors it is likely to meet.
 */

/** How long `wait_for_state` waits at most in one call (some CLIs give up on a tool call after 60 s). */
export const MCP_WAIT_DEFAULT_MS = 45_000;
export const MCP_WAIT_MAX_MS = 600_000;

const agentRef = agentRefParamsSchema.shape.agent.describe(
  'The agent: its name (e.g. "api") or id (ag-…), as list_agents shows it',
);

const scopeNote =
  'MCP_OUT_OF_SCOPE: the agent is not one you started (list_agents shows `startedBy`); act only on your team.';

/** Tool name → its description and input schema. */
export const MCP_TOOLS = {
  list_agents: {
    title: 'List agents',
    description:
      'Lists the agents of your workspace with their state and why they are in it (state, stateDetail.reason/evidence), their branch, diff stat and who started them (`startedBy`: your team has your id). Example: {"state":"idle"}.',
    input: listAgentsQuerySchema.pick({ state: true }),
    effect: 'read',
  },
  start_agent: {
    title: 'Start an agent',
    description:
      'Starts a worker agent (your team) in its own git worktree of your repository, on branch wtp/<name>, and optionally gives it its first prompt (workspace and repo default to yours; you cannot start agents anywhere else). Example: {"profile":"codex","name":"api","prompt":"Add a /health route"}. Then wait_for_state {"agent":"api","states":["idle"]}. Errors: AGENT_NAME_TAKEN (pick another name), COMMAND_NOT_FOUND (that CLI is not installed: try another profile), MCP_OUT_OF_SCOPE (a permission mode that asks less than yours).',
    input: createAgentRequestSchema
      .pick({
        name: true,
        workspace: true,
        repo: true,
        prompt: true,
        model: true,
        base: true,
        permissionMode: true,
      })
      .extend({
        // `cmd` runs the command it is given, and a worker is given none: it could never start.
        profile: profileNameSchema.exclude(['cmd']),
        sandbox: z
          .literal(true)
          .optional()
          .describe(
            'Run the worker in a sandbox (its worktree writable, secrets hidden, only its API reachable). A worker is never started unsandboxed when the config sandboxes its profile.',
          ),
      }),
    effect: 'exec',
  },
  send_prompt: {
    title: 'Send a prompt',
    description:
      'Types a prompt into an agent of your team and presses Enter. Refused while it works (AGENT_BUSY: wait_for_state idle first). Example: {"agent":"api","text":"Now add a test"}. ' +
      scopeNote,
    input: z.strictObject({ agent: agentRef, text: inputRequestSchema.shape.text.min(1).max(100_000) }),
    effect: 'exec',
  },
  wait_for_state: {
    title: 'Wait for a state',
    description: `Waits until an agent is in one of the states (idle, needs_permission, needs_input, exited, …) or the time is up, and returns its state and why. Default ${MCP_WAIT_DEFAULT_MS / 1000} s; when it comes back with reached=false, call it again. Example: {"agent":"api","states":["idle","needs_permission","needs_input","exited"]}.`,
    input: z.strictObject({
      agent: agentRef,
      states: z
        .array(agentStateSchema)
        .min(1)
        .max(8)
        .describe('Return as soon as the agent is in one of these'),
      timeoutMs: z
        .number()
        .int()
        .min(0)
        .max(MCP_WAIT_MAX_MS)
        .default(MCP_WAIT_DEFAULT_MS)
        .describe('How long to wait at most, in milliseconds'),
    }),
    effect: 'read',
  },
  read_screen: {
    title: "Read an agent's screen",
    description:
      'The agent\'s terminal screen as text (its visible rows): what it shows now, a dialog it waits on. Example: {"agent":"api"}.',
    input: agentRefParamsSchema.extend({ agent: agentRef }),
    effect: 'read',
  },
  read_log: {
    title: "Read an agent's output",
    description:
      'The tail of what the agent printed (its terminal output, escape sequences removed). Example: {"agent":"api","tailBytes":4000}.',
    input: z.strictObject({
      agent: agentRef,
      tailBytes: logsQuerySchema.shape.tailBytes.unwrap().max(200_000).default(8_000),
    }),
    effect: 'read',
  },
  get_diff: {
    title: "An agent's diff",
    description:
      'What an agent changed against its base (committed, uncommitted and untracked): files with lines added and removed, and with stat=false the patch. Example: {"agent":"api","stat":true}.',
    input: z.strictObject({
      agent: agentRef,
      stat: z.boolean().default(true).describe('true: files and counts only; false: the patch too'),
    }),
    effect: 'read',
  },
  conflicts: {
    title: 'Conflict radar',
    description:
      "Which agents' branches would conflict with each other or with their base if merged (real merges predicted by git), and a merge order. Example: {}.",
    input: z.strictObject({}),
    effect: 'read',
  },
  answer_dialog: {
    title: 'Answer a dialog',
    description:
      'Approves, denies or answers what an agent of your team waits on (needs_permission, needs_input), verified against its screen. Example: {"agent":"api","action":"approve"} or {"agent":"api","action":"answer","text":"2"}. You can never answer your own dialogs or your lead\'s. Errors: AGENT_NOT_WAITING (it is not asking: read_screen), DIALOG_CHANGED (look again). ' +
      scopeNote,
    input: answerRequestSchema.pick({ action: true, text: true, message: true }).extend({ agent: agentRef }),
    effect: 'exec',
  },
  commit: {
    title: "Commit an agent's work",
    description:
      'Commits everything an agent of your team left uncommitted in its worktree. Example: {"agent":"api","message":"Add /health"}. ' +
      scopeNote,
    input: commitRequestSchema.extend({ agent: agentRef }),
    effect: 'exec',
  },
  merge: {
    title: "Merge an agent's branch",
    description:
      'Merges the branch of an agent of your team into its base (merge, squash or rebase), after an optional test command run in its worktree (merged only if it passes). Example: {"agent":"api","strategy":"squash","test":"npm test","commit":"wip"}. Errors: MERGE_UNCOMMITTED (give commit, or call commit first), MERGE_CONFLICT (see conflicts), MERGE_TEST_FAILED (send_prompt the failure). The test command must be your repository’s approved `test:`. ' +
      scopeNote,
    input: mergeRequestSchema.pick({ strategy: true, test: true, commit: true }).extend({ agent: agentRef }),
    effect: 'exec',
  },
  stop_agent: {
    title: 'Stop an agent',
    description:
      'Stops an agent of your team (SIGTERM, then SIGKILL after the grace). Its worktree and branch stay. Example: {"agent":"api"}. ' +
      scopeNote,
    input: stopAgentRequestSchema.pick({ graceMs: true }).extend({ agent: agentRef }),
    effect: 'write',
  },
  add_task: {
    title: 'Add a task',
    description:
      'Adds a task to the task graph of your workspace; the dispatcher starts an agent for it when its dependencies are done. Example: {"title":"docs","prompt":"Document the API","after":["api"]}.',
    input: createTaskRequestSchema.safeExtend({ workspace: z.never().optional() }),
    effect: 'exec',
  },
  list_tasks: {
    title: 'List tasks',
    description: 'The tasks of your workspace with their status and runs. Example: {"status":"ready"}.',
    input: listTasksQuerySchema.pick({ status: true }),
    effect: 'read',
  },
  move_task: {
    title: 'Move a task',
    description:
      'Moves a task of your workspace to another status (backlog → ready, review → done, …). Example: {"task":"tk-…","status":"ready"}. Errors: TASK_MOVE_REFUSED (that move is not allowed from its status).',
    input: moveTaskRequestSchema.extend({ task: taskRefParamsSchema.shape.task }),
    effect: 'exec',
  },
} as const satisfies Record<
  string,
  { title: string; description: string; input: z.ZodType; effect: 'read' | 'write' | 'exec' }
>;

export type McpToolName = keyof typeof MCP_TOOLS;
export const MCP_TOOL_NAMES = Object.keys(MCP_TOOLS) as [McpToolName, ...McpToolName[]];
export type McpToolInput<N extends McpToolName> = z.output<(typeof MCP_TOOLS)[N]['input']>;

/** The name MCP clients know the server by (`mcp__wtp__start_agent` in Claude Code). */
export const MCP_SERVER_NAME = 'wtp';

/** The daemon's MCP endpoint (streamable HTTP, POST only). */
export const MCP_PATH = '/mcp';

/** The largest MCP request body the daemon reads (a prompt is at most 100,000 characters). */
export const MCP_BODY_LIMIT_BYTES = 512 * 1024;
