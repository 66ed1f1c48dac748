import { z } from 'zod';

const perMillion = (kind: string): z.ZodOptional<z.ZodNumber> =>
  z.number().min(0).max(10_000).optional().describe(`US dollars per million ${kind} tokens`);

/** One model's prices (and context window) in `cost.prices`. */
const modelPriceSchema = z
  .strictObject({
    input: perMillion('input (not cached)'),
    output: perMillion('output (reasoning included)'),
    cacheRead: perMillion('cache-read input'),
    cacheWrite: perMillion('cache-write input'),
    contextWindow: z
      .number()
      .int()
      .min(1)
      .max(100_000_000)
      .optional()
      .describe("The model's context window in tokens"),
  })
  .describe('Prices of one model; a kind left out has no price (its tokens make the cost unknown)');

/** Config `cost`: reading agents' usage and pricing it (docs/cost.md). */
export const costConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Read agents' token usage from their CLIs' session files"),
    prices: z
      .record(z.string().min(1).max(200), modelPriceSchema)
      .default({})
      .describe(
        'Prices per model, over the bundled table field by field (a negotiated price, a local model at 0); model names as the CLIs write them',
      ),
    bundledPrices: z
      .boolean()
      .default(true)
      .describe(
        'Start from the bundled, dated price table (false: only `prices` above; other models cost "unknown")',
      ),
    readEveryMs: z
      .number()
      .int()
      .min(200)
      .max(600_000)
      .default(5_000)
      .describe("How often live agents' session files are read for new usage"),
  })
  .prefault({})
  .describe("What agents cost: tokens from their CLIs' own records, money from a price table");

const usd = z.number().min(0).max(1e9);

/** Config `budget`: budgets in money per task, workspace and day. */
export const budgetConfigSchema = z
  .strictObject({
    taskUsd: usd
      .nullable()
      .default(null)
      .describe(
        'Budget of every task in US dollars (all its attempts, retries and best-of-N variants); null: none',
      ),
    workspaceUsd: usd
      .nullable()
      .default(null)
      .describe('Budget of every workspace in US dollars (since it was made); null: none'),
    workspaces: z
      .record(z.string().min(1).max(100), usd)
      .default({})
      .describe('Budgets of workspaces by name, over workspaceUsd'),
    dayUsd: usd
      .nullable()
      .default(null)
      .describe(
        "Budget of a calendar day (the daemon's local time) for all agents in US dollars; null: none",
      ),
    nearAt: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Notify once spending reaches this fraction of a budget'),
    onExceeded: z
      .enum(['hold', 'interrupt'])
      .default('hold')
      .describe(
        'When a budget is reached: hold (no new task runs in its scope; working agents go on) or interrupt (also interrupt its working agents, Esc)',
      ),
  })
  .prefault({})
  .describe('Budgets in money (not vendor quotas: those are the usage governor, `wtp quota`)');
