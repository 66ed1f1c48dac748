import { z } from 'zod';
import { PROFILE_NAMES } from '../protocol/constants.js';
import { MCP_SCOPES } from '../protocol/mcp-scope.js';

/** Agents driving agents (docs/mcp.md): the MCP server agents get and how far they reach. */
export const mcpConfigSchema = z
  .strictObject({
    scope: z
      .enum(MCP_SCOPES)
      .default('team')
      .describe(
        "How far an agent reaches through its MCP tools: team (only the agents it started) or workspace (any agent of its own workspace but itself and its lead). It reads its own workspace either way, and never answers its own dialogs or its lead's",
      ),
    workerProfiles: z
      .array(z.enum(PROFILE_NAMES))
      .default([])
      .describe(
        'Profiles without permission modes (cmd, shell, aider: they run what they are given without asking) that an agent may start or put in a task through its MCP tools; none by default',
      ),
    profiles: z
      .array(z.enum(PROFILE_NAMES))
      .default([])
      .describe(
        'Agents of these profiles get the MCP server as with `wtp new --mcp` (unless created with `mcp: false`)',
      ),
  })
  .prefault({})
  .describe("wezterm-parallel's MCP server for agents (`wtp new --mcp`, docs/mcp.md)");
