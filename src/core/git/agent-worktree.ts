import type { Approvals } from '../../protocol/approval-schema.js';
// Worktree provisioning: ports, the worktree itself, its environment and what removing it would lose.
import type { CreateAgentRequest } from '../../protocol/agent.js';
import type { AgentEnv } from '../../protocol/agent-env.js';
import type { AgentRecord } from '../model/agent-record.js';
import { AppError } from '../errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { AgentWorktree, GitReview, GitWorktrees, WorktreeLoss } from '../ports/git.js';
import type { Clock } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';

export interface WorktreeSettings {
  /** First port handed out; each agent gets `portsPerAgent` ports from there on. */
  portBase: number;
  portsPerAgent: number;
}

export interface WorktreeDeps {
  git: GitWorktrees;
  registry: AgentRegistry;
  clock: Clock;
  settings: WorktreeSettings;
}

/** The lowest port range no other agent holds. */
export function allocatePorts(registry: AgentRegistry, s: WorktreeSettings): number {
  const used = new Set(
    registry
      .all()
      .map((a) => a.worktree?.portStart)
      .filter((p): p is number => p !== undefined),
  );
  let start = s.portBase;
  while (used.has(start)) start += s.portsPerAgent;
  return start;
}

/**
 * A request to create an agent as the core's callers make it. `repoOptional` is for the task
 * dispatcher, which runs each task in the workspace's folder: in its own worktree when the folder
 * is a git repository, in place otherwise. The HTTP API cannot set it (its schema is strict).
 */
/** A create request as the core takes it: `startedBy` is set only by the MCP tools (never from a request body). */
export type NewAgentRequest = CreateAgentRequest & { repoOptional?: boolean; startedBy?: string };

/**
 * Gives a new agent its worktree when it is given a repository (`repo`, i.e. `--repo`): a new
 * branch `wtp/<name>` from the base, an existing branch, or the repository in place
 * (`worktree: false`). The agent's cwd becomes the worktree. Without `repo` nothing happens: the
 * agent works in its cwd, in any workspace.
 */
export async function provisionWorktree(
  agent: AgentRecord,
  req: NewAgentRequest,
  d: WorktreeDeps,
): Promise<void> {
  const repo = req.repo;
  if (repo === undefined) {
    if (req.base !== undefined || req.branch !== undefined) {
      throw new AppError('INVALID_INPUT', '--base and --branch need a repository: give --repo.', {
        issues: [{ path: 'body.repo', message: 'required with base or branch' }],
      });
    }
    return;
  }
  let wt: AgentWorktree;
  try {
    wt = await d.git.provision({
      repo,
      agentName: agent.name,
      base: req.base,
      branch: req.branch,
      noWorktree: req.worktree === false,
      portStart: allocatePorts(d.registry, d.settings),
      portCount: d.settings.portsPerAgent,
    });
  } catch (err) {
    // A task's workspace folder need not be a git repository: then its agents run in it, as told.
    if (req.repoOptional && err instanceof AppError && err.code === 'NOT_A_REPOSITORY') return;
    throw err;
  }
  const script = wt.owned ? d.git.setupScript(wt.repo) : null;
  // Nothing is fetched from a repository's submodule URLs before it is approved.
  const submodules = wt.owned ? await d.git.submodules(wt.path) : null;
  // A config with only a test command (`test:`) runs nothing at creation: no approval needed here.
  const setupWaits = script && (script.commands.length > 0 || script.approvals !== null) && !script.approved;
  const modulesWait = submodules !== null && !submodules.approved;
  if (setupWaits || modulesWait) {
    await d.git.remove(wt, true); // refused before anything runs: the new worktree goes again
    const what = [
      ...(setupWaits && script.commands.length > 0 ? [`setup script: ${script.commands.join(' && ')}`] : []),
      ...(setupWaits && script.approvals !== null
        ? [`approval rules: ${describeRules(script.approvals)}`]
        : []),
      ...(modulesWait
        ? [`submodules: ${submodules.entries.map((e) => `${e.path} (${e.url})`).join(', ')}`]
        : []),
    ];
    throw appError('SETUP_NOT_APPROVED', {
      repo: wt.repo,
      commands: setupWaits ? script.commands : [],
      approvals: setupWaits ? script.approvals : null,
      ...(setupWaits ? { hash: script.hash } : {}),
      submodules: modulesWait ? submodules.entries : [],
      hashes: [...(setupWaits ? [script.hash] : []), ...(modulesWait ? [submodules.hash] : [])],
      pending: what.join('; '),
    });
  }
  if (submodules !== null) {
    try {
      await d.git.initSubmodules(wt);
    } catch (err) {
      await d.git.remove(wt, true).catch(() => undefined);
      throw err;
    }
  }
  // Its approved rules join the agent's own (the config's apply to every agent anyway).
  if (script?.approvals) {
    const own = agent.approvals ?? { allow: [], deny: [] };
    agent.approvals = {
      allow: [...own.allow, ...script.approvals.allow],
      deny: [...own.deny, ...script.approvals.deny],
    };
  }
  agent.worktree = wt;
  agent.cwd = wt.path;
}

/** The environment an agent in a worktree gets: its port range and where it is. */
export function worktreeEnv(wt: AgentWorktree | null): AgentEnv {
  if (!wt) return {};
  return {
    WTP_PORT: String(wt.portStart),
    WTP_PORT_END: String(wt.portStart + wt.portCount - 1),
    WTP_WORKTREE: wt.path,
    ...(wt.branch === null ? {} : { WTP_BRANCH: wt.branch }),
  };
}

/** Git for the service: worktrees, review, and the environment setup scripts run with. */
export interface AgentGit {
  worktrees: GitWorktrees;
  review: GitReview;
  settings: WorktreeSettings;
  baseEnv: Record<string, string>;
}

export function describeLoss(loss: WorktreeLoss): string {
  const parts: string[] = [];
  if (loss.uncommitted.length > 0) parts.push(`${loss.uncommitted.length} uncommitted file(s)`);
  if (loss.unmergedCommits.length > 0) parts.push(`${loss.unmergedCommits.length} unmerged commit(s)`);
  return parts.join(' and ');
}

/** Refuses (WORKTREE_DIRTY, saying what) to remove an agent whose worktree holds work not merged. */
export async function refuseToLoseWork(agent: AgentRecord, git: GitWorktrees): Promise<void> {
  const wt = agent.worktree;
  if (!wt?.owned) return;
  const loss = await git.wouldLose(wt);
  if (loss.uncommitted.length === 0 && loss.unmergedCommits.length === 0) return;
  throw appError('WORKTREE_DIRTY', {
    agent: agent.name,
    path: wt.path,
    branch: wt.branch,
    ...loss,
    fileCount: loss.uncommitted.length || null,
    commitCount: loss.unmergedCommits.length || null,
  });
}

/** Rules for a message: `allow Bash(npm test*), deny Bash(rm *)`. */
function describeRules(a: Approvals): string {
  return [...a.allow.map((r) => `allow ${r}`), ...a.deny.map((r) => `deny ${r}`)].join(', ');
}
