import type { AgentView } from '../../protocol/agent.js';

/**
 * An agent as an MCP tool shows it to a model: what it needs to decide (state and why, branch,
 * changes, who started it), without what is not its to read (the environment given at creation,
 * the command line) and without the noise (pids, pane ids, byte counters).
 */
export function agentBrief(a: AgentView, me: string | null): Record<string, unknown> {
  const d = a.stateDetail;
  return {
    id: a.id,
    name: a.name,
    profile: a.profile,
    state: a.state,
    since: a.stateSince,
    why: {
      reason: d.reason,
      ...(d.source ? { source: d.source } : {}),
      ...(d.evidence ? { evidence: d.evidence } : {}),
      ...(d.message ? { message: d.message } : {}),
      ...(d.tool ? { tool: d.tool } : {}),
      ...(d.request ? { request: d.request } : {}),
      ...(d.exitCode !== undefined ? { exitCode: d.exitCode } : {}),
    },
    branch: a.worktree?.branch ?? null,
    worktree: a.worktree?.path ?? null,
    diffStat: a.diffStat
      ? { files: a.diffStat.files, insertions: a.diffStat.insertions, deletions: a.diffStat.deletions }
      : null,
    permissionMode: a.permission?.mode ?? null,
    startedBy: a.startedBy,
    ...(me !== null ? { yourTeam: a.startedBy === me, you: a.id === me } : {}),
  };
}
