import { publicPaneId } from '../model/agent-record.js';
import type { Approvals } from '../../protocol/approval-schema.js';
import type { AgentView, CreateAgentRequest } from '../../protocol/agent.js';
import { PROFILE_NAMES, type Backend, type ProfileName } from '../../protocol/constants.js';
import type { EventSource } from '../../protocol/events.js';
import { appError } from '../../protocol/error-messages.js';
import type { AgentLeaf, CommandLeaf, LayoutNode } from '../../protocol/template.js';
import { DEFAULT_WORKSPACE, type WorkspaceView } from '../../protocol/workspace.js';
import { buildAgent, CWD_REASONS, type FactoryDeps } from '../agents/agent-factory.js';
import { isLive } from '../model/agent-state.js';
import { takesApprovals } from '../policies/agent-rules.js';
import type { AgentService } from '../agents/agent-service.js';
import { AppError, isAppError } from '../errors.js';
import { planLayout, type LayoutStep } from './layout-plan.js';
import type { AgentLifecycle } from '../lifecycle/lifecycle.js';
import type { MuxRegistry, PaneSpec, Placement } from '../ports/panes.js';
import type { Logger } from '../ports/daemon.js';
import type { OutputHub } from '../hosts/output-hub.js';

export interface NewWorkspace {
  name: string;
  repoPath: string;
  /** Every agent of the template gets a worktree of its own in `repoPath` (`--repo`); else they work in place. */
  worktrees?: boolean;
  backend: Backend;
  template: {
    name: string;
    layout: LayoutNode;
    approvals?: Approvals | undefined;
    /** Every agent of the workspace sandboxed (the template's `sandbox: true`). */
    sandbox?: true | undefined;
  } | null;
  /** Profile of agent leaves that do not name one. */
  profile: string;
}

export interface WorkspaceDeps extends FactoryDeps {
  service: AgentService;
  lifecycle: AgentLifecycle;
  muxes: MuxRegistry;
  output: OutputHub;
  log: Logger;
  /** How long an agent's output must be quiet before its initial prompt is typed. */
  promptQuietMs: number;
  /** How long creation waits for the agents' processes to run. */
  settleTimeoutMs: number;
}

/** Removing a workspace removes agents that started in it meanwhile this many times, then refuses. */
const MAX_REMOVE_ROUNDS = 3;

const stillStarting = (workspace: string, agents: { name: string }[]): AppError =>
  appError('WORKSPACE_NOT_EMPTY', { workspace, agents: agents.map((a) => a.name) });

/** Workspaces: a repository plus a layout of agents and command panes in one backend. */
export class WorkspaceService {
  constructor(private readonly d: WorkspaceDeps) {}

  list(): (WorkspaceView & { agents: number })[] {
    const agents = this.d.registry.all();
    return this.d.registry
      .listWorkspaces()
      .map((w) => ({ ...w, agents: agents.filter((a) => a.workspaceId === w.id).length }));
  }

  /**
   * Creates the workspace and its layout. Everything is checked before the first pane is
   * created; if a pane cannot be created, every pane and agent made so far is removed again.
   */
  async create(
    input: NewWorkspace,
    source: EventSource,
  ): Promise<{ workspace: WorkspaceView; agents: AgentView[] }> {
    this.d.registry.assertWritable('create a workspace');
    if (this.d.registry.findWorkspace(input.name)) {
      throw appError('WORKSPACE_EXISTS', { name: input.name });
    }
    const dir = this.d.preflight.checkDirectory(input.repoPath);
    if (dir !== 'ok') {
      throw appError('CWD_INVALID', {
        path: input.repoPath,
        reason: dir,
        repo: input.repoPath,
        why: CWD_REASONS[dir],
      });
    }
    // A workspace whose agents get worktrees works on a repository, as `wtp new --repo` does.
    if (input.worktrees === true && !this.d.preflight.inRepository(input.repoPath)) {
      throw appError('NOT_A_REPOSITORY', { path: input.repoPath, workspace: input.name });
    }
    const mux = this.d.muxes.get(input.backend);
    // A tmux session or WezTerm workspace of that name that is not ours: never add to it
    // (a later `workspace rm` would close the user's own panes).
    if ((await mux.list()).some((p) => p.workspace === input.name)) {
      throw appError('WORKSPACE_EXISTS', { name: input.name, backend: input.backend, foreign: true });
    }
    const steps = input.template ? planLayout(input.template.layout) : [];
    const workspace: WorkspaceView = {
      id: this.d.ids.next('ws'),
      name: input.name,
      repoPath: input.repoPath,
      backend: input.backend,
      template: input.template?.name ?? null,
      createdAt: new Date(this.d.clock.now()).toISOString(),
    };
    // Registered first because the agent checks resolve it; announced only once they pass,
    // so a refused create leaves no trace in the event log.
    await this.d.registry.addWorkspace(workspace, []);
    let requests: (CreateAgentRequest | PaneSpec)[];
    try {
      requests = steps.map((s) => this.check(s, input));
    } catch (err) {
      await this.d.registry.removeWorkspace(workspace.id, []);
      throw err;
    }
    await this.d.registry.record([this.wsEvent(workspace, source, 'workspace.created')]);

    const paneOf: string[] = [];
    const agentIds: string[] = [];
    try {
      for (const [i, step] of steps.entries()) {
        const placement = this.placement(step, paneOf);
        const req = requests[i] as CreateAgentRequest | PaneSpec;
        if ('agent' in step.leaf) {
          const view = await this.d.service.create(req as CreateAgentRequest, source, placement);
          agentIds.push(view.id);
          const agent = this.d.registry.get(view.id);
          if (!agent || agent.state === 'crashed' || agent.paneId === null) {
            throw appError('MUX_COMMAND_FAILED', {
              agent: view.name,
              reason: agent?.stateDetail.message ?? 'no pane',
            });
          }
          paneOf[i] = agent.paneId;
        } else {
          const spec = req as PaneSpec;
          const pane =
            placement.kind === 'split'
              ? await mux.splitPane(placement.target, spec, placement.direction, placement.size)
              : await mux.openWorkspace(input.name, spec);
          paneOf[i] = pane.id;
        }
      }
    } catch (err) {
      await this.rollback(workspace, agentIds, paneOf.length > 0, source);
      throw rolledBack(err, agentIds.length, paneOf.length);
    }

    const settle = agentIds.map((id) =>
      this.d.service.waitFor(id, (a) => a.state !== 'starting', this.d.settleTimeoutMs),
    );
    await Promise.all(settle);
    steps.forEach((s, i) => {
      if ('agent' in s.leaf && s.leaf.agent.prompt) {
        const id = this.d.registry
          .all()
          .find((a) => a.workspaceId === workspace.id && a.paneId === paneOf[i])?.id;
        if (id) this.d.service.deliverPrompt(id, s.leaf.agent.prompt, source);
      }
    });
    return { workspace, agents: agentIds.map((id) => this.d.service.get(id)) };
  }

  /** Removes a workspace, its agents (stopping live ones only with `force`) and its panes. */
  async remove(ref: string, force: boolean, source: EventSource): Promise<string> {
    const ws = this.d.registry.resolveWorkspace(ref);
    if (ws.name === DEFAULT_WORKSPACE) {
      throw new AppError('INVALID_INPUT', 'The default workspace cannot be removed.', {
        issues: [{ path: 'workspace', message: 'the default workspace cannot be removed' }],
      });
    }
    const agents = this.d.registry.all().filter((a) => a.workspaceId === ws.id);
    const live = agents.filter((a) => isLive(a.state));
    if (live.length > 0 && !force) {
      throw appError('WORKSPACE_NOT_EMPTY', {
        workspace: ws.name,
        agents: live.map((a) => a.name),
        count: live.length,
      });
    }
    // Agents can start in it while this awaits (the dispatcher runs its tasks): they go too, and the
    // last check is in the tick that removes the workspace, so no agent is left pointing at nothing.
    const agentsOf = () => this.d.registry.all().filter((a) => a.workspaceId === ws.id);
    for (let round = 0, left = agents; left.length > 0; round++, left = agentsOf()) {
      if (round === MAX_REMOVE_ROUNDS) throw stillStarting(ws.name, left);
      for (const a of left) await this.d.service.remove(a.id, true, source);
    }
    if (this.d.muxes.available(ws.backend)) await this.d.muxes.get(ws.backend).closeWorkspace(ws.name);
    const late = agentsOf();
    if (late.length > 0) throw stillStarting(ws.name, late);
    await this.d.registry.removeWorkspace(ws.id, [this.wsEvent(ws, source, 'workspace.removed')]);
    return ws.id;
  }

  /**
   * Closes what wezterm-parallel made in its workspaces' panes and is still open: command panes of
   * templates, and panes of its agents (e.g. one showing an exited agent's last screen). A pane the
   * backend cannot tell is ours (WezTerm), a user's own, or one of an agent this daemon does not
   * know (an orphan's) is left alone. For `down --stop-agents`.
   */
  async closePanes(): Promise<void> {
    const byBackend = new Map<Backend, Set<string>>();
    for (const w of this.d.registry.listWorkspaces())
      byBackend.set(w.backend, (byBackend.get(w.backend) ?? new Set()).add(w.name));
    for (const [backend, names] of byBackend) {
      if (!this.d.muxes.available(backend)) continue;
      const mux = this.d.muxes.get(backend);
      for (const p of await mux.list()) {
        const known = p.agentId === null || this.d.registry.get(p.agentId) !== undefined;
        if (p.ours && known && names.has(p.workspace))
          await mux.kill(p.id).catch((err: unknown) => this.d.log.warn({ err, pane: p.id }, 'close pane'));
      }
    }
  }

  /** Brings the workspace's first agent pane to the front (where the backend can). */
  async focus(ref: string): Promise<{ workspace: WorkspaceView; paneId: string | null }> {
    const ws = this.d.registry.resolveWorkspace(ref);
    const first = this.d.registry
      .all()
      .find((a) => a.workspaceId === ws.id && a.paneId !== null && isLive(a.state));
    if (first?.paneId && this.d.muxes.available(ws.backend))
      await this.d.muxes.get(ws.backend).focus(first.paneId);
    return { workspace: ws, paneId: publicPaneId(first?.paneId ?? null) };
  }

  /** Whether the template's approval rules go to an agent of this profile (not to shell or cmd panes). */
  private takesApprovals(profile: string): boolean {
    const known: readonly string[] = PROFILE_NAMES;
    return known.includes(profile) && takesApprovals(this.d.profileCatalog.get(profile as ProfileName));
  }

  /** Validates one layout leaf without side effects; returns what will create it. */
  private check(step: LayoutStep, input: NewWorkspace): CreateAgentRequest | PaneSpec {
    const cwdOf = (c: string | undefined): string =>
      c === undefined ? input.repoPath : c.startsWith('/') ? c : `${input.repoPath}/${c}`;
    if ('agent' in step.leaf) {
      const a = (step.leaf as AgentLeaf).agent;
      const req: CreateAgentRequest = {
        profile: a.profile ?? input.profile,
        name: a.name,
        workspace: input.name,
        cwd: cwdOf(a.cwd),
        restart: a.restart,
        argv: a.args,
        env: a.env,
        wait: false,
        ...(input.worktrees ? { repo: input.repoPath } : {}),
        ...(a.mcp === true ? { mcp: true } : {}),
        ...(input.template?.approvals && this.takesApprovals(a.profile ?? input.profile)
          ? { approvals: input.template.approvals }
          : {}),
        // A pane or the whole template may ask for a sandbox; neither can drop one the config asks for.
        ...((a.sandbox ?? input.template?.sandbox) === true ? { sandbox: true } : {}),
      };
      buildAgent(req, this.d); // throws the same errors `wtp new` would
      return req;
    }
    const c = (step.leaf as CommandLeaf).command;
    const argv = c.run ?? [this.d.settings.shell, '-c', c.shell ?? ''];
    const cwd = cwdOf(c.cwd);
    const found = this.d.preflight.resolveCommand(argv[0] ?? '', {
      cwd,
      pathVar: c.env.PATH ?? this.d.settings.pathVar,
    });
    if (!found.ok) {
      throw appError('COMMAND_NOT_FOUND', {
        command: argv[0] ?? '',
        searched: found.searched,
        pane: c.title ?? '',
      });
    }
    return { argv: [found.path, ...argv.slice(1)], cwd, env: c.env, ...(c.title ? { title: c.title } : {}) };
  }

  private placement(step: LayoutStep, paneOf: string[]): Placement {
    if (step.at.kind === 'new-workspace') return { kind: 'new-workspace' };
    const target = paneOf[step.at.target];
    if (target === undefined)
      throw new Error(`layout step refers to pane ${step.at.target} before it exists`);
    return { kind: 'split', target, direction: step.at.direction, size: step.at.size };
  }

  /** Undoes a failed create; the backend's workspace is closed only if this create opened it. */
  private async rollback(
    ws: WorkspaceView,
    agentIds: string[],
    opened: boolean,
    source: EventSource,
  ): Promise<void> {
    for (const id of agentIds)
      await this.d.service
        .remove(id, true, source)
        .catch((err: unknown) => this.d.log.warn({ err, id }, 'rollback: agent'));
    if (opened && this.d.muxes.available(ws.backend)) {
      await this.d.muxes
        .get(ws.backend)
        .closeWorkspace(ws.name)
        .catch((err: unknown) => this.d.log.warn({ err }, 'rollback: panes'));
    }
    await this.d.registry.removeWorkspace(ws.id, [this.wsEvent(ws, source, 'workspace.removed')]);
  }

  private wsEvent(ws: WorkspaceView, source: EventSource, type: 'workspace.created' | 'workspace.removed') {
    return type === 'workspace.created'
      ? { type, source, agentId: null, workspaceId: ws.id, data: { workspace: ws } }
      : { type, source, agentId: null, workspaceId: ws.id, data: { name: ws.name } };
  }
}

/** The creation error, saying what was undone. */
function rolledBack(err: unknown, agents: number, panes: number): unknown {
  if (!isAppError(err)) return err;
  return new AppError(
    err.code,
    `${err.message.trim().replace(/[.:]?$/, '.')} Nothing was kept: ${panes} pane(s) and ${agents} agent(s) created so far were removed.`,
    { ...err.details, rolledBack: { agents, panes } },
    { cause: err },
  );
}
