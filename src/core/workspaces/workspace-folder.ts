import type { EventSource } from '../../protocol/events.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';

/**
 * A workspace with no folder (`default` at first) takes the repository of its first agent with a
 * worktree (`wtp new --repo .`): `wtp task add` in that repository then finds it, as `wtp new`
 * did, and its tasks run there. A workspace with a folder keeps it.
 */
export async function adoptRepository(
  registry: AgentRegistry,
  agent: AgentRecord,
  source: EventSource,
): Promise<void> {
  const ws = registry.findWorkspace(agent.workspaceId);
  const repo = agent.worktree?.repo;
  if (ws === undefined || ws.repoPath !== null || repo === undefined) return;
  const workspace = { ...ws, repoPath: repo };
  await registry.updateWorkspace(workspace, [
    {
      type: 'workspace.folderSet',
      source,
      agentId: null,
      workspaceId: ws.id,
      data: { workspace, agent: agent.name },
    },
  ]);
}
