import type { Core } from './core.js';
import type { CoreAdapters, CoreSettings } from './core-inputs.js';
import { DEFAULT_STATE_SETTINGS } from './core-inputs.js';
import { DEFAULT_WORKSPACE } from '../protocol/workspace.js';
import { AgentService } from './agents/agent-service.js';
import { isLive } from './model/agent-state.js';
import { EventBus } from './model/event-bus.js';
import { HostDirectory } from './hosts/host-directory.js';
import { HostSessions } from './hosts/host-sessions.js';
import { AgentLifecycle } from './lifecycle/lifecycle.js';
import { OrphanHosts } from './hosts/orphan-hosts.js';
import { OutputHub } from './hosts/output-hub.js';
import type { TimerHandle } from './ports/daemon.js';
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
import { createDelivery, DEFAULT_FORGE_SETTINGS } from './forge/create-delivery.js';
import { ConflictRadar } from './git/conflict-radar.js';
import { ReviewService } from './git/review-service.js';
import { DiskSampler } from './git/disk-sampler.js';
import { DiffStatTracker } from './git/diff-stat-tracker.js';
import { TaskService } from './tasks/task-service.js';
import { TaskReview } from './tasks/task-review.js';
import { UsageGovernor } from './tasks/usage-governor.js';
import { DEFAULT_DISPATCH, Dispatcher } from './tasks/dispatcher.js';
import { AgentRegistry } from './model/registry.js';
import { withPendingEvents } from './model/pending-writes.js';
import { StorageHealth } from './model/storage-health.js';
import { StatsSampler } from './reports/stats-sampler.js';
import { WorkspaceService } from './workspaces/workspace-service.js';
import type { AgentUsageView } from '../protocol/usage.js';
import { createUsage } from './usage/create-usage.js';
import { costUseCases } from './usage/cost-use-cases.js';
import type { UsageMeter } from './usage/usage-meter.js';
import type { BudgetGuard } from './usage/budget-guard.js';
import type { BudgetHold } from './usage/budget-limits.js';
import type { TaskRecord } from './model/task-record.js';
import { recordSandboxDenial } from './agents/sandbox-denials.js';
import { TurnJudge } from './state/turn-judge.js';

/** How often `working` agents are checked for stalls. */
const STALL_CHECK_MS = 15_000;
/** How often worktrees' disk use is measured. */
const DISK_SAMPLE_MS = 60_000;
/** An agent's diff stat is measured this long after it went idle or ended. */
const DIFF_STAT_DEBOUNCE_MS = 1_500;

export type { CoreAdapters, CoreSettings } from './core-inputs.js';
export { DEFAULT_STATE_SETTINGS } from './core-inputs.js';
export type { Core } from './core.js';

export function createCore(a: CoreAdapters, s: CoreSettings): Core {
  const profileCatalog = a.profileCatalog;
  // The model: events, storage health and the registry, which records the health's events.
  const bus = new EventBus();
  const storage = new StorageHealth({ clock: a.clock, log: a.log, probeMs: s.storageProbeMs ?? 2_000 });
  const registry = new AgentRegistry(a.store, bus, a.log, {
    storage,
    clock: a.clock,
    events: a.events,
    ...(s.databasePath === undefined ? {} : { databasePath: s.databasePath }),
  });
  const events = withPendingEvents(a.events, () => registry.pendingWrites());

  // Hosts, their output and their processes' resource use.
  const hosts = new HostDirectory();
  const output = new OutputHub(s.outputTailBytes, () => a.clock.now());
  const stats = new StatsSampler(registry, a.inspector, a.clock, s.statsIntervalMs);
  const orphans = new OrphanHosts({ registry, events: a.events, clock: a.clock, ids: a.ids, log: a.log });

  // The lifecycle, then the state engine that sets its activity states from signals.
  const lifecycle = new AgentLifecycle({
    registry,
    profileCatalog,
    hosts,
    strangers: orphans,
    output,
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
    lastOutputAt: (id) => output.lastOutputAt(id),
    cpuPercent: (id) => stats.get(id)?.cpuPercent ?? null,
    decidesByHook: (id) => {
      const agent = registry.get(id);
      if (agent === undefined || profileCatalog.get(agent.profile).decisionHook === undefined) return false;
      const rules = rulesFor(agent.profile, s.approvals ?? { allow: [], deny: [] }, agent.approvals);
      return rules.allow.length + rules.deny.length > 0;
    },
  });
  lifecycle.onProcessStart((id) => engine.processStarted(id));
  const turns = new TurnJudge({
    engine,
    clock: a.clock,
    log: a.log,
    model: a.turnModel,
    transcripts: a.turnTranscripts,
    settings: s.turnJudge ?? {},
    ...(a.onTurnModelCall === undefined ? {} : { onModelCall: a.onTurnModelCall }),
  });
  const permissions = new PermissionTracker({ registry, profileCatalog, clock: a.clock, log: a.log });
  lifecycle.onProcessStart((id) => permissions.processStarted(id));
  // What each host's terminal emulator could not parse of its agent's output, as its host last said.
  const parseErrors = new Map<string, number>();
  const sessions = new HostSessions(
    lifecycle,
    registry,
    hosts,
    output,
    a.clock,
    a.log,
    s.checkpointIntervalMs,
    (id, signal) => engine.observe(id, signal),
    (id, report) => {
      storage.outputLog(id, report);
      if (report.parseErrors !== undefined) parseErrors.set(id, report.parseErrors);
    },
    (id, reading) => permissions.observe(id, { ...reading, source: 'screen' }),
    (id, denial) => recordSandboxDenial(registry, id, denial),
    (id) => engine.processEnded(id),
  );

  // Git: worktrees, what each agent changed, their disk use, the conflict radar.
  const git: AgentGit | undefined = a.git && {
    ...a.git,
    settings: s.worktrees ?? { portBase: 20_000, portsPerAgent: 10 },
    baseEnv: s.lifecycle.agentBaseEnv,
  };
  const diffStats = git
    ? new DiffStatTracker({ registry, review: git.review, clock: a.clock, log: a.log }, DIFF_STAT_DEBOUNCE_MS)
    : null;
  const disk = git
    ? new DiskSampler({ registry, git: git.worktrees, clock: a.clock, log: a.log }, DISK_SAMPLE_MS)
    : null;
  const radar = git ? new ConflictRadar({ registry, review: git.review, clock: a.clock, log: a.log }) : null;

  // Agents, and the review of their work.
  const service = new AgentService({
    registry,
    profileCatalog,
    lifecycle,
    hosts,
    output,
    stats,
    logs: a.logs,
    clock: a.clock,
    log: a.log,
    preflight: a.preflight,
    ids: a.ids,
    settings: s.factory,
    service: { ...s.service, promptQuietMs: s.promptQuietMs },
    profiles: a.profiles,
    sandbox: a.sandbox,
    git,
    diskUsage: (id) => disk?.get(id) ?? null,
    parseErrors: (id) => parseErrors.get(id) ?? 0,
    diffStat: (id) => diffStats?.get(id) ?? null,
    usage: (id): AgentUsageView | null => usage?.meter.view(id) ?? null,
    nextPrPoll: (id) => prs?.nextPollAt(id) ?? null,
    submitted: (id, at) => engine.submitted(id, at),
    forgetSignals: (id) => {
      engine.forget(id);
      permissions.forget(id);
    },
    permissions,
  });
  const review =
    git && radar
      ? new ReviewService({
          registry,
          service,
          git,
          radar,
          profiles: a.profiles,
          onDiff: (id, diff) => void diffStats?.observed(id, diff.files),
        })
      : null;

  // Tasks: the graph, usage-limit holds, and the dispatcher that starts them on agents.
  const dispatch = s.dispatch ?? DEFAULT_DISPATCH;
  const governor = new UsageGovernor({
    registry,
    profileCatalog,
    bus,
    events,
    clock: a.clock,
    log: a.log,
    pause: (agentId, paused) => {
      const link = hosts.get(agentId);
      link?.send({ type: 'pause', paused });
      return link !== undefined;
    },
    settings: { pauseOnLimit: dispatch.pauseOnUsageLimit },
  });
  // Usage and budgets: the meter reads agents' session files; budgets hold dispatch.
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

  // Delivery: push, pull requests, and the checks that come back.
  const { delivery, prs, progress } = createDelivery({
    registry,
    service,
    review,
    git: git && { ...git, delivery: a.git?.delivery },
    forge: a.forge,
    tasks,
    bus,
    clock: a.clock,
    log: a.log,
    settings: s.forge ?? DEFAULT_FORGE_SETTINGS,
  });

  // What events set off.
  const offDisk = bus.subscribe((e) => {
    if (disk && e.type === 'agent.created') void disk.sample();
    diffStats?.observe(e);
    if (e.type === 'agent.removed' && e.agentId) {
      storage.forgetAgent(e.agentId);
      parseErrors.delete(e.agentId);
    }
  });
  const offRadar = bus.subscribe((e) => radar?.observe(e));
  let stallTimer: TimerHandle | null = null;
  const stallLoop = (): void => {
    void engine
      .checkStalls((id) => governor.isPaused(id))
      .finally(() => {
        if (stallTimer) stallTimer = a.clock.setTimer(STALL_CHECK_MS, stallLoop);
      });
  };

  const workspaces = new WorkspaceService({
    registry,
    profileCatalog,
    service,
    lifecycle,
    muxes: a.muxes,
    output,
    log: a.log,
    preflight: a.preflight,
    ids: a.ids,
    clock: a.clock,
    settings: s.factory,
    sandbox: a.sandbox,
    promptQuietMs: s.promptQuietMs,
    settleTimeoutMs: s.service.hostConnectTimeoutMs + 5_000,
  });

  const heldDecisions = new HeldDecisions({ registry, clock: a.clock, log: a.log });
  const answers = new DialogAnswerer({
    registry,
    service,
    output,
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
  const hookDecider = new HookDecider({
    registry,
    engine,
    approvals: s.approvals ?? { allow: [], deny: [] },
    shell: a.shell ?? NO_SHELL,
    paths: a.realPaths ?? PATHS_AS_WRITTEN,
    clock: a.clock,
    log: a.log,
  });
  const policies = new PolicyAnswerer({
    registry,
    profileCatalog,
    answers,
    approvals: s.approvals ?? { allow: [], deny: [] },
    shell: a.shell ?? NO_SHELL,
    paths: a.realPaths ?? PATHS_AS_WRITTEN,
    log: a.log,
  });
  return {
    service,
    workspaces,
    sessions,
    lifecycle,
    orphans,
    registry,
    bus,
    events,
    storage,
    hosts,
    output,
    stats,
    engine,
    turns,
    permissions,
    profileCatalog,
    review,
    worktrees: git?.worktrees ?? null,
    radar,
    diffStats,
    tasks,
    answers,
    hookDecider,
    heldDecisions,
    governor,
    dispatcher,
    delivery,
    prs,
    progress,
    usage: usage?.meter ?? null,
    budgets: usage?.budgets ?? null,
    costs: costUseCases({
      usage: usage && s.usage ? { ...usage, prices: s.usage.prices, settings: s.usage.budgets } : null,
      registry,
      tasks,
      vendorOf: (p) => profileCatalog.vendorOf(p),
      tick: () => void dispatcher.tick(),
      clock: a.clock,
    }),
    taskReview: new TaskReview({
      tasks,
      review,
      service,
      registry,
      events,
      clock: a.clock,
      log: a.log,
    }),
    async start() {
      await registry.load();
      await tasks.load();
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
      await lifecycle.resume();
      sessions.start();
      stats.start();
      stallTimer = a.clock.setTimer(STALL_CHECK_MS, stallLoop);
      disk?.start();
      diffStats?.start();
      await governor.start();
      if (usage) {
        await usage.budgets.start();
        usage.meter.start();
      }
      dispatcher.start();
      policies.start();
      hookWatch.start();
      prs?.start();
    },
    async stopAllAgents() {
      const live = registry.all().filter((x) => isLive(x.state));
      lifecycle.beginShutdown();
      await Promise.all(live.map((x) => service.stop(x.id, { wait: true }, 'daemon')));
      // Shutting everything down: no pane stays behind, not even one showing the last words
      // of an agent that had exited before ("press any key to close this pane"), nor a
      // template's command pane (and so our private tmux server exits).
      await Promise.all(registry.all().map((x) => lifecycle.closePane(x).catch(() => undefined)));
      await workspaces.closePanes().catch((err: unknown) => a.log.warn({ err }, 'closing panes'));
      return live.length;
    },
    async stop() {
      lifecycle.beginShutdown();
      policies.stop();
      heldDecisions.releaseAll();
      hookWatch.stop();
      stats.stop();
      sessions.stop();
      if (stallTimer) a.clock.clearTimer(stallTimer);
      stallTimer = null;
      radar?.stop();
      offRadar();
      offDisk();
      disk?.stop();
      diffStats?.stop();
      dispatcher.stop();
      usage?.meter.stop();
      prs?.stop();
      governor.stop();
      engine.dispose();
      storage.dispose();
      await sessions.checkpoint();
      for (const [, link] of hosts.all()) link.close();
      orphans.closeAll();
      await registry.flush();
    },
  };
}
