import type { AgentState, StateDetail } from '../../protocol/agent.js';
import type { EventSource, NewEvent } from '../../protocol/events.js';
import type { ExitReport, HostHello } from '../../protocol/host.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import { hasProcess, isLive } from '../model/agent-state.js';
import { AgentTimers } from './agent-timers.js';
import type { HostLink } from '../ports/daemon.js';
import { transitionAgent } from '../model/transition.js';
import { exitOutcome, messageOf, unknownExit, type Intent } from './exit-outcome.js';
import { emptyHistory, type RestartHistory } from './restart-policy.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import type { Placement } from '../ports/panes.js';
import { spawnMessage } from './spawn-message.js';

/**
 * Owns every agent's lifecycle: launching hosts, spawning, exits, restarts with backoff,
 * crash-loop stops, user stop/restart, and hosts that vanish. All policy lives here;
 * hosts only carry out `spawn`, `signal` and `shutdown`.
 */
export class AgentLifecycle {
  private readonly histories = new Map<string, RestartHistory>();
  private readonly timers: AgentTimers;
  private readonly intents = new Map<string, Intent>();
  private readonly spawnSent = new Set<string>();
  /** Agents whose current host link has been told to shut down: it must never get a spawn. */
  private readonly retiring = new Set<string>();
  /** Links that closed and whose `agent.hostDisconnected` waits for the host-lost check. */
  private readonly unreportedDisconnects = new Map<string, HostLink>();
  private stopping = false;

  constructor(private readonly d: LifecycleDeps) {
    this.timers = new AgentTimers(d.clock);
  }

  /**
   * After a daemon start: hosts that survived will reconnect; a host still starting in a
   * pane that exists will connect; panes closed meanwhile and vanished hosts are handled
   * as such; agents never launched are launched.
   */
  async resume(): Promise<void> {
    for (const agent of this.d.registry.all()) {
      if (!isLive(agent.state)) continue;
      if (agent.hostPid !== null && this.hostAlive(agent)) continue; // it will reconnect
      if (agent.hostPid === null && agent.paneId !== null && (await this.d.launcher.paneExists(agent))) {
        this.armConnectTimer(agent);
        continue;
      }
      if (agent.hostPid === null && agent.paneId === null && agent.state === 'starting') {
        await this.launch(agent);
        continue;
      }
      await this.onHostGone(agent);
    }
  }

  /** Starts (or re-uses) the agent's host; the agent must be `starting`. */
  async launch(agent: AgentRecord, placement: Placement = { kind: 'tab' }): Promise<void> {
    if (this.d.hosts.has(agent.id) && !this.retiring.has(agent.id)) {
      this.maybeSpawn(agent);
      return;
    }
    // No host, or one that is on its way out: start a fresh one (it replaces the old link).
    this.armConnectTimer(agent);
    try {
      const workspace = this.d.registry.resolveWorkspace(agent.workspaceId);
      const { hostPid, paneId } = await this.d.launcher.launch(agent, { workspace, placement });
      agent.paneId = paneId;
      // The host may already have said hello (and set its pid) before the launch returned.
      if (hostPid !== null && agent.hostPid !== hostPid) {
        agent.hostPid = hostPid;
        agent.hostIdentity = this.d.inspector.identity(hostPid);
      }
      await this.d.registry.save(agent);
    } catch (err) {
      this.timers.clear('connect', agent.id);
      await this.transition(agent, 'crashed', { reason: 'spawn_failed', message: messageOf(err) }, 'daemon');
    }
  }

  // ---- host-driven ------------------------------------------------------------------

  async hostConnected(link: HostLink, hello: HostHello): Promise<boolean> {
    const agent = this.d.registry.get(hello.agentId);
    // During a daemon shutdown the host is turned away, not stopped: it reconnects to the next daemon.
    if (this.stopping) return false;
    if (!agent) return this.d.strangers.arrived(link, hello);
    const closed = this.unreportedDisconnects.get(agent.id);
    if (closed)
      this.reportDisconnect(
        agent,
        closed,
        closed.hostPid === hello.hostPid || this.pidAlive(closed.hostPid, agent),
      );
    this.d.hosts.bind(agent.id, link);
    this.retiring.delete(agent.id);
    this.timers.clear('connect', agent.id);
    this.spawnSent.delete(agent.id);
    agent.hostPid = hello.hostPid;
    agent.hostIdentity = this.d.inspector.identity(hello.hostPid);
    if (hello.pane) agent.paneId = hello.pane;
    const resumeFrom = Math.min(Math.max(agent.outputSeq, hello.bufferedFrom), hello.outputSeq);
    agent.outputSeq = resumeFrom;
    this.d.output.reset(agent.id, resumeFrom);
    link.send({
      type: 'welcome',
      resumeFrom,
      daemonVersion: this.d.settings.daemonVersion,
      features: ['outputLog'],
    });
    const reattached = hello.child !== null || hello.pendingExit !== null;
    await this.d.registry.save(agent, [
      agentEvent(agent, 'host', 'agent.hostConnected', { hostPid: hello.hostPid, reattached }),
    ]);
    this.pushState(agent);

    if (hello.pendingExit) await this.childExited(agent.id, hello.pendingExit);
    if (hello.child) {
      await this.adoptChild(agent, hello.child.pid, hello.child.startedAt);
    } else if (!hello.pendingExit) {
      if (hasProcess(agent.state)) {
        await this.childExited(agent.id, { pid: agent.pid ?? 0, exit: unknownExit, at: this.d.clock.now() });
      } else if (agent.state === 'starting') {
        this.maybeSpawn(agent);
      } else {
        this.shutdownHost(agent.id);
      }
    }
    return true;
  }

  async childSpawned(agentId: string, pid: number, startedAt: number): Promise<void> {
    const agent = this.d.registry.get(agentId);
    if (!agent) return;
    this.spawnSent.delete(agentId);
    await this.adoptChild(agent, pid, startedAt);
  }

  async spawnFailed(agentId: string, message: string): Promise<void> {
    const agent = this.d.registry.get(agentId);
    if (!agent) return;
    this.spawnSent.delete(agentId);
    this.intents.delete(agentId);
    await this.transition(agent, 'crashed', { reason: 'spawn_failed', message }, 'host');
    this.shutdownHost(agentId);
  }

  async childExited(agentId: string, report: ExitReport, hostLost = false): Promise<void> {
    const agent = this.d.registry.get(agentId);
    if (!agent) {
      this.d.strangers.childExited(agentId);
      return;
    }
    this.spawnSent.delete(agentId);
    this.timers.clear('kill', agentId);
    const ranMs = agent.startedAt !== null ? Math.max(0, report.at - agent.startedAt) : 0;
    const pid = agent.pid ?? (report.pid || null);
    agent.pid = null;
    agent.lastExit = report.exit;
    const exitEvent = agentEvent(agent, hostLost ? 'daemon' : 'host', 'agent.exited', {
      pid,
      exit: report.exit,
      ranMs,
    });
    const intent = this.intents.get(agentId);
    this.intents.delete(agentId);
    const o = exitOutcome({
      live: isLive(agent.state),
      intent,
      stopping: this.stopping,
      hostLost,
      policy: agent.restart,
      exit: report.exit,
      ranMs,
      history: this.histories.get(agentId) ?? emptyHistory(),
      now: this.d.clock.now(),
      settings: this.d.settings.restart,
    });
    if (o.kind === 'record') {
      await this.d.registry.save(agent, [exitEvent]);
      this.shutdownHost(agentId);
      return;
    }
    if (o.history) this.histories.set(agentId, o.history);
    else this.histories.delete(agentId);
    if (o.restarts === 'increment') agent.restarts += 1;
    if (o.restarts === 'reset') agent.restarts = 0;
    const loop = o.crashLoop ? [agentEvent(agent, 'policy', 'agent.crashLoopDetected', o.crashLoop)] : [];
    // A host whose pane is gone leaves after this exit: a restart needs a new host in a new pane.
    if (intent?.kind === 'pane-lost') this.retiring.add(agentId);
    await this.transition(agent, o.to, o.detail, o.source, [exitEvent, ...loop]);
    if (o.then === 'shutdown-host') this.shutdownHost(agentId);
    else if (o.then === 'launch') await this.launch(agent);
    else if (o.then === 'schedule-restart') this.scheduleRestart(agent, o.restartInMs ?? 0);
  }

  /** The host says its pane was closed by hand: the exit that follows is a stop, not a crash. */
  paneClosed(agentId: string): void {
    const agent = this.d.registry.get(agentId);
    if (agent && isLive(agent.state))
      this.intents.set(agentId, { kind: 'stop', source: 'user', reason: 'pane_closed' });
  }

  /**
   * The host's pane went with its whole multiplexer (the tmux server was killed or crashed): the
   * exit that follows is not the user's doing, so the restart policy decides, with a new pane.
   */
  muxGone(agentId: string): void {
    const agent = this.d.registry.get(agentId);
    if (agent && isLive(agent.state)) this.intents.set(agentId, { kind: 'pane-lost', source: 'host' });
  }

  hostDisconnected(agentId: string, link: HostLink): void {
    if (!this.d.hosts.unbind(agentId, link)) {
      this.d.strangers.left(agentId, link);
      return;
    }
    this.spawnSent.delete(agentId);
    this.retiring.delete(agentId);
    const agent = this.d.registry.get(agentId);
    // During a daemon shutdown every link closes on purpose; the hosts keep running.
    if (!agent || this.stopping) return;
    // The event waits for the check (or a reconnect): a SIGKILLed host closes its socket before
    // the kernel has finished ending it, so right now it could still look alive.
    this.unreportedDisconnects.set(agentId, link);
    this.d.clock.setTimer(this.d.settings.hostLostCheckMs, () => {
      const current = this.d.registry.get(agentId);
      if (current) this.reportDisconnect(current, link, this.pidAlive(link.hostPid, current));
      if (!current || this.d.hosts.has(agentId)) return;
      if (current.hostPid !== null && this.hostAlive(current)) return; // reconnecting
      void this.onHostGone(current);
    });
  }

  // ---- user-driven ------------------------------------------------------------------

  async stop(agent: AgentRecord, graceMs: number | undefined, source: EventSource): Promise<void> {
    if (!isLive(agent.state)) return;
    const grace = graceMs ?? this.d.settings.stopGraceMs;
    if (agent.state === 'starting') {
      if (this.spawnSent.has(agent.id)) {
        this.intents.set(agent.id, { kind: 'stop', source }); // killed as soon as it reports spawned
        return;
      }
      this.timers.clear('restart', agent.id);
      this.timers.clear('connect', agent.id);
      await this.transition(agent, 'exited', { reason: 'stopped' }, source);
      this.shutdownHost(agent.id);
      return;
    }
    this.intents.set(agent.id, { kind: 'stop', source });
    this.signal(agent, grace);
  }

  async restart(agent: AgentRecord, source: EventSource): Promise<void> {
    this.histories.delete(agent.id);
    if (hasProcess(agent.state)) {
      this.intents.set(agent.id, { kind: 'restart', source });
      this.signal(agent, this.d.settings.stopGraceMs);
      return;
    }
    if (agent.state === 'starting') {
      if (this.timers.has('restart', agent.id)) {
        this.timers.clear('restart', agent.id);
        await this.launch(agent);
      }
      return;
    }
    agent.restarts = 0;
    await this.transition(agent, 'starting', { reason: 'restarted_by_user' }, source);
    await this.launch(agent);
  }

  /**
   * A state decided outside the lifecycle: an activity state from the state engine (the process
   * runs), or `crashed` for an agent that never launched (its worktree setup failed).
   */
  async applyActivity(agent: AgentRecord, to: AgentState, detail: StateDetail, source: EventSource) {
    const activity = hasProcess(agent.state) && hasProcess(to);
    const unlaunched = agent.state === 'starting' && to === 'crashed' && agent.hostPid === null;
    if (activity || unlaunched) await this.transition(agent, to, detail, source);
  }

  /** Closes the agent's pane, if it has one that still exists. */
  closePane(agent: AgentRecord): Promise<void> {
    return this.d.launcher.closePane(agent);
  }

  /** Forgets an agent that has been removed (its host is told to exit). */
  forget(agentId: string): void {
    this.timers.clearAll(['restart', 'connect', 'kill'], agentId);
    this.intents.delete(agentId);
    this.spawnSent.delete(agentId);
    this.histories.delete(agentId);
    this.shutdownHost(agentId);
    this.retiring.delete(agentId);
  }

  /** Daemon shutdown: no more restarts or launches; exits become final. */
  beginShutdown(): void {
    this.stopping = true;
    this.timers.clearAll(['restart', 'connect']);
  }

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

  // ---- internals --------------------------------------------------------------------

  private async adoptChild(agent: AgentRecord, pid: number, startedAt: number): Promise<void> {
    agent.pid = pid;
    agent.startedAt = startedAt;
    const intent = this.intents.get(agent.id);
    if (!isLive(agent.state) || intent?.kind === 'stop') {
      // Stopped while it was starting or while the daemon was away: finish the stop.
      this.intents.set(agent.id, {
        kind: 'stop',
        source: intent?.kind === 'stop' ? intent.source : 'daemon',
      });
      await this.d.registry.save(agent);
      this.signal(agent, this.d.settings.stopGraceMs);
      return;
    }
    if (agent.state === 'starting') {
      this.d.onProcessStart?.(agent.id);
      await this.transition(agent, 'running', { reason: 'spawned', source: 'lifecycle' }, 'host');
    } else {
      await this.d.registry.save(agent);
    }
  }

  private maybeSpawn(agent: AgentRecord): void {
    const link = this.d.hosts.get(agent.id);
    if (!link || agent.state !== 'starting' || this.retiring.has(agent.id)) return;
    if (this.timers.has('restart', agent.id) || this.spawnSent.has(agent.id)) return;
    this.spawnSent.add(agent.id);
    link.send(
      spawnMessage(
        this.d.profileCatalog,
        agent,
        this.d.settings.agentBaseEnv,
        this.d.settings.statusProtocol,
        this.d.registry.workspaceName(agent.workspaceId),
      ),
    );
  }

  private scheduleRestart(agent: AgentRecord, delayMs: number): void {
    this.timers.set('restart', agent.id, delayMs, () => {
      const current = this.d.registry.get(agent.id);
      if (!current || current.state !== 'starting' || this.stopping) return;
      void this.launch(current);
    });
  }

  private armConnectTimer(agent: AgentRecord): void {
    this.timers.set('connect', agent.id, this.d.settings.hostConnectTimeoutMs, () => {
      const current = this.d.registry.get(agent.id);
      if (!current || this.d.hosts.has(agent.id) || !isLive(current.state)) return;
      if (current.hostPid !== null) this.d.inspector.signalGroup(current.hostPid, 'SIGKILL');
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

  private async onHostGone(agent: AgentRecord): Promise<void> {
    agent.hostPid = null;
    agent.hostIdentity = null;
    // Not live, or a new host is on its way (a restart waits, or a launch awaits its hello, whose
    // own timeout covers it): the old host's end decides nothing more.
    if (
      !isLive(agent.state) ||
      this.timers.has('restart', agent.id) ||
      this.timers.has('connect', agent.id)
    ) {
      await this.d.registry.save(agent);
      return;
    }
    const paneGone = (await this.d.launcher.paneExists(agent)) === false;
    // A pane closed by hand takes its host with it: that is a stop, not a crash.
    if (agent.backend !== 'headless' && paneGone) {
      this.intents.set(agent.id, { kind: 'stop', source: 'user', reason: 'pane_closed' });
    }
    // Forget a pane that is gone (headless: the host process was the pane), or a daemon that
    // restarts before the agent's restart would take that pane for lost once more.
    if (paneGone) agent.paneId = null;
    await this.childExited(
      agent.id,
      { pid: agent.pid ?? 0, exit: unknownExit, at: this.d.clock.now() },
      true,
    );
  }

  /** Records the disconnect of `link` once, with what became of its host. */
  private reportDisconnect(agent: AgentRecord, link: HostLink, hostAlive: boolean): void {
    if (this.unreportedDisconnects.get(agent.id) !== link) return;
    this.unreportedDisconnects.delete(agent.id);
    void this.d.registry.record([
      agentEvent(agent, 'host', 'agent.hostDisconnected', { hostPid: link.hostPid, hostAlive }),
    ]);
  }

  /** Whether `pid` runs, and is the agent's host by identity when the agent knows it. */
  private pidAlive(pid: number, agent: AgentRecord): boolean {
    const identity = this.d.inspector.identity(pid);
    if (identity === null) return false;
    return agent.hostPid !== pid || agent.hostIdentity === null || agent.hostIdentity === identity;
  }

  private hostAlive(agent: AgentRecord): boolean {
    if (agent.hostPid === null) return false;
    const identity = this.d.inspector.identity(agent.hostPid);
    if (identity === null) return false;
    return agent.hostIdentity === null || agent.hostIdentity === identity;
  }

  private shutdownHost(agentId: string): void {
    const link = this.d.hosts.get(agentId);
    if (!link) return;
    link.send({ type: 'shutdown' });
    this.retiring.add(agentId);
  }

  private async transition(
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
  private pushState(agent: AgentRecord): void {
    this.d.hosts.get(agent.id)?.send({
      type: 'state',
      state: agent.state,
      agent: agent.name,
      workspace: this.d.registry.workspaceName(agent.workspaceId),
    });
  }
}
