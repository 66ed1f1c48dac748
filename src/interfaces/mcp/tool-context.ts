import type { AgentView } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import type { McpCaller } from '../../protocol/mcp-scope.js';
import type { McpToolInput, McpToolName } from '../../protocol/mcp-tools.js';
import type { ApiContext } from '../server/api-context.js';

/** What the MCP tools use of the API's context. */
export type ToolApi = Pick<
  ApiContext,
  'agents' | 'answers' | 'review' | 'radar' | 'tasks' | 'team' | 'events' | 'workspaces'
>;

/** One call of a tool: who calls, and where the handler notes the agent it acted on (for the audit). */
export interface ToolCall {
  caller: McpCaller;
  /** `agent` for a calling agent, `api` for a user's MCP client: what the events it causes carry. */
  source: EventSource;
  /** Aborted when the client goes away or cancels (a long wait stops). */
  signal: AbortSignal;
  /** The agent the call named, once resolved (its id), for `mcp.toolCalled`. */
  target: string | null;
}

export type ToolHandler<N extends McpToolName> = (
  api: ToolApi,
  input: McpToolInput<N>,
  call: ToolCall,
) => Promise<unknown>;

/** The caller's own agent id, or null for a user. */
export const callerId = (call: ToolCall): string | null =>
  call.caller.kind === 'agent' ? call.caller.agent.id : null;

/** Resolves `ref` (a name is looked up in the caller's workspace first) and notes it as the call's target. */
export function targetAgent(api: ToolApi, call: ToolCall, ref: string): AgentView {
  call.target = ref;
  const caller = call.caller;
  let agent: AgentView;
  if (caller.kind === 'agent' && !ref.includes('/') && !ref.startsWith('ag-')) {
    // A bare name means the agent of that name in the caller's workspace (names repeat across them).
    agent = api.agents.get(`${caller.agent.workspace}/${ref}`);
  } else {
    agent = api.agents.get(ref);
  }
  call.target = agent.id;
  return agent;
}
