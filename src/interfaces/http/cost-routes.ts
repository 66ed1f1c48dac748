import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';

/** /api/v1/report/cost, its series, and /api/v1/budgets. */
export function registerCostRoutes(app: HttpApp, api: Pick<ApiContext, 'costs'>): void {
  const { costs } = api;
  registerRoute(app, 'costReport', ({ query }) => costs.report(query));
  registerRoute(app, 'costSeries', ({ query }) => costs.series(query));
  registerRoute(app, 'listBudgets', () => costs.budgets());
  registerRoute(app, 'setBudget', ({ body }) => costs.setBudget(body));
}
