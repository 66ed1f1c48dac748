import { localCalendar } from '../../core/calendar-days.js';
import { queryTimeReport } from '../../core/time-report-query.js';
import type { ApiContext } from './api-context.js';
import type { HttpApp } from './http-app.js';
import { registerRoute } from './register-route.js';

/** /api/v1/report: time tracking from the state events, in the daemon's local days. */
export function registerReportRoutes(app: HttpApp, ctx: ApiContext): void {
  const core = ctx.core;
  registerRoute(app, 'timeReport', ({ query }) =>
    queryTimeReport(
      {
        events: core.events,
        registry: core.registry,
        tasks: core.tasks,
        clock: ctx.clock,
        calendar: localCalendar,
      },
      query,
    ),
  );
}
