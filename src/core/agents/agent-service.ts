import { AGENT_STATES, type AgentState, type AgentView } from '../../protocol/agent.js';
import { appError } from '../../protocol/error-messages.js';
import type { EventSource } from '../../protocol/events.js';
import type { AgentTrust } from '../../protocol/profiles.js';
import { DEFAULT_WORKSPACE } from '../../protocol/workspace.js';
import { AgentTerminal } from './agent-terminal.js';
import { runWorktreeSetup } from '../git/worktree-setup.js';
import { buildAgent, CWD_REASONS, wantsSandbox, type FactoryDeps } from './agent-factory.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentUsageView } from '../../protocol/usage.js';
import { toAgentView, type AgentRecord } from '../model/agent-record.js';
import { hasProcess, isLive } from '../model/agent-state.js';
import type { DiffStat } from '../model/agent-record.js';
import type { HostDirectory } from '../hosts/host-directory.js';
import type { AgentLifecycle } from '../lifecycle/lifecycle.js';
import type { OutputHub } from '../hosts/output-hub.js';
import type { Placement } from '../ports/panes.js';
import type { Clock, Logger, OutputLogs, ProfileSetup } from '../ports/daemon.js';
import { deliverWhenIdle, deliverWhenQuiet } from './prompt-delivery.js';
import { earlyExitWatchLeft, settledAfterStart, upOrGone } from './start-wait.js';
import { adoptRepository } from '../workspaces/workspace-folder.js';
import {
  refuseToLoseWork,
  type AgentGit,
  type NewAgentRequest,
  provisionWorktree,
  type WorktreeDeps,
} from '../git/agent-worktree.js';
import type { StatsSampler } from '../reports/stats-sampler.js';
import type { PermissionTracker } from './permission-tracker.js';
import { utf8Encode } from '../model/text.js';

export interface ServiceSettings {
  stopGraceMs: number;
  hostConnectTimeoutMs: number;
  /** Delay between typed text and the Enter that submits it (TUIs drop an Enter in the same burst). */
  submitDelayMs: number;
  /** How long screen and snapshot requests to a host may take. */
  hostRequestTimeoutMs: number;
  /** Quiet time before a plain program's initial prompt is typed (agent CLIs: once at their prompt). */
  promptQuietMs: number;
  /** Where new worktrees go: a missing cwd under it was an agent's worktree (`wtp gc` removes them). */
  worktreesDir?: string | undefined;
  /** This machine's name in a fleet: every view says it; absent without a fleet. */
  machine?: string | null | undefined;
}

export interface ServiceDeps extends FactoryDeps {
  /** Agent CLI preparation (version, hooks, trust). */
  profiles: ProfileSetup;
  /** Forgets the state engine's memory of a removed agent. */
  forgetSignals: (agentId: string) => void;
  /** Input with its Enter went to the agent (the state engine: a turn ended before is over). */
  submitted: (agentId: string, at: number) => void;
  /** Each agent's permission mode: a new agent's start mode is set here. */
  permissions: PermissionTracker;
  /** Git worktrees for agents that have a repository; absent: agents run where they are told. */
  git?: AgentGit | undefined;
  /** Sampled disk use of an agent's worktree. */
  diskUsage: (agentId: string) => number | null;
  /** Escape sequences of its output its host's terminal emulator could not parse (since the host started). */
  parseErrors: (agentId: string) => number;
  /** Its tokens, cost and context fill, when usage was read. */
  usage: (agentId: string) => AgentUsageView | null;
  /** The last measured diff stat of an agent's worktree. */
  diffStat: (agentId: string) => DiffStat | null;
  /** When the agent's open pull request is polled next. */
  nextPrPoll: (agentId: string) => number | null;
  lifecycle: AgentLifecycle;
  hosts: HostDirectory;
  output: OutputHub;
  stats: StatsSampler;
  logs: OutputLogs;
  clock: Clock;
  log: Logger;
  service: ServiceSettings;
}

/** What a fork takes from its source agent (`wtp fork`, core/use-cases/fork-agent.ts). */
export interface ForkOrigin {
  /** The source's session, started with the profile's fork arguments; null: a fresh conversation. */
  session: string | null;
  /** The source's checkout, whose uncommitted changes are copied into the new worktree; null: none. */
  carryFrom: string | null;
}

/** Slack on top of the policy delays before a waiting API call answers anyway. */
const WAIT_SLACK_MS = 5_000;

/**
 * What the API and other interfaces can do with agents: their lifecycle (create, stop, restart,
 * remove, wait) here, their terminal (input, screen, logs, follow, attach) in `AgentTerminal`.
 */
export class AgentService extends AgentTerminal {
  /** Prompts given to agents that are not typed yet, by agent id (`promptPending`). */
  private readonly pendingPrompts = new Map<string, number>();

  constructor(private readonly d: ServiceDeps) {
    super(d);
  }

  list(filter: { workspace?: string | undefined; state?: AgentState | undefined } = {}): AgentView[] {
    const ws =
      filter.workspace === undefined ? undefined : this.d.registry.resolveWorkspace(filter.workspace);
    return this.d.registry
      .all()
      .filter(
        (a) => (ws ? a.workspaceId === ws.id : true) && (filter.state ? a.state === filter.state : true),
      )
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name))
      .map((a) => this.view(a));
  }

  get(ref: string): AgentView {
    return this.view(this.d.registry.resolve(ref));
  }

  /** What was done about the trust of the agent's folder when it was made (`wtp why`), or null. */
  trustOf(agentId: string): AgentTrust | null {
    return this.d.profiles.trust(agentId);
  }

  resolve(ref: string): AgentRecord {
    return this.d.registry.resolve(ref);
  }

  view(agent: AgentRecord): AgentView {
    return toAgentView(agent, {
      now: this.d.clock.now(),
      workspaceName: this.d.registry.workspaceName(agent.workspaceId),
      hostConnected: this.d.hosts.has(agent.id),
      stats: this.d.stats.get(agent.id),
      worktreeBytes: this.d.diskUsage(agent.id),
      parseErrors: this.d.parseErrors(agent.id),
      usage: this.d.usage(agent.id),
      diffStat: this.d.diffStat(agent.id),
      nextPollAt: this.d.nextPrPoll(agent.id),
      machine: this.d.service.machine ?? null,
    });
  }

  /**
   * Creates an agent and starts its host in a new tab of its workspace, or where `placement` says;
   * a fork (`fork`) starts from its source's conversation and uncommitted changes.
   */
  async create(
    req: NewAgentRequest,
    source: EventSource,
    placement?: Placement,
    fork?: ForkOrigin,
  ): Promise<AgentView> {
    this.d.registry.assertWritable('create an agent');
    const agent = buildAgent(req, this.d);
    agent.forkSession = fork?.session ?? null;
    const sandboxed = this.d.sandbox !== undefined && wantsSandbox(req, agent.profile, this.d.settings);
    const git = this.d.git;
    if (git) await provisionWorktree(agent, req, this.gitDeps(git));
    try {
      if (git && agent.worktree && fork?.carryFrom)
        await git.worktrees.carryUncommitted(fork.carryFrom, agent.worktree);
      const prepared = await this.d.profiles.prepare(agent, { sandboxed });
      agent.version = prepared.version;
      agent.profileArgs = prepared.profileArgs;
      if (prepared.profileEnv) agent.profileEnv = prepared.profileEnv;
      const startMode = prepared.startMode ?? null;
      this.d.permissions.created(agent, startMode);
      if (sandboxed && this.d.sandbox) agent.sandbox = this.d.sandbox.plan(agent);
      // The workspace may have been removed while this awaited; checked in the tick that adds the agent.
      if (!this.d.registry.findWorkspace(agent.workspaceId)) {
        throw appError('WORKSPACE_NOT_FOUND', { agent: agent.name, ref: agent.workspaceId });
      }
    } catch (err) {
      // Nothing half-made stays behind: the worktree made for this agent goes with the failure,
      // and so do the trust entries and files its profile setup wrote.
      if (git && agent.worktree) await git.worktrees.remove(agent.worktree, true).catch(() => undefined);
      await this.d.profiles.releaseTrust(agent.id).catch(() => undefined);
      this.d.profiles.cleanup(agent.id);
      throw err;
    }
    await this.d.registry.add(agent, [
      agentEvent(agent, source, 'agent.created', { agent: this.view(agent) }),
      agentEvent(agent, source, 'agent.stateChanged', {
        from: null,
        to: 'starting',
        detail: agent.stateDetail,
        pid: null,
        since: new Date(agent.stateSince).toISOString(),
      }),
    ]);
    await adoptRepository(this.d.registry, agent, source);
    if (git && agent.worktree) {
      const failed = await runWorktreeSetup(
        agent,
        { ...this.gitDeps(git), baseEnv: git.baseEnv, write: (text) => this.appendOutput(agent, text) },
        source,
      );
      if (failed !== null) {
        await this.d.lifecycle.applyActivity(
          agent,
          'crashed',
          { reason: 'setup_failed', message: failed },
          source,
        );
        return this.view(agent);
      }
    }
    await this.d.lifecycle.launch(agent, placement);
    if (req.prompt !== undefined) this.deliver(agent, req.prompt, source);
    if (req.wait) {
      await this.waitFor(agent.id, settledAfterStart, this.d.service.hostConnectTimeoutMs + WAIT_SLACK_MS);
      // A CLI that exits at once is told to whoever started it, not only to its log.
      const left = earlyExitWatchLeft(agent, this.d.clock.now());
      if (left > 0) await this.waitFor(agent.id, upOrGone, left);
    }
    return this.view(agent);
  }

  async stop(ref: string, opts: { graceMs?: number | undefined; wait: boolean }, source: EventSource) {
    const agent = this.d.registry.resolve(ref);
    await this.d.lifecycle.stop(agent, opts.graceMs, source);
    if (opts.wait) {
      const grace = opts.graceMs ?? this.d.service.stopGraceMs;
      await this.waitFor(agent.id, (a) => !isLive(a.state), grace + WAIT_SLACK_MS);
    }
    return this.view(agent);
  }

  async restart(ref: string, source: EventSource): Promise<AgentView> {
    const agent = this.d.registry.resolve(ref);
    this.refuseWithoutCwd(agent);
    // A running agent first has to leave `running` (the stop), then settle again (the start).
    let leftRunning = !hasProcess(agent.state);
    await this.d.lifecycle.restart(agent, source);
    const limit = this.d.service.stopGraceMs + this.d.service.hostConnectTimeoutMs + WAIT_SLACK_MS;
    await this.waitFor(
      agent.id,
      (a) => {
        if (!hasProcess(a.state)) leftRunning = true;
        return leftRunning && settledAfterStart(a);
      },
      limit,
    );
    return this.view(agent);
  }

  async remove(ref: string, force: boolean, source: EventSource): Promise<string> {
    const agent = this.d.registry.resolve(ref);
    const wt = agent.worktree;
    const git = this.d.git;
    if (git && !force) await refuseToLoseWork(agent, git.worktrees);
    if (isLive(agent.state)) {
      if (!force) {
        throw appError('AGENT_RUNNING', { agent: agent.name, state: agent.state });
      }
      await this.stop(agent.id, { wait: true }, source);
    }
    this.d.lifecycle.forget(agent.id);
    await this.d.lifecycle.closePane(agent).catch(() => undefined); // a pane kept open after the exit
    if (wt?.owned && git) await git.worktrees.remove(wt, force);
    this.d.output.forget(agent.id);
    await this.d.registry.remove(agent.id, [
      agentEvent(agent, source, 'agent.removed', { name: agent.name }),
    ]);
    // The trust entries its setup added to the user's files go with it (only those),
    // before its folder (where they are recorded) goes.
    await this.d.profiles
      ?.releaseTrust?.(agent.id)
      .catch((err: unknown) =>
        this.d.log.warn({ err, agentId: agent.id }, 'could not take back its trust entries'),
      );
    this.d.logs.remove(agent.id);
    this.d.profiles.cleanup(agent.id);
    this.d.forgetSignals(agent.id);
    return agent.id;
  }

  /**
   * A restart runs the agent in its folder again: when that folder is gone (a worktree removed by
   * `wtp gc` or by hand, a folder deleted), it is refused before anything is stopped or started.
   * A worktree is not made again: gc removes its branch too, once merged, so a new one would start
   * the agent on other code than it had; the error says how to start afresh.
   */
  private refuseWithoutCwd(agent: AgentRecord): void {
    const state = this.d.preflight.checkDirectory(agent.cwd);
    if (state === 'ok') return;
    const dir = this.d.service.worktreesDir?.replace(/\/+$/, '');
    const wt = agent.worktree;
    const ws = this.d.registry.resolveWorkspace(agent.workspaceId);
    const workspace = ws.name === DEFAULT_WORKSPACE ? '' : ` --workspace ${ws.name}`;
    if (state === 'missing' && (wt !== null || (dir !== undefined && agent.cwd.startsWith(`${dir}/`)))) {
      // A worktree is only ever made with --repo, whatever the workspace's folder.
      const repo = wt?.repo ?? ws.repoPath ?? '<repository>';
      throw appError('WORKTREE_MISSING', {
        agent: agent.name,
        path: agent.cwd,
        branch: wt?.branch ?? null,
        repo: wt?.repo ?? ws.repoPath,
        start: `wtp new ${agent.profile} --name ${agent.name}${workspace} --repo ${repo} …`,
      });
    }
    throw appError('CWD_INVALID', {
      agent: agent.name,
      path: agent.cwd,
      reason: state,
      why: CWD_REASONS[state],
      start: `wtp new ${agent.profile} --name ${agent.name}${workspace} --cwd <dir> …`,
    });
  }

  /** Types `prompt` when the agent is ready for it (at its prompt, or output quiet for plain programs). */
  deliverPrompt(agentId: string, prompt: string, source: EventSource): void {
    const agent = this.d.registry.get(agentId);
    if (agent) this.deliver(agent, prompt, source);
  }

  /** Whether a prompt given to the agent (at creation, by a task) waits to be typed into it. */
  promptPending(agentId: string): boolean {
    return (this.pendingPrompts.get(agentId) ?? 0) > 0;
  }

  /** Agent CLIs get the prompt once at their prompt (idle); plain programs once their output is quiet. */
  private deliver(agent: AgentRecord, prompt: string, source: EventSource): void {
    const { registry, output, clock, log } = this.d;
    const id = agent.id;
    this.pendingPrompts.set(id, (this.pendingPrompts.get(id) ?? 0) + 1);
    const settled = (): void => {
      const left = (this.pendingPrompts.get(id) ?? 1) - 1;
      if (left > 0) this.pendingPrompts.set(id, left);
      else this.pendingPrompts.delete(id);
    };
    if (this.d.profileCatalog.isAgentAware(agent.profile))
      deliverWhenIdle({ service: this, registry, clock, log, settled }, id, prompt, source);
    else
      deliverWhenQuiet(
        { service: this, output, clock, log, promptQuietMs: this.d.service.promptQuietMs, settled },
        id,
        prompt,
        source,
      );
  }

  private gitDeps(git: AgentGit): WorktreeDeps {
    return { git: git.worktrees, registry: this.d.registry, clock: this.d.clock, settings: git.settings };
  }

  /** Output written on the agent's behalf while no host runs (setup), in its log and to followers. */
  private appendOutput(agent: AgentRecord, text: string): void {
    const data = utf8Encode(text);
    const seq = this.d.logs.append(agent.id, data);
    this.d.output.push(agent, seq, data);
  }

  /** Records the agent CLI's session id (to resume it after a restart). */
  async noteSession(agent: AgentRecord, sessionId: string): Promise<void> {
    if (agent.sessionId === sessionId) return;
    agent.sessionId = sessionId;
    await this.d.registry.saveQuietly([agent]);
  }

  /** Resolves when `predicate` holds for the agent, or after `timeoutMs` (never rejects). */
  waitFor(agentId: string, predicate: (a: AgentRecord) => boolean, timeoutMs: number): Promise<void> {
    const check = (): boolean => {
      const a = this.d.registry.get(agentId);
      return !a || predicate(a);
    };
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        off();
        this.d.clock.clearTimer(timer);
        resolve();
      };
      const off = this.d.registry.onChange((id) => {
        if (id === agentId && check()) done();
      });
      const timer = this.d.clock.setTimer(timeoutMs, done);
    });
  }

  counts(): { total: number; byState: Record<AgentState, number>; hostsConnected: number } {
    const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
    const all = this.d.registry.all();
    for (const a of all) byState[a.state] += 1;
    return { total: all.length, byState, hostsConnected: this.d.hosts.size };
  }
}
