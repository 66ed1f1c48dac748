import type { ReportQuery, TimeReport } from '../protocol/report.js';
import type { TaskView } from '../protocol/tasks.js';
import type { Calendar } from './calendar-days.js';
import { invalidInput } from './errors.js';
import type { Clock, EventLog } from './ports.js';
import type { AgentRegistry } from './registry.js';
import { REPORT_EVENT_TYPES, TimeReportBuilder } from './time-report.js';

/** Events read from the log per query. */
const PAGE_SIZE = 1000;

export interface TimeReportDeps {
  events: EventLog;
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
  const now = d.clock.now();
  const since = Date.parse(q.since);
  const until = Math.min(q.until === undefined ? now : Date.parse(q.until), now);
  if (!(since < until)) {
    const message = q.until === undefined ? 'must be before now' : 'must be before until and before now';
    throw invalidInput([{ path: 'query.since', message }], `The report window is empty: since ${message}.`);
  }
  const builder = new TimeReportBuilder({ since, until }, d.calendar);
  for (const w of d.registry.listWorkspaces()) builder.workspace(w.id, w.name);
  for (const a of d.registry.all()) {
    builder.agent({ id: a.id, name: a.name, profile: a.profile, workspaceId: a.workspaceId });
  }
  let after = 0;
  for (;;) {
    const page = await d.events.since({ since: after, limit: PAGE_SIZE, types: REPORT_EVENT_TYPES });
    for (const e of page) builder.add(e);
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || !last) break;
    after = last.seq;
  }
  const tasks = d.tasks.list().map((t) => ({
    id: t.id,
    title: t.title,
    status: t.status,
    workspaceId: t.workspaceId,
    agents: t.agents,
  }));
  return builder.build(tasks, { workspace: q.workspace });
}
