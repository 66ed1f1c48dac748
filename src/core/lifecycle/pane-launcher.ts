import type { AgentEnv } from '../../protocol/agent-env.js';
import type { WorkspaceView } from '../../protocol/workspace.js';
import type { AgentRecord } from '../model/agent-record.js';
import { isAppError } from '../errors.js';
import type { ClosedByHand, MuxRegistry, PaneMux, PaneSpec, Placement } from '../ports/panes.js';
import type { HostLauncher } from '../ports/daemon.js';

export interface PaneLauncherOptions {
  muxes: MuxRegistry;
  /** The program that runs a host (`node wtp.js host`). */
  hostCommand: string[];
  /** The host's arguments for an agent; `pane` is true when it runs in a real pane. */
  hostArgs: (agent: AgentRecord, pane: boolean) => string[];
  /** Where a headless host's stderr goes (in a pane it is the pane). */
  hostLogFile: (agent: AgentRecord) => string;
}

/** Starts hosts in panes of the agent's backend: a new tab, a new workspace, or a split. */
export class PaneLauncher implements HostLauncher {
  constructor(private readonly o: PaneLauncherOptions) {}

  async launch(agent: AgentRecord, where: { workspace: WorkspaceView; placement: Placement }) {
    const mux = this.o.muxes.get(agent.backend);
    const inPane = agent.backend !== 'headless';
    const hostArgs = this.o.hostArgs(agent, inPane);
    const spec: PaneSpec = {
      argv: [...this.o.hostCommand, ...hostArgs],
      hostArgs,
      cwd: agent.cwd,
      env: { WTP_AGENT_ID: agent.id } satisfies AgentEnv,
      title: agent.name,
      agentId: agent.id,
      ...(inPane ? {} : { stderrFile: this.o.hostLogFile(agent) }),
    };
    const p = where.placement;
    const pane =
      p.kind === 'split'
        ? await mux.splitPane(p.target, spec, p.direction, p.size)
        : p.kind === 'new-workspace'
          ? await mux.openWorkspace(where.workspace.name, spec)
          : p.kind === 'replace'
            ? await this.replace(mux, agent, p.target, where.workspace.name, spec)
            : await mux.spawnPane(where.workspace.name, spec);
    return { hostPid: pane.pid, paneId: pane.id };
  }

  /** The agent's old pane makes room for the new one (a split, else a tab), then closes. */
  private async replace(mux: PaneMux, agent: AgentRecord, old: string, workspace: string, spec: PaneSpec) {
    const pane = await mux.splitPane(old, spec, 'right').catch(() => mux.spawnPane(workspace, spec));
    // In a host group the new host takes the old one's place, and its id.
    if (pane.id !== old) await this.closePane(agent, old);
    return pane;
  }

  /**
   * Closes the agent's pane if it still exists and is still its own (a new tmux server hands pane
   * ids out again), and any other pane the backend knows as the agent's (one an older version left
   * behind); with `paneId`, only that one.
   */
  async closePane(agent: AgentRecord, paneId?: string): Promise<void> {
    if (!this.o.muxes.available(agent.backend)) return;
    const target = paneId ?? agent.paneId;
    const mux = this.o.muxes.get(agent.backend);
    for (const p of await mux.list()) {
      const own = p.agentId === null || p.agentId === agent.id;
      const wanted = p.id === target ? own : paneId === undefined && p.agentId === agent.id;
      if (!wanted) continue;
      try {
        await mux.kill(p.id);
      } catch (err) {
        if (!isAppError(err) || err.code !== 'PANE_NOT_FOUND') throw err;
      }
    }
  }

  async findPane(agent: AgentRecord): Promise<{ hostPid: number | null; paneId: string } | null> {
    if (!this.o.muxes.available(agent.backend)) return null;
    try {
      const pane = (await this.o.muxes.get(agent.backend).list()).find(
        (p) => p.ours && p.agentId === agent.id,
      );
      return pane ? { hostPid: pane.pid, paneId: pane.id } : null;
    } catch {
      return null;
    }
  }

  /**
   * Whether the agent's host process holds other agents too: a host group's pane ids carry a
   * slash (`h-<pid>/<agent>` headless, `%<pane>/<pid>` in tmux).
   */
  sharesHost(agent: AgentRecord): boolean {
    return agent.paneId !== null && agent.paneId.includes('/');
  }

  async paneExists(agent: AgentRecord): Promise<boolean | null> {
    if (agent.paneId === null || !this.o.muxes.available(agent.backend)) return null;
    try {
      const panes = await this.o.muxes.get(agent.backend).list();
      return panes.some((p) => p.id === agent.paneId);
    } catch {
      return null; // the mux cannot tell right now (e.g. WezTerm not reachable)
    }
  }

  async closedByHand(agent: AgentRecord): Promise<ClosedByHand> {
    if (agent.paneId === null || !this.o.muxes.available(agent.backend)) return { closed: false };
    const mux = this.o.muxes.get(agent.backend);
    try {
      return (await mux.closedByHand?.(agent.paneId, agent.id)) ?? { closed: false };
    } catch (err) {
      return { closed: false, refused: String(err) };
    }
  }
}
