import { z } from 'zod';
import { isoTimeSchema } from './common.js';

/**
 * What agents cost: tokens per kind read from each vendor's own records, money from a
 * price table, the context window's fill, and budgets in money. Not the usage governor's vendor
 * quota (protocol/quota.ts): a budget is the user's own limit on what agents spend.
 */

const count = z.number().int().min(0);

/** Tokens by kind. `input` excludes the cached part (`cacheRead`); `output` includes reasoning. */
export const tokenCountsSchema = z.object({
  input: count.describe('Input tokens not read from the cache'),
  output: count.describe('Output tokens (reasoning/thinking included)'),
  cacheRead: count.describe('Input tokens read from the prompt cache'),
  cacheWrite: count.describe('Input tokens written to the prompt cache'),
});
export type TokenCountsView = z.infer<typeof tokenCountsSchema>;

/** Tokens and money of one model. */
export const modelUsageSchema = z.object({
  model: z.string().describe("The model as the vendor's records name it"),
  tokens: tokenCountsSchema,
  costUsd: z
    .number()
    .min(0)
    .nullable()
    .describe('US dollars from the price table; null: no price for the model'),
});
export type ModelUsageView = z.infer<typeof modelUsageSchema>;

/** How full the model's context window was at the agent's last turn. */
export const contextFillSchema = z.object({
  used: count.describe('Tokens of the last request (input, cached and output)'),
  window: count.nullable().describe("The model's context window in tokens; null when unknown"),
  percent: z.number().min(0).nullable().describe('used / window × 100; null when the window is unknown'),
  model: z.string().nullable(),
});
export type ContextFillView = z.infer<typeof contextFillSchema>;

/** An agent's usage (the agent view's `usage`). */
export const agentUsageSchema = z.object({
  tokens: tokenCountsSchema.describe('Every model together'),
  models: z.array(modelUsageSchema),
  costUsd: z
    .number()
    .min(0)
    .nullable()
    .describe('US dollars; null ("unknown") when a model it used has no price: never a guess'),
  unpricedModels: z.array(z.string()).describe('Models it used that the price table does not know'),
  context: contextFillSchema.nullable(),
  exactness: z
    .enum(['exact', 'estimated'])
    .describe("exact: the vendor's own per-request usage; estimated: see docs/cost.md for the vendor"),
  source: z.string().describe('What the numbers were read from (e.g. "Claude Code session transcript")'),
  files: z.number().int().min(0).describe('Session files read'),
  refused: z
    .number()
    .int()
    .min(0)
    .describe('Lines or files refused (cut, oversized, forged numbers, a link, replaced): see `wtp why`'),
  problem: z.string().nullable().describe('The last refusal, in words; null when none'),
  updatedAt: isoTimeSchema.nullable().describe('When usage was last counted'),
});
export type AgentUsageView = z.infer<typeof agentUsageSchema>;

export const budgetScopeSchema = z.enum(['task', 'workspace', 'day']);
export type BudgetScope = z.infer<typeof budgetScopeSchema>;

/** One budget and what was spent against it. */
export const budgetViewSchema = z.object({
  scope: budgetScopeSchema,
  /** Task id, workspace id, or the day (YYYY-MM-DD). */
  key: z.string(),
  /** Task title, workspace name or the day. */
  name: z.string(),
  limitUsd: z.number().min(0),
  spentUsd: z.number().min(0),
  /** Spending of models without a price is not in spentUsd (unknown, never guessed). */
  unpriced: z.boolean(),
  state: z.enum(['ok', 'near', 'reached']),
  /** Where the limit comes from: the config or `wtp budget set`. */
  from: z.enum(['config', 'cli']),
});
export type BudgetView = z.infer<typeof budgetViewSchema>;

/** `GET /api/v1/budgets`, `wtp budget --json`. */
export const budgetListSchema = z.object({
  budgets: z.array(budgetViewSchema),
  nearAt: z.number().describe('The fraction of a budget at which it is nearing (config budget.nearAt)'),
  onExceeded: z.enum(['hold', 'interrupt']),
});
export type BudgetList = z.infer<typeof budgetListSchema>;

/** `PUT /api/v1/budgets`: a budget set (limitUsd) or removed (null) from the CLI. */
export const setBudgetRequestSchema = z.strictObject({
  scope: budgetScopeSchema,
  /** Task id, workspace name or id; for `day`, omitted: every day. */
  target: z.string().min(1).max(200).optional(),
  limitUsd: z.number().min(0).max(1e9).nullable(),
});
export type SetBudgetRequest = z.infer<typeof setBudgetRequestSchema>;

/** One row of the cost report: a group (agent, task, workspace, day) and what it spent. */
export const costRowSchema = z.object({
  key: z.string(),
  name: z.string(),
  tokens: tokenCountsSchema,
  costUsd: z.number().min(0).describe('Priced spending only'),
  unpricedModels: z
    .array(z.string())
    .describe('Models without a price: their tokens are counted, not their cost'),
  /** Agents: the profile; tasks: how many agents (attempts, retries, variants) ran it. */
  detail: z.string().nullable(),
});
export type CostRow = z.infer<typeof costRowSchema>;

export const costGroupSchema = z.enum(['agent', 'task', 'workspace', 'day', 'model', 'vendor']);
export type CostGroup = z.infer<typeof costGroupSchema>;

/** `GET /api/v1/reports/cost`, `wtp report --cost --json`. */
export const costReportSchema = z.object({
  from: isoTimeSchema.nullable(),
  to: isoTimeSchema,
  groups: z.record(z.string(), z.array(costRowSchema)),
  total: costRowSchema,
  prices: z.object({ date: z.string(), source: z.string() }).describe('The bundled price table used'),
});
export type CostReport = z.infer<typeof costReportSchema>;

/** `GET /api/v1/reports/cost/series`: spending per hour, for the dashboard's chart. */
export const costSeriesSchema = z.object({
  points: z.array(
    z.object({
      at: isoTimeSchema.describe('Start of the hour'),
      workspace: z.string(),
      vendor: z.string(),
      model: z.string(),
      costUsd: z.number().min(0),
      tokens: count,
    }),
  ),
});
export type CostSeries = z.infer<typeof costSeriesSchema>;

const instantSchema = z.iso.datetime({ offset: true });

/** `GET /api/v1/report/cost`'s query. */
export const costQuerySchema = z.strictObject({
  since: instantSchema.optional().describe('Start of the window, ISO-8601; default: everything counted'),
  until: instantSchema.optional().describe('End of the window, ISO-8601; default now'),
  by: z
    .string()
    .regex(/^(agent|task|workspace|day|model|vendor)(,(agent|task|workspace|day|model|vendor))*$/)
    .optional()
    .describe(
      'Groups, comma-separated (agent,task,workspace,day,model,vendor); default agent,task,workspace,day',
    ),
  workspace: z.string().min(1).optional().describe('Only this workspace (name or id)'),
});
export type CostQuery = z.infer<typeof costQuerySchema>;

/** `GET /api/v1/report/cost/series`'s query. */
export const costSeriesQuerySchema = z.strictObject({
  since: instantSchema.optional().describe('Start of the window, ISO-8601; default 24 hours ago'),
});
export type CostSeriesQuery = z.infer<typeof costSeriesQuerySchema>;

/**
 * What a machine of the fleet spent, as it publishes it with its heartbeat: today (its
 * local day) and since it counts, per model. Validated as read like every fleet row.
 */
export const machineUsageSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  todayUsd: z.number().min(0).max(1e12),
  totalUsd: z.number().min(0).max(1e12),
  tokens: tokenCountsSchema,
  unpricedModels: z
    .array(
      z
        .string()
        .max(200)
        .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/),
    )
    .max(100),
});
export type MachineUsage = z.infer<typeof machineUsageSchema>;
