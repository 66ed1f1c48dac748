import { PROFILE_NAMES, type Backend, type ProfileName } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import type { HostHello } from '../../protocol/host.js';
import type { OrphanHost } from '../../protocol/orphans.js';
import { agentEvent } from '../model/agent-event.js';
import { publicPaneId, type AgentRecord } from '../model/agent-record.js';
import { appError } from '../../protocol/error-messages.js';
import type { StrangerHosts } from '../lifecycle/lifecycle-deps.js';
import type { Clock, EventLog, HostLink, IdGenerator, Logger } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';

interface Orphan {
  link: HostLink;
  hello: HostHello;
  since: number;
  /** The agent process ended after the hello (the host still runs, showing its last screen). */
  childEnded: boolean;
}

export interface OrphanDeps {
  registry: AgentRegistry;
  events: EventLog;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
}

/**
 * Hosts whose agent this daemon does not know: after the database was lost or replaced (`wtp up
 * --fresh`), or a removal it never heard of. They are never stopped unasked — a daemon does not
 * kill what it does not know: each is kept connected, reported (`host.orphaned`, `wtp orphans`)
 * and stopped or adopted (registered again under its old id) only when the user says so. A host
 * whose agent the user removed is the exception: its exit was asked for, and it gets it.
 */
export class OrphanHosts implements StrangerHosts {
  private readonly orphans = new Map<string, Orphan>();

  constructor(private readonly d: OrphanDeps) {}

  async arrived(link: HostLink, hello: HostHello): Promise<boolean> {
    const id = hello.agentId;
    if (await this.wasRemoved(id)) {
      link.send({ type: 'shutdown' });
      return false;
    }
    this.orphans.get(id)?.link.close();
    this.orphans.set(id, { link, hello, since: this.d.clock.now(), childEnded: false });
    const spawned = hello.spawned ?? null;
    this.d.log.warn(
      { agentId: id, hostPid: hello.hostPid, childPid: hello.child?.pid ?? null, spawned },
      'a host this daemon does not know connected: kept running as an orphan (`wtp orphans`)',
    );
    await this.d.registry.record([
      {
        type: 'host.orphaned',
        source: 'host',
        agentId: id,
        workspaceId: null,
        data: {
          hostPid: hello.hostPid,
          childPid: hello.child?.pid ?? null,
          name: spawned?.name ?? null,
          workspace: spawned?.workspace ?? null,
        },
      },
    ]);
    return true;
  }

  /** The host's connection closed (it exited, or will say hello again). */
  left(agentId: string, link: HostLink): void {
    if (this.orphans.get(agentId)?.link === link) this.orphans.delete(agentId);
  }

  /** The orphan's agent process exited. */
  childExited(agentId: string): void {
    const o = this.orphans.get(agentId);
    if (o) o.childEnded = true;
  }

  has(agentId: string): boolean {
    return this.orphans.has(agentId);
  }

  list(): OrphanHost[] {
    return [...this.orphans.entries()].map(([id, o]) => this.view(id, o));
  }

  /** Tells the orphan's host to stop its agent (SIGTERM, then SIGKILL) and exit. */
  async stop(agentId: string, source: EventSource): Promise<OrphanHost> {
    const o = this.require(agentId);
    o.link.send({ type: 'shutdown' });
    await this.d.registry.record([
      { type: 'host.orphanStopped', source, agentId, workspaceId: null, data: { hostPid: o.hello.hostPid } },
    ]);
    return this.view(agentId, o);
  }

  /**
   * Registers the orphan's agent again under its id (so its output log stays its own) and lets
   * the host reconnect as a known one. The record has what the host knows: name, workspace,
   * profile, command line and folder; not the environment, restart policy or worktree.
   */
  async adopt(
    agentId: string,
    opts: { name?: string | undefined; workspace?: string | undefined },
    source: EventSource,
  ): Promise<AgentRecord> {
    const o = this.require(agentId);
    const spawned = o.hello.spawned;
    if (!spawned || o.hello.child === null || o.childEnded) {
      throw appError('ORPHAN_NOT_ADOPTABLE', { agentId, profile: spawned?.profile ?? null });
    }
    const registry = this.d.registry;
    const backend = backendOf(o.hello.pane ?? null);
    const wsName = opts.workspace ?? spawned.workspace;
    let ws = registry.findWorkspace(wsName);
    if (!ws) {
      ws = {
        id: this.d.ids.next('ws'),
        name: wsName,
        repoPath: null,
        backend,
        template: null,
        createdAt: new Date(this.d.clock.now()).toISOString(),
      };
      await registry.addWorkspace(ws, [
        { type: 'workspace.created', source, agentId: null, workspaceId: ws.id, data: { workspace: ws } },
      ]);
    }
    const name = opts.name ?? spawned.name;
    if (registry.isNameTaken(ws.id, name)) {
      throw appError('AGENT_NAME_TAKEN', { name, workspace: ws.name });
    }
    const now = this.d.clock.now();
    const agent: AgentRecord = {
      id: agentId,
      name,
      workspaceId: ws.id,
      profile: knownProfile(spawned.profile),
      command: spawned.command,
      args: [...spawned.args],
      cwd: spawned.cwd,
      env: {},
      restart: 'never',
      backend,
      state: 'starting',
      stateDetail: { reason: 'adopted' },
      stateSince: now,
      pid: null,
      hostPid: o.hello.hostPid,
      hostIdentity: null,
      paneId: o.hello.pane ?? null,
      lastExit: null,
      restarts: 0,
      createdAt: now,
      startedAt: null,
      outputSeq: 0,
      cols: o.hello.cols,
      rows: o.hello.rows,
      version: null,
      sessionId: null,
      forkSession: null,
      profileArgs: [],
      worktree: null,
    };
    this.orphans.delete(agentId);
    await registry.add(agent, [
      agentEvent(agent, source, 'host.adopted', { hostPid: o.hello.hostPid, name }),
    ]);
    // Closed without a shutdown: the host says hello again, now to a daemon that knows it.
    o.link.close();
    return agent;
  }

  /** Daemon shutdown: the links close, the hosts keep running and reconnect to the next daemon. */
  closeAll(): void {
    for (const o of this.orphans.values()) o.link.close();
    this.orphans.clear();
  }

  private require(agentId: string): Orphan {
    const o = this.orphans.get(agentId);
    if (!o) {
      throw appError('ORPHAN_NOT_FOUND', { agentId });
    }
    return o;
  }

  private async wasRemoved(agentId: string): Promise<boolean> {
    const found = await this.d.events.since({ since: 0, limit: 1, types: ['agent.removed'], agentId });
    return found.length > 0;
  }

  private view(agentId: string, o: Orphan): OrphanHost {
    const s = o.hello.spawned ?? null;
    return {
      agentId,
      hostPid: o.hello.hostPid,
      childPid: o.childEnded ? null : (o.hello.child?.pid ?? null),
      pane: publicPaneId(o.hello.pane ?? null),
      since: new Date(o.since).toISOString(),
      name: s?.name ?? null,
      workspace: s?.workspace ?? null,
      profile: s?.profile ?? null,
      command: s ? [s.command, ...s.args] : null,
      cwd: s?.cwd ?? null,
      adoptable: s !== null && o.hello.child !== null && !o.childEnded,
    };
  }
}

/** The backend a pane id comes from: tmux `%N`, WezTerm a number, none when headless. */
function backendOf(pane: string | null): Backend {
  if (pane === null || pane.startsWith('h-')) return 'headless';
  return pane.startsWith('%') ? 'tmux' : 'wezterm';
}

function knownProfile(profile: string): ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(profile) ? (profile as ProfileName) : 'cmd';
}
