import type { AgentView } from './agent.js';

/**
 * How far an agent reaches through its MCP tools: `team` (the default) acts only on the
 * agents it started; `workspace` (config `mcp.scope`, a wider scope a user gives) on any agent of
 * its workspace but itself and its lead. Either way it reads its own workspace and nothing outside.
 */
export const MCP_SCOPES = ['team', 'workspace'] as const;
export type McpScope = (typeof MCP_SCOPES)[number];

/**
 * Who calls an MCP tool: a user's MCP client (the API token, or the unix socket with no agent
 * token) may do what the API allows; an agent (its own token) is held to its scope.
 */
export type McpCaller = { kind: 'user' } | { kind: 'agent'; agent: AgentView; scope: McpScope };

/** The rules a refusal names (`details.rule` of MCP_OUT_OF_SCOPE). */
export const SCOPE_RULES = [
  'own_workspace',
  'team_only',
  'not_itself',
  'not_its_lead',
  'own_repository',
  'no_wider_permissions',
  'profile_not_granted',
  'approved_test_only',
] as const;
export type ScopeRule = (typeof SCOPE_RULES)[number];
