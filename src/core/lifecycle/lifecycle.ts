import type { AgentState, StateDetail } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import type { AgentRecord } from '../model/agent-record.js';
import { hasProcess, isLive } from '../model/agent-state.js';
import { messageOf } from './exit-outcome.js';
import { HostBinding } from './host-binding.js';
import type { Placement } from '../ports/panes.js';

/**
 * Owns every agent's lifecycle: launching hosts, spawning, exits, restarts with backoff,
 * crash-loop stops, user stop/restart, and hosts that vanish. All policy lives here and in the
 * files it builds on (`lifecycle-base`, `process-exits`, `host-binding`); hosts only carry out
 * `spawn`, `signal` and `shutdown`.
 */
export class AgentLifecycle extends HostBinding {
  /**
   * After a daemon start: hosts that survived will reconnect; a host still starting in a
   * pane that exists will connect; panes closed meanwhile and vanished hosts are handled
   * as such; agents never launched are launched.
   */
  async resume(): Promise<void> {
    for (const agent of this.d.registry.all()) {
      if (!isLive(agent.state)) continue;
      if (agent.hostPid !== null && (await this.hostHolds(agent))) continue; // it will reconnect
      if (agent.hostPid === null && agent.paneId !== null && (await this.d.launcher.paneExists(agent))) {
        this.armConnectTimer(agent);
        continue;
      }
      // A host the last daemon started but died before recording: it will connect, and a second
      // host launched beside it would fight it for the agent.
      if (agent.hostPid === null && agent.paneId === null && (await this.adoptUnrecordedHost(agent)))
        continue;
      if (agent.hostPid === null && agent.paneId === null && agent.state === 'starting') {
        await this.launch(agent);
        continue;
      }
      await this.onHostGone(agent);
    }
  }

  private async adoptUnrecordedHost(agent: AgentRecord): Promise<boolean> {
    const pane = await this.d.launcher.findPane(agent);
    if (!pane) return false;
    agent.paneId = pane.paneId;
    if (pane.hostPid !== null) {
      agent.hostPid = pane.hostPid;
      agent.hostIdentity = this.d.inspector.identity(pane.hostPid);
    }
    await this.d.registry.save(agent);
    this.armConnectTimer(agent);
    return true;
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
    await this.launch(agent, await this.afterExit(agent));
  }

  /**
   * Where an ended agent starts again: its host in a pane still shows the last screen (and runs,
   * waiting for a key): the new host takes that pane's place, so neither is left behind.
   */
  private async afterExit(agent: AgentRecord): Promise<Placement> {
    const reused = this.d.hosts.has(agent.id) && !this.retiring.has(agent.id);
    if (reused || agent.paneId === null || (await this.d.launcher.paneExists(agent)) !== true)
      return { kind: 'tab' };
    return { kind: 'replace', target: agent.paneId };
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
    this.startTurns.release(agentId);
  }

  /** Daemon shutdown: no more restarts or launches; exits become final. */
  beginShutdown(): void {
    this.stopping = true;
    this.timers.clearAll(['restart', 'connect']);
  }
}
