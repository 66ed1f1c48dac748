import type { ExitReport } from '../../protocol/host.js';
import { agentEvent } from '../model/agent-event.js';
import { isLive } from '../model/agent-state.js';
import { exitOutcome } from './exit-outcome.js';
import { lastWords } from './last-words.js';
import { emptyHistory } from './restart-policy.js';
import { LifecycleBase } from './lifecycle-base.js';

/**
 * The end of an agent's process: what its exit means (a stop, a restart asked for, a pane closed
 * by hand or gone with its multiplexer, or the restart policy's call) and what follows.
 */
export abstract class ProcessExits extends LifecycleBase {
  async childExited(
    agentId: string,
    report: ExitReport,
    hostLost: boolean | 'shared' = false,
  ): Promise<void> {
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
    // A program that failed on its own keeps what it said last, as a rule why (`wtp new`, ls, why,
    // the dashboard); a signal's or a clean exit's last screen says nothing of a cause.
    const failed = intent === undefined && report.exit.exitCode !== null && report.exit.exitCode !== 0;
    const words = failed ? lastWords(this.d.output, agentId, agent.outputSeq) : undefined;
    const detail = words === undefined ? o.detail : { ...o.detail, lastWords: words };
    await this.transition(agent, o.to, detail, o.source, [exitEvent, ...loop]);
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
}
