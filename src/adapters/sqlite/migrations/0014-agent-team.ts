/**
 * 0014: agents driving agents: the agent that started this one through its MCP tools
 * (its lead: its team is the agents that name it), and whether its CLI was given the MCP server.
 */
export default `
ALTER TABLE agents ADD COLUMN started_by TEXT;
ALTER TABLE agents ADD COLUMN mcp INTEGER NOT NULL DEFAULT 0;
`;
