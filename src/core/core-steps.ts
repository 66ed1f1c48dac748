// The steps `createCore` wires the core in, each building one part from the parts before it.
// Their order is the construction order: bus subscriptions run in it.
import type { CoreAdapters, CoreSettings } from './core-inputs.js';
import { DEFAULT_STATE_SETTINGS } from './core-inputs.js';
import { AgentService } from './agents/agent-service.js';
import { EventBus } from './model/event-bus.js';
import { HostDirectory } from './hosts/host-directory.js';
import { HostSessions } from './hosts/host-sessions.js';
import { AgentLifecycle } from './lifecycle/lifecycle.js';
import { OrphanHosts } from './hosts/orphan-hosts.js';
import { OutputHub } from './hosts/output-hub.js';
import { HeldDecisions } from './agents/held-decisions.js';
import { DialogAnswerer } from './agents/dialog-answerer.js';
import { PolicyAnswerer } from './policies/policy-answerer.js';
import { HookWatch } from './state/hook-watch.js';
import { HookDecider } from './policies/hook-decider.js';
import { rulesFor } from './policies/agent-rules.js';
import { NO_SHELL, PATHS_AS_WRITTEN } from './policies/without-parser.js';
import { StateEngine } from './state/state-engine.js';
import { PermissionTracker } from './agents/permission-tracker.js';
import type { AgentGit } from './git/agent-worktree.js';
import { ConflictRadar } from './git/conflict-radar.js';
import { ReviewService } from './git/review-service.js';
import { DiskSampler } from './git/disk-sampler.js';
import { DiffStatTracker } from './git/diff-stat-tracker.js';
import { TaskService } from './tasks/task-service.js';
import { UsageGovernor } from './tasks/usage-governor.js';
import { DEFAULT_DISPATCH, Dispatcher } from './tasks/dispatcher.js';
import { AgentRegistry } from './model/registry.js';
import { withPendingEvents } from './model/pending-writes.js';
import { StorageHealth } from './model/storage-health.js';
import { StatsSampler } from './reports/stats-sampler.js';
import type { AgentUsageView } from '../protocol/usage.js';
import { createUsage } from './usage/create-usage.js';
import type { UsageMeter } from './usage/usage-meter.js';
import type { BudgetGuard } from './usage/budget-guard.js';
import type { BudgetHold } from './usage/budget-limits.js';
import type { TaskRecord } from './model/task-record.js';
import { recordSandboxDenial } from './agents/sandbox-denials.js';
import { TurnJudge } from './state/turn-judge.js';

/** How often worktrees' disk use is measured. */
const DISK_SAMPLE_MS = 60_000;
/** An agent's diff stat is measured this long after it went idle or ended. */
const DIFF_STAT_DEBOUNCE_MS = 1_500;

type In = { a: CoreAdapters; s: CoreSettings };

/** The model: events, storage health and the registry, which records the health's events. */
export function modelStep({ a, s }: In) {
  const bus = new EventBus();
  const storage = new StorageHealth({ clock: a.clock, log: a.log, probeMs: s.storageProbeMs ?? 2_000 });
  const registry = new AgentRegistry(a.store, bus, a.log, {
    storage,
    clock: a.clock,
    events: a.events,
    ...(s.databasePath === undefined ? {} : { databasePath: s.databasePath }),
  });
  const events = withPendingEvents(a.events, () => registry.pendingWrites());
  return { profileCatalog: a.profileCatalog, bus, storage, registry, events };
}
type Model = ReturnType<typeof modelStep>;

/** Hosts, their output and their processes' resource use. */
export function hostStep({ a, s }: In, { registry }: Model) {
  const hosts = new HostDirectory();
  const output = new OutputHub(s.outputTailBytes, () => a.clock.now());
  const stats = new StatsSampler(registry, a.inspector, a.clock, s.statsIntervalMs);
  const orphans = new OrphanHosts({ registry, events: a.events, clock: a.clock, ids: a.ids, log: a.log });
  return { hosts, output, stats, orphans };
}
type Hosts = ReturnType<typeof hostStep>;

/** The lifecycle, then the state engine that sets its activity states from signals. */
export function stateStep({ a, s }: In, { registry, profileCatalog }: Model, h: Hosts) {
  const lifecycle = new AgentLifecycle({
    registry,
    profileCatalog,
    hosts: h.hosts,
    strangers: h.orphans,
    output: h.output,
    launcher: a.launcher,
    inspector: a.inspector,
    clock: a.clock,
    log: a.log,
    settings: s.lifecycle,
  });
  const engine = new StateEngine({
    registry,
    profileCatalog,
    clock: a.clock,
    log: a.log,
    settings: s.states ?? DEFAULT_STATE_SETTINGS,
    transition: (agent, to, detail, source) => lifecycle.applyActivity(agent, to, detail, source),
    lastOutputAt: (id) => h.output.lastOutputAt(id),
    cpuPercent: (id) => h.stats.get(id)?.cpuPercent ?? null,
    decidesByHook: (id) => {
      const agent = registry.get(id);
      if (agent === undefined || profileCatalog.get(agent.profile).decisionHook === undefined) return false;
      const rules = rulesFor(agent.profile, s.approvals ?? { allow: [], deny: [] }, agent.approvals);
      return rules.allow.length + rules.deny.length > 0;
    },
  });
  lifecycle.onProcessStart((id) => engine.processStarted(id));
  return { lifecycle, engine };
}
type States = ReturnType<typeof stateStep>;

/** How turns ended, each agent's permission mode, and the hosts' sessions that feed them. */
export function sessionStep({ a, s }: In, m: Model, h: Hosts, { lifecycle, engine }: States) {
  const turns = new TurnJudge({
    engine,
    clock: a.clock,
    log: a.log,
    model: a.turnModel,
    transcripts: a.turnTranscripts,
    settings: s.turnJudge ?? {},
    ...(a.onTurnModelCall === undefined ? {} : { onModelCall: a.onTurnModelCall }),
  });
  const permissions = new PermissionTracker({
    registry: m.registry,
    profileCatalog: m.profileCatalog,
    clock: a.clock,
    log: a.log,
  });
  lifecycle.onProcessStart((id) => permissions.processStarted(id));
  // What each host's terminal emulator could not parse of its agent's output, as its host last said.
  const parseErrors = new Map<string, number>();
  const sessions = new HostSessions(
    lifecycle,
    m.registry,
    h.hosts,
    h.output,
    a.clock,
    a.log,
    s.checkpointIntervalMs,
    (id, signal) => engine.observe(id, signal),
    (id, report) => {
      m.storage.outputLog(id, report);
      if (report.parseErrors !== undefined) parseErrors.set(id, report.parseErrors);
    },
    (id, reading) => permissions.observe(id, { ...reading, source: 'screen' }),
    (id, denial) => recordSandboxDenial(m.registry, id, denial),
    (id) => engine.processEnded(id),
  );
  return { turns, permissions, parseErrors, sessions };
}
type Sessions = ReturnType<typeof sessionStep>;

/** Git: worktrees, what each agent changed, their disk use, the conflict radar (all null without git). */
export function gitStep({ a, s }: In, { registry }: Model) {
  const git: AgentGit | undefined = a.git && {
    ...a.git,
    settings: s.worktrees ?? { portBase: 20_000, portsPerAgent: 10 },
    baseEnv: s.lifecycle.agentBaseEnv,
  };
  const deps = { registry, clock: a.clock, log: a.log };
  const diffStats = git ? new DiffStatTracker({ ...deps, review: git.review }, DIFF_STAT_DEBOUNCE_MS) : null;
  const disk = git ? new DiskSampler({ ...deps, git: git.worktrees }, DISK_SAMPLE_MS) : null;
  const radar = git ? new ConflictRadar({ ...deps, review: git.review }) : null;
  return { git, diffStats, disk, radar };
}
type Git = ReturnType<typeof gitStep>;

/** What the agent view reads from parts made after the agents: filled in once they are. */
export interface LateParts {
  usage: UsageMeter | null;
  prs: { nextPollAt(agentId: string): number | null } | null;
}

/** Agents, and the review of their work. */
export function agentStep(
  { a, s }: In,
  m: Model,
  h: Hosts,
  st: States,
  se: Sessions,
  g: Git,
  late: LateParts,
) {
  const service = new AgentService({
    registry: m.registry,
    profileCatalog: m.profileCatalog,
    lifecycle: st.lifecycle,
    hosts: h.hosts,
    output: h.output,
    stats: h.stats,
    logs: a.logs,
    clock: a.clock,
    log: a.log,
    preflight: a.preflight,
    ids: a.ids,
    settings: s.factory,
    service: { ...s.service, promptQuietMs: s.promptQuietMs },
    profiles: a.profiles,
    sandbox: a.sandbox,
    git: g.git,
    diskUsage: (id) => g.disk?.get(id) ?? null,
    parseErrors: (id) => se.parseErrors.get(id) ?? 0,
    diffStat: (id) => g.diffStats?.get(id) ?? null,
    usage: (id): AgentUsageView | null => late.usage?.view(id) ?? null,
    nextPrPoll: (id) => late.prs?.nextPollAt(id) ?? null,
    submitted: (id, at) => st.engine.submitted(id, at),
    forgetSignals: (id) => {
      st.engine.forget(id);
      se.permissions.forget(id);
    },
    permissions: se.permissions,
  });
  const { git, radar, diffStats } = g;
  const review =
    git && radar
      ? new ReviewService({
          registry: m.registry,
          service,
          git,
          radar,
          profiles: a.profiles,
          onDiff: (id, diff) => void diffStats?.observed(id, diff.files),
        })
      : null;
  return { service, review };
}
type Agents = ReturnType<typeof agentStep>;

/** Tasks: the graph, usage-limit holds, budgets from the usage meter, and the dispatcher. */
export function taskStep({ a, s }: In, m: Model, h: Hosts, { service }: Agents) {
  const dispatch = s.dispatch ?? DEFAULT_DISPATCH;
  const { registry, profileCatalog, bus, events } = m;
  const governor = new UsageGovernor({
    registry,
    profileCatalog,
    bus,
    events,
    clock: a.clock,
    log: a.log,
    pause: (agentId, paused) => {
      const link = h.hosts.get(agentId);
      link?.send({ type: 'pause', paused });
      return link !== undefined;
    },
    settings: { pauseOnLimit: dispatch.pauseOnUsageLimit },
  });
  // The meter reads agents' session files; budgets hold dispatch.
  const usage: { meter: UsageMeter; budgets: BudgetGuard } | null =
    a.usage && s.usage
      ? createUsage({
          adapters: a.usage,
          settings: s.usage,
          registry,
          tasks: (): TaskService => tasks,
          service: (): AgentService => service,
          events,
          clock: a.clock,
          log: a.log,
        })
      : null;
  const budget: ((t: TaskRecord) => BudgetHold | undefined) | undefined = usage
    ? (t: TaskRecord) => usage.budgets.heldFor(t)
    : undefined;
  const tasks = new TaskService({
    registry,
    ids: a.ids,
    clock: a.clock,
    retries: dispatch.retries,
    dispatch,
    governor,
    budget,
  });
  const dispatcher = new Dispatcher({
    tasks,
    service,
    registry,
    profileCatalog,
    bus,
    log: a.log,
    governor,
    budget,
    settings: dispatch,
  });
  return { governor, usage, tasks, dispatcher };
}

/** Answers: held decision hooks, answers checked against the screen, approval rules. */
export function answerStep(
  { a, s }: In,
  { registry, profileCatalog }: Model,
  h: Hosts,
  st: States,
  { service }: Agents,
) {
  const { engine } = st;
  const heldDecisions = new HeldDecisions({ registry, clock: a.clock, log: a.log });
  const answers = new DialogAnswerer({
    registry,
    service,
    output: h.output,
    profileCatalog,
    detectors: a.detectors,
    held: heldDecisions,
    hookCall: (id) =>
      engine.latestSignals(id).hook === undefined
        ? 'unknown'
        : heldDecisions.canHold(id)
          ? 'coming'
          : 'never',
    clock: a.clock,
    log: a.log,
  });
  const hookWatch = new HookWatch({
    registry,
    profileCatalog,
    latest: (id) => engine.latestSignals(id),
    clock: a.clock,
    log: a.log,
  });
  const approvals = s.approvals ?? { allow: [], deny: [] };
  const shell = a.shell ?? NO_SHELL;
  const paths = a.realPaths ?? PATHS_AS_WRITTEN;
  const hookDecider = new HookDecider({
    registry,
    engine,
    approvals,
    shell,
    paths,
    clock: a.clock,
    log: a.log,
  });
  const policies = new PolicyAnswerer({
    registry,
    profileCatalog,
    answers,
    approvals,
    shell,
    paths,
    log: a.log,
  });
  return { heldDecisions, answers, hookWatch, hookDecider, policies };
}
