import type { EventSource } from '../../protocol/events.js';
import type { ForkAgentRequest, ForkResult } from '../../protocol/fork.js';
import { appError } from '../../protocol/error-messages.js';
import type { AgentService } from '../agents/agent-service.js';
import type { ProfileCatalog, ProfileSpec } from '../agents/profiles.js';
import { AppError } from '../errors.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { GitWorktrees } from '../ports/git.js';

export interface ForkDeps {
  registry: AgentRegistry;
  service: Pick<AgentService, 'create'>;
  profileCatalog: ProfileCatalog;
  /** Null when the daemon runs without git: nothing can be forked then. */
  worktrees: GitWorktrees | null;
}

const MAX_NAME = 48;

/** `<name>-fork`, then `<name>-fork-2`, … : the first one free in the workspace (at most 48 characters). */
export function forkName(registry: AgentRegistry, src: AgentRecord): string {
  for (let i = 1; ; i++) {
    const suffix = i === 1 ? '-fork' : `-fork-${i}`;
    const name = `${src.name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    if (!registry.isNameTaken(src.workspaceId, name)) return name;
  }
}

/** The source's own arguments (what `wtp new` was given), without the profile's defaults. */
function userArgv(src: AgentRecord, spec: ProfileSpec): string[] {
  if (src.profile === 'cmd') return [src.command, ...src.args];
  const d = spec.defaultArgs;
  return d.every((a, i) => src.args[i] === a) ? src.args.slice(d.length) : [...src.args];
}

/** Whether the fork continues a copy of the conversation, and why (not). */
function conversation(src: AgentRecord, spec: ProfileSpec): ForkResult['conversation'] {
  // A sandboxed agent's sessions are in its own CLI state folder, which the fork does not share:
  // its CLI would not find the session to resume.
  if (spec.forkArgs && src.sessionId !== null && src.sandbox === undefined)
    return {
      forked: true,
      session: src.sessionId,
      note: `continues a copy of ${src.name}'s conversation (session ${src.sessionId}); ${src.name}'s own goes on unchanged`,
    };
  const why =
    spec.vendor === null
      ? `${src.profile} agents have no conversation to carry`
      : !spec.forkArgs
        ? `${src.profile} cannot fork a conversation`
        : src.sessionId === null
          ? `${src.name} has no recorded session yet`
          : `${src.name} is sandboxed, and its sessions are in its own CLI state folder`;
  return { forked: false, session: null, note: `starts a fresh conversation: ${why}` };
}

/**
 * `wtp fork <agent>`: a new agent of the same profile, arguments, environment and restart policy,
 * on a new worktree branched from the agent's branch (its current head), continuing a copy of its
 * conversation where the agent CLI can fork one (Claude Code: `--resume <id> --fork-session`).
 * What the agent has not committed stays behind unless `withUncommitted` copies it over; the
 * result lists it either way. Refused for an agent outside git (AGENT_HAS_NO_WORKTREE) and when
 * its branch is gone (GIT_REF_NOT_FOUND).
 */
export async function forkAgent(
  d: ForkDeps,
  ref: string,
  req: ForkAgentRequest,
  source: EventSource,
): Promise<ForkResult> {
  const src = d.registry.resolve(ref);
  const wt = src.worktree;
  if (wt === null || d.worktrees === null) {
    throw appError('AGENT_HAS_NO_WORKTREE', { agent: src.name, cwd: src.cwd });
  }
  const spec = d.profileCatalog.get(src.profile);
  const files = await d.worktrees.uncommitted(wt.path);
  const talk = conversation(src, spec);
  const carry = req.withUncommitted && files.length > 0;
  // With --no-worktree the agent works in the repository itself: its branch is the current one.
  const base = wt.branch ?? undefined;
  let agent;
  try {
    agent = await d.service.create(
      {
        profile: src.profile,
        name: req.name ?? forkName(d.registry, src),
        workspace: src.workspaceId,
        cwd: wt.repo,
        restart: src.restart,
        argv: userArgv(src, spec),
        env: { ...src.env },
        wait: req.wait,
        repo: wt.repo,
        ...(src.approvals ? { approvals: src.approvals } : {}),
        // A fork of a sandboxed agent is sandboxed too (its own policy, planned for its worktree).
        ...(src.sandbox ? { sandbox: true } : {}),
        ...(base === undefined ? {} : { base }),
        ...(req.prompt === undefined ? {} : { prompt: req.prompt }),
      },
      source,
      undefined,
      { session: talk.session, carryFrom: carry ? wt.path : null },
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'GIT_REF_NOT_FOUND' && base !== undefined) {
      throw appError('GIT_REF_NOT_FOUND', { ref: base, repo: wt.repo, agent: src.name });
    }
    throw err;
  }
  return {
    agent,
    source: { id: src.id, name: src.name, branch: wt.branch },
    conversation: talk,
    uncommitted: { files, carried: carry },
  };
}
