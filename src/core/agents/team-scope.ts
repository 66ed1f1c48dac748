import type { AgentView } from '../../protocol/agent.js';
import type { PermissionMode } from '../../protocol/permission-words.js';
import type { McpCaller, ScopeRule } from '../../protocol/mcp-scope.js';
import { appError, type MessageFields } from '../../protocol/error-messages.js';
import type { AppError } from '../errors.js';

function refuse(rule: ScopeRule, agent: string | null, fields: MessageFields<'MCP_OUT_OF_SCOPE'>): AppError {
  return appError('MCP_OUT_OF_SCOPE', { rule, agent, ...fields });
}

/** Reading: an agent sees the agents of its own workspace only. */
export function assertMayRead(caller: McpCaller, target: AgentView): void {
  if (caller.kind === 'user') return;
  if (target.workspaceId !== caller.agent.workspaceId) {
    throw refuse('own_workspace', target.id, {
      name: target.name,
      workspace: target.workspace,
      yours: caller.agent.workspace,
    });
  }
}

/**
 * Acting (typing, stopping, committing, merging, answering): never on itself or its lead, and in the
 * `team` scope only on the agents it started.
 */
export function assertMayAct(caller: McpCaller, target: AgentView): void {
  if (caller.kind === 'user') return;
  const me = caller.agent;
  if (target.id === me.id) {
    throw refuse('not_itself', target.id, {});
  }
  if (me.startedBy !== null && target.id === me.startedBy) {
    throw refuse('not_its_lead', target.id, { lead: target.name });
  }
  assertMayRead(caller, target);
  if (caller.scope === 'team' && target.startedBy !== me.id) {
    throw refuse('team_only', target.id, { name: target.name });
  }
}

/** What a neutral mode does without asking, as a rank (unknown: the most, so it is never given). */
const UNASKED_RANK: Record<PermissionMode, number> = {
  plan: 0,
  default: 0,
  dont_ask: 0,
  accept_edits: 1,
  auto: 2,
  bypass: 3,
  unknown: 4,
};

/**
 * Starting a worker: in the caller's workspace and repository only, and never in a permission mode
 * that acts without asking more than the caller's own mode does (`mode`: the neutral mode its CLI
 * maps the asked-for mode to; null when none was asked for: the user's settings decide).
 */
export function assertMayStart(
  caller: McpCaller,
  ask: {
    workspaceId: string;
    repo: string | null;
    mode: PermissionMode | null;
    modeName: string | null;
    /**
     * The profile, when it has no permission modes (it runs what it is given without asking) and
     * the user's config (`mcp.workerProfiles`) does not grant it: never started by an agent.
     */
    ungranted?: string;
  },
): void {
  if (caller.kind === 'user') return;
  const me = caller.agent;
  if (ask.ungranted !== undefined) {
    throw refuse('profile_not_granted', null, { profile: ask.ungranted });
  }
  if (ask.workspaceId !== me.workspaceId) {
    throw refuse('own_workspace', null, { workspace: me.workspace });
  }
  const myRepo = me.worktree?.repo ?? null;
  if (ask.repo !== null && ask.repo !== myRepo) {
    throw refuse('own_repository', null, { repository: myRepo ?? 'none' });
  }
  if (ask.mode === null) return;
  const mine = me.permission?.mode ?? 'default';
  if (UNASKED_RANK[ask.mode] > UNASKED_RANK[mine]) {
    throw refuse('no_wider_permissions', null, { modeName: ask.modeName ?? ask.mode, mode: ask.mode, mine });
  }
}
