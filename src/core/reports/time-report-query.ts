import type { WtpEvent } from '../../protocol/events.js';
import type { StateTimeline, StateTimelineQuery } from '../../protocol/metrics.js';
import type { ReportQuery, TimeReport } from '../../protocol/report.js';
import type { TaskView } from '../../protocol/tasks.js';
import type { Calendar } from './calendar-days.js';
import { withTeams } from './team-time.js';
import { invalidInput } from '../errors.js';
import type { Clock, EventLog } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import type { ReplayCheckpoint, ReplayCheckpoints } from './replay-checkpoints.js';
import { StateTimelineBuilder, TIMELINE_EVENT_TYPES, type OpenSpans } from './state-timeline.js';
import {
  REPORT_EVENT_TYPES,
  TimeReportBuilder,
  type ReportReplayState,
  type ReportWindow,
} from './time-report.js';

/** Events read from the log per query. */
const PAGE_SIZE = 1000;

export interface TimeReportDeps extends LogReader<ReportReplayState> {
  registry: AgentRegistry;
  tasks: { list(): TaskView[] };
  clock: Pick<Clock, 'now'>;
  calendar: Calendar;
}

/**
 * `GET /api/v1/report`: reads the state events into the report builder a page at a time (an
 * agent working since before the window counts from its start), from the latest checkpoint
 * whose events all happened before the window, or from the start of the log. The window ends
 * now at the latest; an empty window is INVALID_INPUT.
 */
export async function queryTimeReport(d: TimeReportDeps, q: ReportQuery): Promise<TimeReport> {
  const window = reportWindow(q, d.clock.now());
  const from = d.checkpoints?.before(window.since);
  const builder = new TimeReportBuilder(window, d.calendar, from?.state);
  for (const w of d.registry.listWorkspaces()) builder.workspace(w.id, w.name);
  for (const a of d.registry.all()) {
    builder.agent({ id: a.id, name: a.name, profile: a.profile, workspaceId: a.workspaceId });
  }
  await replay(d, REPORT_EVENT_TYPES, from, {
    add: (e) => builder.add(e),
    snapshot: () => builder.snapshot(),
  });
  const leadOf = new Map<string, string>();
  for (const a of d.registry.all()) if (a.startedBy !== undefined) leadOf.set(a.id, a.startedBy);
  // A lead's task counts the time of the workers it started.
  const tasks = withTeams(
    d.tasks.list().map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      workspaceId: t.workspaceId,
      agents: t.agents,
    })),
    leadOf,
  );
  return builder.build(tasks, { workspace: q.workspace });
}

/**
 * The window of a report query: ISO `since` and `until` (default now), ending now at the latest.
 * An empty window is INVALID_INPUT on `query.since`.
 */
export function reportWindow(q: { since: string; until?: string | undefined }, now: number): ReportWindow {
  const since = Date.parse(q.since);
  const until = Math.min(q.until === undefined ? now : Date.parse(q.until), now);
  if (!(since < until)) {
    const message = q.until === undefined ? 'must be before now' : 'must be before until and before now';
    throw invalidInput([{ path: 'query.since', message }], `The report window is empty: since ${message}.`);
  }
  return { since, until };
}

/** Reads the log for a report; `between` runs between pages (lets the daemon's other work in). */
interface LogReader<S> {
  events: EventLog;
  checkpoints?: ReplayCheckpoints<S> | undefined;
  between?: (() => Promise<void>) | undefined;
}

/**
 * Feeds `sink` every event of `types` after `from` (the start of the log without one), a page at a
 * time in log order, offering `d.checkpoints` the sink's snapshot every `every` events. A long log
 * is read synchronously a page at a time: `between` lets other work in between pages.
 */
async function replay<S>(
  d: LogReader<S>,
  types: readonly WtpEvent['type'][],
  from: ReplayCheckpoint<S> | undefined,
  sink: { add(e: WtpEvent): void; snapshot(): S },
): Promise<void> {
  let after = from?.seq ?? 0;
  let events = from?.events ?? 0;
  let maxTs = from?.maxTs ?? Number.NEGATIVE_INFINITY;
  const every = d.checkpoints?.every ?? 0;
  for (;;) {
    const page = await d.events.since({ since: after, limit: PAGE_SIZE, types });
    for (const e of page) {
      sink.add(e);
      events++;
      maxTs = Math.max(maxTs, Date.parse(e.ts));
      if (every > 0 && events % every === 0) {
        d.checkpoints?.offer({ seq: e.seq, events, maxTs, state: sink.snapshot() });
      }
    }
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || !last) break;
    after = last.seq;
    await d.between?.();
  }
}

/**
 * `GET /api/v1/report/states`: agents by state over the report window. The states at the window
 * start come from the events before it: replayed from the latest checkpoint whose events all
 * happened before the window (the start of the log without one), taking new checkpoints on the way.
 */
export async function queryStateTimeline(
  d: LogReader<OpenSpans> & { clock: Pick<Clock, 'now'> },
  q: StateTimelineQuery,
): Promise<StateTimeline> {
  const window = reportWindow(q, d.clock.now());
  const from = d.checkpoints?.before(window.since);
  const builder = new StateTimelineBuilder(window, q.buckets, from?.state);
  await replay(d, TIMELINE_EVENT_TYPES, from, {
    add: (e) => builder.add(e),
    snapshot: () => builder.openSpans(),
  });
  return builder.build();
}
