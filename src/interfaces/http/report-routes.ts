import { localCalendar } from '../../core/reports/calendar-days.js';
import { ReplayCheckpoints } from '../../core/reports/replay-checkpoints.js';
import type { OpenSpans } from '../../core/reports/state-timeline.js';
import type { ReportReplayState } from '../../core/reports/time-report.js';
import { queryStateTimeline, queryTimeReport } from '../../core/reports/time-report-query.js';
import type { ApiContext } from './api-context.js';
import type { HttpApp } from './http-app.js';
import { registerRoute } from './register-route.js';

/**
 * /api/v1/report: time tracking from the state events, in the daemon's local days;
 * /api/v1/report/states: agents by state over time; /api/v1/stats/history: recent CPU and memory.
 */
export function registerReportRoutes(app: HttpApp, ctx: ApiContext): void {
  const core = ctx.core;
  // Kept across requests: a query starts from the latest one before its window.
  const timeline = new ReplayCheckpoints<OpenSpans>();
  const report = new ReplayCheckpoints<ReportReplayState>();
  /** A long log is read a page at a time; hooks and other requests are served between pages. */
  const between = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  registerRoute(app, 'timeReport', ({ query }) =>
    queryTimeReport(
      {
        events: core.events,
        checkpoints: report,
        between,
        registry: core.registry,
        tasks: core.tasks,
        clock: ctx.clock,
        calendar: localCalendar,
      },
      query,
    ),
  );
  registerRoute(app, 'stateTimeline', ({ query }) =>
    queryStateTimeline({ events: core.events, clock: ctx.clock, checkpoints: timeline, between }, query),
  );
  registerRoute(app, 'statsHistory', ({ query }) => core.stats.history(query));
}
