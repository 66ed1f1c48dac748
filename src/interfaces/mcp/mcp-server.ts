import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/daemon.js';
import type { McpCaller } from '../../protocol/mcp-scope.js';
import { MCP_SERVER_NAME, MCP_TOOLS, MCP_TOOL_NAMES, type McpToolName } from '../../protocol/mcp-tools.js';
import { toErrorResponse } from '../server/to-error-body.js';
import {
  answerDialog,
  listAgents,
  readLog,
  readScreen,
  sendPrompt,
  startAgent,
  stopAgent,
  waitForState,
} from './agent-tools.js';
import { addTask, commit, conflicts, getDiff, listTasks, merge, moveTask } from './review-tools.js';
import type { ToolApi, ToolCall, ToolHandler } from './tool-context.js';

const HANDLERS: { [N in McpToolName]: ToolHandler<N> } = {
  list_agents: listAgents,
  start_agent: startAgent,
  send_prompt: sendPrompt,
  wait_for_state: waitForState,
  read_screen: readScreen,
  read_log: readLog,
  get_diff: getDiff,
  conflicts,
  answer_dialog: answerDialog,
  commit,
  merge,
  stop_agent: stopAgent,
  add_task: addTask,
  list_tasks: listTasks,
  move_task: moveTask,
};

/** The next step a model should take after a refusal, by code (the rest: the message says it). */
const NEXT_STEPS: Partial<Record<string, string>> = {
  MCP_OUT_OF_SCOPE: 'Act only on agents you started (list_agents: yourTeam=true), in your own workspace.',
  AGENT_BUSY: 'It is working: wait_for_state with states ["idle","needs_input"] first.',
  AGENT_NOT_FOUND: 'list_agents shows the names you can use.',
  AGENT_NAME_TAKEN: 'Pick another name, or leave name out.',
  AGENT_NOT_WAITING: 'It is not asking anything now: read_screen to see what it shows.',
  DIALOG_CHANGED: 'Its dialog changed: read_screen, then answer what it asks now.',
  MERGE_UNCOMMITTED: 'Give merge a commit message (commit), or call commit first.',
  MERGE_CONFLICT: 'See conflicts; ask the agent to rebase or resolve with send_prompt.',
  MERGE_TEST_FAILED: 'Send the failure to the agent with send_prompt, wait for it, then merge again.',
};

/** A tool's answer: its result as JSON text (models read text), or the error with its code and next step. */
function asText(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 1) }] };
}

function asError(err: unknown): CallToolResult {
  const { body } = toErrorResponse(err);
  const next = NEXT_STEPS[body.code];
  return { ...asText({ error: { ...body, ...(next ? { next } : {}) } }), isError: true };
}

/**
 * An MCP server (the official SDK's) whose tools act as `caller`, over the API's use cases: the
 * same checks and events as the REST routes, plus the caller's scope, and one `mcp.toolCalled`
 * audit event per call with its outcome. Made per request (the endpoint is stateless).
 */
export function createMcpServer(api: ToolApi, caller: McpCaller, log: Logger, version: string): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: 'wezterm-parallel', version },
    {
      instructions:
        'Run a team of coding agents: start_agent starts a worker (any vendor) in its own git worktree with a prompt; wait_for_state until it is idle; get_diff with stat; merge the one you keep; stop_agent the rest. You act only on the agents you started.',
    },
  );
  for (const name of MCP_TOOL_NAMES) {
    const tool = MCP_TOOLS[name];
    const handler = HANDLERS[name] as ToolHandler<McpToolName>;
    server.registerTool(
      name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: {
          readOnlyHint: tool.effect === 'read',
          // Stopping interrupts an agent's work; a merge only adds to its target (the MCP sense of
          // destructive: deleting or overwriting). Codex asks before a destructive tool.
          destructiveHint: name === 'stop_agent',
          openWorldHint: false,
        },
      },
      async (input: unknown, extra: { signal: AbortSignal }) => {
        const call: ToolCall = {
          caller,
          source: caller.kind === 'agent' ? 'agent' : 'api',
          signal: extra.signal,
          target: null,
        };
        const started = Date.now();
        let result: CallToolResult;
        let code: string | null = null;
        try {
          result = asText(await handler(api, input as never, call));
        } catch (err) {
          result = asError(err);
          code = toErrorResponse(err).body.code;
          if (!(err instanceof AppError)) log.error({ err, tool: name }, 'MCP tool failed');
        }
        await api.team
          .toolCalled(caller, {
            tool: name,
            agent: call.target,
            ok: code === null,
            code,
            ms: Date.now() - started,
          })
          .catch((err: unknown) => log.warn({ err, tool: name }, 'MCP tool call not audited'));
        return result;
      },
    );
  }
  return server;
}
