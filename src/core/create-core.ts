import type { Core } from './core.js';
import type { CoreAdapters, CoreSettings } from './core-inputs.js';
import { DEFAULT_WORKSPACE } from '../protocol/workspace.js';
import { isLive } from './model/agent-state.js';
import type { TimerHandle } from './ports/daemon.js';
import { createDelivery, DEFAULT_FORGE_SETTINGS } from './forge/create-delivery.js';
import { TaskReview } from './tasks/task-review.js';
import { WorkspaceService } from './workspaces/workspace-service.js';
import { costUseCases } from './usage/cost-use-cases.js';
import {
  agentStep,
  answerStep,
  gitStep,
  hostStep,
  modelStep,
  sessionStep,
  stateStep,
  taskStep,
  type LateParts,
} from './core-steps.js';

/** How often `working` agents are checked for stalls. */
const STALL_CHECK_MS = 15_000;

export type { CoreAdapters, CoreSettings } from './core-inputs.js';
export { DEFAULT_STATE_SETTINGS } from './core-inputs.js';
export type { Core } from './core.js';

/** The core: its parts made in order (core-steps.ts), then what runs them (`runCore`). */
export function createCore(a: CoreAdapters, s: CoreSettings): Core {
  const given = { a, s };
  const model = modelStep(given);
  const hostParts = hostStep(given, model);
  const states = stateStep(given, model, hostParts);
  const sessionParts = sessionStep(given, model, hostParts, states);
  const gitParts = gitStep(given, model);
  const late: LateParts = { usage: null, prs: null };
  const agents = agentStep(given, model, hostParts, states, sessionParts, gitParts, late);
  const work = taskStep(given, model, hostParts, agents);
  const forge = createDelivery({
    registry: model.registry,
    service: agents.service,
    review: agents.review,
    git: gitParts.git && { ...gitParts.git, delivery: a.git?.delivery },
    forge: a.forge,
    tasks: work.tasks,
    bus: model.bus,
    clock: a.clock,
    log: a.log,
    settings: s.forge ?? DEFAULT_FORGE_SETTINGS,
  });
  late.usage = work.usage?.meter ?? null;
  late.prs = forge.prs;
  const parts = {
    ...model,
    ...hostParts,
    ...states,
    ...sessionParts,
    ...gitParts,
    ...agents,
    ...work,
    ...forge,
  };
  const subscriptions = watchEvents(parts);
  const workspaces = new WorkspaceService({
    registry: model.registry,
    profileCatalog: model.profileCatalog,
    service: agents.service,
    lifecycle: states.lifecycle,
    muxes: a.muxes,
    output: hostParts.output,
    log: a.log,
    preflight: a.preflight,
    ids: a.ids,
    clock: a.clock,
    settings: s.factory,
    sandbox: a.sandbox,
    promptQuietMs: s.promptQuietMs,
    settleTimeoutMs: s.service.hostConnectTimeoutMs + 5_000,
  });
  const answers = answerStep(given, model, hostParts, states, agents);
  return runCore(given, { ...parts, ...answers, workspaces }, subscriptions);
}

type Parts = ReturnType<typeof modelStep> &
  ReturnType<typeof hostStep> &
  ReturnType<typeof stateStep> &
  ReturnType<typeof sessionStep> &
  ReturnType<typeof gitStep> &
  ReturnType<typeof agentStep> &
  ReturnType<typeof taskStep> &
  ReturnType<typeof createDelivery>;

/** What events set off: a new agent's disk sample, diff stats, the radar, a removed agent forgotten. */
function watchEvents(p: Parts): () => void {
  const offDisk = p.bus.subscribe((e) => {
    if (p.disk && e.type === 'agent.created') void p.disk.sample();
    p.diffStats?.observe(e);
    if (e.type === 'agent.removed' && e.agentId) {
      p.storage.forgetAgent(e.agentId);
      p.parseErrors.delete(e.agentId);
    }
  });
  const offRadar = p.bus.subscribe((e) => p.radar?.observe(e));
  return () => {
    offRadar();
    offDisk();
  };
}

type AllParts = Parts & ReturnType<typeof answerStep> & { workspaces: WorkspaceService };
type Given = { a: CoreAdapters; s: CoreSettings };

/** The core as interfaces see it: its parts, and starting and stopping them in order. */
function runCore(g: Given, p: AllParts, unsubscribe: () => void): Core {
  const stalls = stallChecks(g.a, p);
  return {
    ...coreParts(g, p),
    start: () => startCore(g, p, stalls),
    stopAllAgents: () => stopAllAgents(g.a, p),
    stop: () => stopCore(p, stalls, unsubscribe),
  };
}

function coreParts({ a, s }: Given, p: AllParts): Omit<Core, 'start' | 'stop' | 'stopAllAgents'> {
  const { registry, tasks, usage, review, service, events } = p;
  return {
    service,
    workspaces: p.workspaces,
    sessions: p.sessions,
    lifecycle: p.lifecycle,
    orphans: p.orphans,
    registry,
    bus: p.bus,
    events,
    storage: p.storage,
    hosts: p.hosts,
    output: p.output,
    stats: p.stats,
    engine: p.engine,
    turns: p.turns,
    permissions: p.permissions,
    profileCatalog: p.profileCatalog,
    review,
    worktrees: p.git?.worktrees ?? null,
    radar: p.radar,
    diffStats: p.diffStats,
    tasks,
    answers: p.answers,
    hookDecider: p.hookDecider,
    heldDecisions: p.heldDecisions,
    governor: p.governor,
    dispatcher: p.dispatcher,
    delivery: p.delivery,
    prs: p.prs,
    progress: p.progress,
    usage: usage?.meter ?? null,
    budgets: usage?.budgets ?? null,
    costs: costUseCases({
      usage: usage && s.usage ? { ...usage, prices: s.usage.prices, settings: s.usage.budgets } : null,
      registry,
      tasks,
      vendorOf: (profile) => p.profileCatalog.vendorOf(profile),
      tick: () => void p.dispatcher.tick(),
      clock: a.clock,
    }),
    taskReview: new TaskReview({ tasks, review, service, registry, events, clock: a.clock, log: a.log }),
  };
}

/** Checks `working` agents for stalls every STALL_CHECK_MS, one check at a time. */
function stallChecks(a: CoreAdapters, { engine, governor }: AllParts) {
  let timer: TimerHandle | null = null;
  const loop = (): void => {
    void engine
      .checkStalls((id) => governor.isPaused(id))
      .finally(() => {
        if (timer) timer = a.clock.setTimer(STALL_CHECK_MS, loop);
      });
  };
  return {
    start: () => void (timer = a.clock.setTimer(STALL_CHECK_MS, loop)),
    stop: () => {
      if (timer) a.clock.clearTimer(timer);
      timer = null;
    },
  };
}
type Stalls = ReturnType<typeof stallChecks>;

/** Loads state, makes sure the default workspace exists, re-binds surviving hosts, starts timers. */
async function startCore({ a, s }: Given, p: AllParts, stalls: Stalls): Promise<void> {
  const { registry, usage } = p;
  await registry.load();
  await p.tasks.load();
  if (!registry.findWorkspace(DEFAULT_WORKSPACE)) {
    await registry.addWorkspace({
      id: a.ids.next('ws'),
      name: DEFAULT_WORKSPACE,
      repoPath: null,
      backend: s.defaultBackend,
      template: null,
      createdAt: new Date(a.clock.now()).toISOString(),
    });
  }
  await p.lifecycle.resume();
  p.sessions.start();
  p.stats.start();
  stalls.start();
  p.disk?.start();
  p.diffStats?.start();
  await p.governor.start();
  if (usage) {
    await usage.budgets.start();
    usage.meter.start();
  }
  p.dispatcher.start();
  p.policies.start();
  p.hookWatch.start();
  p.prs?.start();
}

async function stopAllAgents(a: CoreAdapters, { registry, lifecycle, service, workspaces }: AllParts) {
  const live = registry.all().filter((x) => isLive(x.state));
  lifecycle.beginShutdown();
  await Promise.all(live.map((x) => service.stop(x.id, { wait: true }, 'daemon')));
  // Shutting everything down: no pane stays behind, not even one showing the last words of an agent
  // that had exited before, nor a template's command pane (and so our private tmux server exits).
  await Promise.all(registry.all().map((x) => lifecycle.closePane(x).catch(() => undefined)));
  await workspaces.closePanes().catch((err: unknown) => a.log.warn({ err }, 'closing panes'));
  return live.length;
}

/** Stops timers, checkpoints output offsets, drops host links (hosts keep running), flushes the store. */
async function stopCore(p: AllParts, stalls: Stalls, unsubscribe: () => void): Promise<void> {
  p.lifecycle.beginShutdown();
  p.policies.stop();
  p.heldDecisions.releaseAll();
  p.hookWatch.stop();
  p.stats.stop();
  p.sessions.stop();
  stalls.stop();
  p.radar?.stop();
  unsubscribe();
  p.disk?.stop();
  p.diffStats?.stop();
  p.dispatcher.stop();
  p.usage?.meter.stop();
  p.prs?.stop();
  p.governor.stop();
  p.engine.dispose();
  p.storage.dispose();
  await p.sessions.checkpoint();
  for (const [, link] of p.hosts.all()) link.close();
  p.orphans.closeAll();
  await p.registry.flush();
}
