import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';

/**
 * /api/v1/report: time tracking from the state events, in the daemon's local days;
 * /api/v1/report/states: agents by state over time; /api/v1/stats/history: recent CPU and memory.
 */
export function registerReportRoutes(app: HttpApp, api: Pick<ApiContext, 'reports'>): void {
  const { reports } = api;
  registerRoute(app, 'timeReport', ({ query }) => reports.timeReport(query));
  registerRoute(app, 'stateTimeline', ({ query }) => reports.stateTimeline(query));
  registerRoute(app, 'statsHistory', ({ query }) => reports.history(query));
}
