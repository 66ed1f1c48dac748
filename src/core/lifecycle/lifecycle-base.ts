import type { AgentState, StateDetail } from '../../protocol/agent.js';
import type { EventSource, NewEvent } from '../../protocol/events.js';
import type { AgentRecord } from '../model/agent-record.js';
import { isLive } from '../model/agent-state.js';
import { AgentTimers } from './agent-timers.js';
import type { HostLink } from '../ports/daemon.js';
import { transitionAgent } from '../model/transition.js';
import type { Intent } from './exit-outcome.js';
import type { RestartHistory } from './restart-policy.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import type { Placement } from '../ports/panes.js';
import { spawnMessage } from './spawn-message.js';
import { StartTurns, upOrGoneState } from './start-turns.js';

/**
 * What every part of the agent lifecycle shares: the per-agent bookkeeping (intents, restart
 * histories, timers, hosts retiring), signals to an agent's process group, the spawn, and state
 * transitions that reach the agent's host. Split by concern: `ProcessExits`, `HostBinding` and
 * `AgentLifecycle` build on it.
 */
export abstract class LifecycleBase {
  protected readonly histories = new Map<string, RestartHistory>();
  protected readonly timers: AgentTimers;
  protected readonly intents = new Map<string, Intent>();
  protected readonly spawnSent = new Set<string>();
  /** Agents whose current host link has been told to shut down: it must never get a spawn. */
  protected readonly retiring = new Set<string>();
  /** Links that closed and whose `agent.hostDisconnected` waits for the host-lost check. */
  protected readonly unreportedDisconnects = new Map<string, HostLink>();
  protected stopping = false;
  protected readonly processStartListeners: ((agentId: string) => void)[] = [];
  /** Spawns of CLIs that start one at a time per data folder (a profile's `startsAlone`). */
  protected readonly startTurns: StartTurns;

  constructor(protected readonly d: LifecycleDeps) {
    this.timers = new AgentTimers(d.clock);
    this.startTurns = new StartTurns(d.clock, (id) => {
      const agent = d.registry.get(id);
      if (agent) this.maybeSpawn(agent);
    });
    d.registry.onChange((id) => {
      const agent = d.registry.get(id);
      if (!agent || upOrGoneState(agent.state)) this.startTurns.release(id);
    });
  }

  /** Starts (or re-uses) the agent's host; the agent must be `starting`. */
  abstract launch(agent: AgentRecord, placement?: Placement): Promise<void>;

  /** Sends SIGTERM to the agent's process group, SIGKILL after `graceMs` (the host escalates). */
  signal(agent: AgentRecord, graceMs: number): void {
    const link = this.d.hosts.get(agent.id);
    if (link) {
      link.send({ type: 'signal', signal: 'SIGTERM', graceMs });
      return;
    }
    // Host momentarily away (e.g. reconnecting): signal the process group ourselves.
    const pid = agent.pid;
    if (pid === null) return;
    this.d.inspector.signalGroup(pid, 'SIGTERM');
    this.timers.set('kill', agent.id, graceMs, () => this.d.inspector.signalGroup(pid, 'SIGKILL'));
  }

  protected maybeSpawn(agent: AgentRecord): void {
    const link = this.d.hosts.get(agent.id);
    if (!link || agent.state !== 'starting' || this.retiring.has(agent.id)) return;
    if (this.timers.has('restart', agent.id) || this.spawnSent.has(agent.id)) return;
    const message = spawnMessage(
      this.d.profileCatalog,
      agent,
      { ...this.d.settings.agentBaseEnv, ...this.d.settings.agentProfileEnv?.[agent.profile] },
      this.d.settings.statusProtocol,
      this.d.registry.workspaceName(agent.workspaceId),
      this.d.settings.agentNice,
      this.d.settings.sandboxDaemon,
    );
    if (message.type === 'spawn' && !this.takeStartTurn(agent, message.env)) return;
    this.spawnSent.add(agent.id);
    link.send(message);
  }

  /**
   * Whether the agent may spawn now: a CLI that starts alone waits until the last start on its
   * data folder (where its HOME or XDG_DATA_HOME puts it) is up, gone or old.
   */
  private takeStartTurn(agent: AgentRecord, env: Record<string, string>): boolean {
    if (this.d.profileCatalog.get(agent.profile).startsAlone !== true) return true;
    const folder = `${agent.profile}\0${env.XDG_DATA_HOME || env.HOME || ''}`;
    if (this.startTurns.take(folder, agent.id)) return true;
    const after = this.startTurns.waitsFor(agent.id);
    const message = `waits for ${this.d.registry.get(after ?? '')?.name ?? 'another agent'} to start: this CLI starts one at a time per data folder`;
    this.d.log.info({ agentId: agent.id, after }, message);
    // `wtp why` says it too, until the spawn's own detail replaces it.
    agent.stateDetail = { ...agent.stateDetail, message };
    this.d.registry.save(agent).catch((err: unknown) => this.d.log.warn({ err }, 'could not save the wait'));
    return false;
  }

  protected scheduleRestart(agent: AgentRecord, delayMs: number): void {
    this.timers.set('restart', agent.id, delayMs, () => {
      const current = this.d.registry.get(agent.id);
      if (!current || current.state !== 'starting' || this.stopping) return;
      void this.launch(current);
    });
  }

  protected armConnectTimer(agent: AgentRecord): void {
    this.timers.set('connect', agent.id, this.d.settings.hostConnectTimeoutMs, () => {
      const current = this.d.registry.get(agent.id);
      if (!current || this.d.hosts.has(agent.id) || !isLive(current.state)) return;
      // A host group holds other agents: only this one's place in it is closed.
      if (current.hostPid !== null && !this.d.launcher.sharesHost(current))
        this.d.inspector.signalGroup(current.hostPid, 'SIGKILL');
      else void this.d.launcher.closePane(current).catch(() => undefined);
      const seconds = Math.round(this.d.settings.hostConnectTimeoutMs / 1000);
      void this.transition(
        current,
        'crashed',
        { reason: 'host_timeout', message: `the host did not connect within ${seconds} s` },
        'daemon',
      );
    });
  }

  /** Whether `pid` runs, and is the agent's host by identity when the agent knows it. */
  protected pidAlive(pid: number, agent: AgentRecord): boolean {
    const identity = this.d.inspector.identity(pid);
    if (identity === null) return false;
    return agent.hostPid !== pid || agent.hostIdentity === null || agent.hostIdentity === identity;
  }

  protected hostAlive(agent: AgentRecord): boolean {
    return agent.hostPid !== null && this.pidAlive(agent.hostPid, agent);
  }

  /** Whether the agent's host runs and still holds it (a host group outlives the agents that left it). */
  protected async hostHolds(agent: AgentRecord): Promise<boolean> {
    if (!this.hostAlive(agent)) return false;
    return !this.d.launcher.sharesHost(agent) || (await this.d.launcher.paneExists(agent)) !== false;
  }

  protected shutdownHost(agentId: string): void {
    const link = this.d.hosts.get(agentId);
    if (!link) return;
    link.send({ type: 'shutdown' });
    this.retiring.add(agentId);
  }

  protected async transition(
    agent: AgentRecord,
    to: AgentState,
    detail: StateDetail,
    source: EventSource,
    extra: NewEvent[] = [],
  ): Promise<void> {
    await transitionAgent(this.d, agent, to, detail, source, extra);
    this.pushState(agent);
  }

  /** Tells the agent's host its state, for the pane's user vars (WezTerm tab bar). */
  protected pushState(agent: AgentRecord): void {
    this.d.hosts.get(agent.id)?.send({
      type: 'state',
      state: agent.state,
      agent: agent.name,
      workspace: this.d.registry.workspaceName(agent.workspaceId),
    });
  }
}
