import type { WtpEvent } from '../protocol/events.js';
import type { StateTimeline, StateTimelineQuery } from '../protocol/metrics.js';
import type { ReportQuery, TimeReport } from '../protocol/report.js';
import type { TaskView } from '../protocol/tasks.js';
import type { Calendar } from './calendar-days.js';
import { invalidInput } from './errors.js';
import type { Clock, EventLog } from './ports.js';
import type { AgentRegistry } from './registry.js';
import { StateTimelineBuilder, TIMELINE_EVENT_TYPES, type TimelineCheckpoints } from './state-timeline.js';
import { REPORT_EVENT_TYPES, TimeReportBuilder, type ReportWindow } from './time-report.js';

/** Events read from the log per query. */
const PAGE_SIZE = 1000;

export interface TimeReportDeps {
  events: EventLog;
  /** Runs between pages of the log (lets the daemon's other work in). */
  between?: (() => Promise<void>) | undefined;
  registry: AgentRegistry;
  tasks: { list(): TaskView[] };
  clock: Clock;
  calendar: Calendar;
}

/**
 * `GET /api/v1/report`: reads the state events from the start of the log a page at a time
 * (an agent working since before the window counts from its start) into the report builder.
 * The window ends now at the latest; an empty window is INVALID_INPUT.
 */
export async function queryTimeReport(d: TimeReportDeps, q: ReportQuery): Promise<TimeReport> {
  const builder = new TimeReportBuilder(reportWindow(q, d.clock.now()), d.calendar);
  for (const w of d.registry.listWorkspaces()) builder.workspace(w.id, w.name);
  for (const a of d.registry.all()) {
    builder.agent({ id: a.id, name: a.name, profile: a.profile, workspaceId: a.workspaceId });
  }
  await readLog(d.events, REPORT_EVENT_TYPES, (e) => builder.add(e), { between: d.between });
  const tasks = d.tasks.list().map((t) => ({
    id: t.id,
    title: t.title,
    status: t.status,
    workspaceId: t.workspaceId,
    agents: t.agents,
  }));
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

/**
 * Every event of these types after `after` in the log, a page at a time, in log order. `between`
 * runs between pages: the daemon lets other work in there (a long log is read synchronously).
 */
async function readLog(
  events: EventLog,
  types: readonly WtpEvent['type'][],
  add: (e: WtpEvent) => void,
  o: { after?: number | undefined; between?: (() => Promise<void>) | undefined } = {},
): Promise<void> {
  let after = o.after ?? 0;
  for (;;) {
    const page = await events.since({ since: after, limit: PAGE_SIZE, types });
    for (const e of page) add(e);
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || !last) break;
    after = last.seq;
    await o.between?.();
  }
}

/**
 * `GET /api/v1/report/states`: agents by state over the report window. The states at the window
 * start come from the events before it: replayed from the latest checkpoint whose events all
 * happened before the window (the start of the log without one), taking new checkpoints on the way.
 */
export async function queryStateTimeline(
  d: {
    events: EventLog;
    clock: Pick<Clock, 'now'>;
    checkpoints?: TimelineCheckpoints | undefined;
    between?: (() => Promise<void>) | undefined;
  },
  q: StateTimelineQuery,
): Promise<StateTimeline> {
  const window = reportWindow(q, d.clock.now());
  const from = d.checkpoints?.before(window.since);
  const builder = new StateTimelineBuilder(window, q.buckets, from?.open);
  let events = from?.events ?? 0;
  let maxTs = from?.maxTs ?? Number.NEGATIVE_INFINITY;
  const every = d.checkpoints?.every ?? 0;
  const add = (e: WtpEvent): void => {
    builder.add(e);
    events++;
    maxTs = Math.max(maxTs, Date.parse(e.ts));
    if (every > 0 && events % every === 0) {
      d.checkpoints?.offer({ seq: e.seq, events, maxTs, open: builder.openSpans() });
    }
  };
  await readLog(d.events, TIMELINE_EVENT_TYPES, add, { after: from?.seq, between: d.between });
  return builder.build();
}
