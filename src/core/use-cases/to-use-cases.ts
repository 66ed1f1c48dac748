import type { ProfileName } from '../../protocol/constants.js';
import { broadcast } from '../agents/broadcast.js';
import { assertMayAct, assertMayRead, assertMayStart } from '../agents/team-scope.js';
import { TerminalInput } from '../agents/terminal-input.js';
import type { Core } from '../create-core.js';
import type { Clock } from '../ports/daemon.js';
import { recentAnswers, recentHookMisses } from '../reports/answer-audit.js';
import { localCalendar } from '../reports/calendar-days.js';
import { ReplayCheckpoints } from '../reports/replay-checkpoints.js';
import type { OpenSpans } from '../reports/state-timeline.js';
import type { ReportReplayState } from '../reports/time-report.js';
import { queryStateTimeline, queryTimeReport } from '../reports/time-report-query.js';
import { receiveHook } from '../state/hook-intake.js';
import { STATE_RULES } from '../state/state-rules.js';
import { forkAgent } from './fork-agent.js';
import type { DeliveryUseCases, UseCases } from './use-cases.js';

export interface UseCaseDeps {
  clock: Clock;
  /** Config `mcp.workerProfiles`: profiles without permission modes an agent may start. */
  workerProfiles?: readonly string[];
  /** Config `tasks.defaultProfile`: a task's profile when it names none. */
  defaultTaskProfile?: string;
  /** Lets other work run between the pages of a long event log (the daemon: one turn of its event loop). */
  between: () => Promise<void>;
}

/** The API's face of the core: its services as they are, and thin functions over the rest. */
export function toUseCases(core: Core, d: UseCaseDeps): UseCases {
  const { registry, service, engine, events } = core;
  // Kept across queries: a report starts from the latest checkpoint before its window.
  const timeline = new ReplayCheckpoints<OpenSpans>();
  const report = new ReplayCheckpoints<ReportReplayState>();
  return {
    agents: service,
    fork: {
      fork: (ref, req, source) =>
        forkAgent(
          { registry, service, profileCatalog: core.profileCatalog, worktrees: core.worktrees },
          ref,
          req,
          source,
        ),
    },
    answers: core.answers,
    broadcast: {
      send: (text, workspace, source) => broadcast({ registry, service }, text, workspace, source),
    },
    terminals: {
      onResize: (agentId, listener) => core.output.onResize(agentId, listener),
      subscriberCount: () => core.output.subscriberCount(),
      openInput: (agent, client, guard) =>
        new TerminalInput(
          { registry, clock: d.clock, write: (a, b) => service.typeRaw(a, b) },
          agent,
          client,
          'user',
          guard,
        ),
    },
    states: {
      async why(ref) {
        const agent = service.get(ref);
        const answers = await recentAnswers(events, agent.id);
        const hookMisses = await recentHookMisses(events, agent.id);
        const named = (id: string) => ({ id, name: registry.get(id)?.name ?? '?' });
        const workers = service
          .list()
          .filter((a) => a.startedBy === agent.id)
          .map((a) => ({ id: a.id, name: a.name }));
        const lead = agent.startedBy === null ? null : named(agent.startedBy);
        const next = engine.nextDecisionAt(agent.id);
        return {
          agent,
          signals: engine.recentSignals(agent.id),
          nextDecisionAt: next === null ? null : new Date(next).toISOString(),
          rules: STATE_RULES,
          answers,
          hookMisses,
          trust: service.trustOf(agent.id),
          ...(lead !== null || workers.length > 0 ? { team: { lead, workers } } : {}),
        };
      },
      receiveHook: (agentId, body, signal) =>
        receiveHook(
          {
            registry,
            profileCatalog: core.profileCatalog,
            service,
            engine,
            clock: d.clock,
            decider: core.hookDecider,
            permissions: core.permissions,
            turns: core.turns,
            held: core.heldDecisions,
          },
          agentId,
          body,
          signal,
        ),
    },
    workspaces: core.workspaces,
    orphans: core.orphans,
    events: {
      since: (query) => events.since(query),
      latestSeq: () => events.latestSeq(),
      subscribe: (listener) => core.bus.subscribe(listener),
      agentId(ref) {
        try {
          return registry.resolve(ref).id;
        } catch {
          return ref; // a removed agent: its raw id
        }
      },
    },
    tasks: core.tasks,
    attempts: core.taskReview,
    quota: {
      list: () => core.governor.list(),
      resume: (vendor) =>
        core.governor.resume(
          vendor === undefined ? undefined : (core.profileCatalog.vendorOf(vendor) ?? vendor),
          'user',
        ),
    },
    costs: core.costs,
    review: core.review,
    radar: core.radar,
    delivery: deliveryUseCases(core),
    progress: core.progress,
    reports: {
      timeReport: (q) =>
        queryTimeReport(
          {
            events,
            checkpoints: report,
            between: d.between,
            registry,
            tasks: core.tasks,
            clock: d.clock,
            calendar: localCalendar,
          },
          q,
        ),
      stateTimeline: (q) =>
        queryStateTimeline({ events, clock: d.clock, checkpoints: timeline, between: d.between }, q),
      history: (q) => core.stats.history(q),
    },
    storage: core.storage,
    team: {
      assertMayRead,
      assertMayAct,
      assertMayStart: (caller, { profile, ...ask }) => {
        const name = profile ?? d.defaultTaskProfile ?? 'claude';
        const asks = core.profileCatalog.get(name as ProfileName).permissions !== undefined;
        const granted = asks || (d.workerProfiles ?? []).includes(name);
        assertMayStart(caller, { ...ask, ...(granted ? {} : { ungranted: name }) });
      },
      neutralMode: (profile, modeName) =>
        core.profileCatalog.get(profile as ProfileName).permissions?.modes[modeName] ?? 'unknown',
      async toolCalled(caller, data) {
        const by = caller.kind === 'agent' ? caller.agent : null;
        await registry.record([
          {
            type: 'mcp.toolCalled',
            source: by ? 'agent' : 'api',
            agentId: by?.id ?? null,
            workspaceId: by?.workspaceId ?? null,
            data,
          },
        ]);
      },
    },
  };
}

/** Push and pull requests, when the core has them (git and a forge CLI runner). */
function deliveryUseCases(core: Core): DeliveryUseCases | null {
  const { delivery, prs } = core;
  if (!delivery || !prs) return null;
  return {
    push: (ref, opts, source) => delivery.push(ref, opts, source),
    openPr: (ref, opts, source) => delivery.openPr(ref, opts, source),
    prs,
  };
}
