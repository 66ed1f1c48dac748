import type { HostHello } from '../../protocol/host.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import { hasProcess, isLive } from '../model/agent-state.js';
import type { HostLink } from '../ports/daemon.js';
import { unknownExit } from './exit-outcome.js';
import { ProcessExits } from './process-exits.js';

/**
 * Hosts and the daemon: a host's hello (bound, re-attached with its process, or a stranger), its
 * process spawned or failing to, its link closing, and hosts that are gone for good.
 */
export abstract class HostBinding extends ProcessExits {
  /** Calls `f` whenever a new agent process runs (signals about its earlier processes no longer apply). */
  onProcessStart(f: (agentId: string) => void): void {
    this.processStartListeners.push(f);
  }

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
      features: ['outputLog', 'permissionMode', 'sandboxDenied'],
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
      if (current.hostPid === null || !this.hostAlive(current)) return void this.onHostGone(current);
      if (!this.d.launcher.sharesHost(current)) return; // reconnecting
      void this.hostHolds(current).then((holds) => {
        if (!holds && !this.d.hosts.has(agentId)) void this.onHostGone(current);
      });
    });
  }

  protected async adoptChild(agent: AgentRecord, pid: number, startedAt: number): Promise<void> {
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
      for (const f of this.processStartListeners) f(agent.id);
      await this.transition(agent, 'running', { reason: 'spawned', source: 'lifecycle' }, 'host');
    } else {
      await this.d.registry.save(agent);
    }
  }

  protected async onHostGone(agent: AgentRecord): Promise<void> {
    // A host group that runs on has let this agent go.
    const groupRuns = this.d.launcher.sharesHost(agent) && this.hostAlive(agent);
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
    const shared = this.d.launcher.sharesHost(agent);
    const paneGone = (await this.d.launcher.paneExists(agent)) === false;
    // A pane closed by hand takes its host with it, or out of its group: a stop, not a crash. A
    // group that died closed its panes itself, unless it left word that the last one was closed by
    // hand while no daemon was there to hear it (and then ended, with no agent left).
    if (
      agent.backend !== 'headless' &&
      paneGone &&
      (!shared || groupRuns || (await this.groupSaysClosedByHand(agent)))
    ) {
      this.intents.set(agent.id, { kind: 'stop', source: 'user', reason: 'pane_closed' });
    }
    // Forget a pane that is gone (headless: the host process was the pane), or a daemon that
    // restarts before the agent's restart would take that pane for lost once more.
    if (paneGone) agent.paneId = null;
    await this.childExited(
      agent.id,
      { pid: agent.pid ?? 0, exit: unknownExit, at: this.d.clock.now() },
      shared ? 'shared' : true,
    );
  }

  private async groupSaysClosedByHand(agent: AgentRecord): Promise<boolean> {
    const word = await this.d.launcher.closedByHand(agent);
    if (word.refused !== undefined)
      this.d.log.warn(
        { agentId: agent.id, refused: word.refused },
        "the host group's record of panes closed by hand was not read",
      );
    return word.closed;
  }

  /** Records the disconnect of `link` once, with what became of its host. */
  protected reportDisconnect(agent: AgentRecord, link: HostLink, hostAlive: boolean): void {
    if (this.unreportedDisconnects.get(agent.id) !== link) return;
    this.unreportedDisconnects.delete(agent.id);
    void this.d.registry.record([
      agentEvent(agent, 'host', 'agent.hostDisconnected', { hostPid: link.hostPid, hostAlive }),
    ]);
  }
}
