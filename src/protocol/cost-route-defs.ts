import type { RouteDef } from './route-def.js';
import { ROUTE_PATHS } from './route-paths.js';
import {
  budgetListSchema,
  costQuerySchema,
  costReportSchema,
  costSeriesQuerySchema,
  costSeriesSchema,
  setBudgetRequestSchema,
} from './usage.js';

/** What agents cost and budgets in money (part of `routes`). */
export const costRoutes = {
  costReport: {
    ...ROUTE_PATHS.costReport,
    summary:
      'Tokens and money per agent, task (all its attempts), workspace, day, model or vendor, from the agents’ own usage records priced with the price table',
    query: costQuerySchema,
    response: costReportSchema,
  },
  costSeries: {
    ...ROUTE_PATHS.costSeries,
    summary: 'Spending per hour, workspace, vendor and model (the dashboard’s chart)',
    query: costSeriesQuerySchema,
    response: costSeriesSchema,
  },
  listBudgets: {
    ...ROUTE_PATHS.listBudgets,
    summary:
      'Budgets in money per task, workspace and day, with what was spent against each (not vendor quotas)',
    response: budgetListSchema,
  },
  setBudget: {
    ...ROUTE_PATHS.setBudget,
    summary: 'Set (limitUsd) or remove (null) the budget of a task, a workspace or every day',
    body: setBudgetRequestSchema,
    response: budgetListSchema,
  },
} satisfies Record<string, RouteDef>;
