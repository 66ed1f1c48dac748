import { z } from 'zod';
import { isoTimeSchema } from './common.js';
import { forgeEventPayloads } from './forge-events.js';
import { remoteEventPayloads } from './remote.js';
import { RUN_STATUSES, taskSchema, taskStatusSchema } from './tasks.js';

/** The events of tasks, quotas, budgets, git work and delivery, part of the event catalog (`events.ts`). */
export const workEventPayloads = {
  // `blocked` is what held the task when it was made (absent from events recorded before it existed,
  // as are `fixChecks` and `pullRequests`).
  'task.created': z
    .object({ task: taskSchema.partial({ blocked: true, fixChecks: true, pullRequests: true }) })
    .describe('A task was added (`wtp task add`, `POST /tasks`, an import).'),
  'task.statusChanged': z
    .object({
      task: z
        .string()
        .optional()
        .describe('The task id (absent from events recorded before version 0.1 named it)'),
      from: taskStatusSchema,
      to: taskStatusSchema,
      reason: z.string(),
    })
    .describe('A task moved between statuses (by the user, or by the dispatcher as its runs start and end).'),
  'task.attemptStarted': z
    .object({
      task: z.string(),
      attempt: z.number().int(),
      try: z.number().int(),
      profile: z.string(),
      model: z.string().nullable(),
      reused: z.boolean(),
    })
    .describe(
      'The dispatcher started a run of a task attempt on an agent (a new one, or a reused idle one).',
    ),
  'task.attemptEnded': z
    .object({
      task: z.string(),
      attempt: z.number().int(),
      try: z.number().int(),
      status: z.enum(RUN_STATUSES),
      reason: z.string(),
    })
    .describe('A run of a task attempt ended: review, failed, merged or discarded.'),
  'quota.exhausted': z
    .object({
      vendor: z.string().describe('anthropic, openai, google, …'),
      resetsAt: z.string().nullable().describe('When the vendor says the limit resets, as it said it'),
      resumeAt: isoTimeSchema
        .nullable()
        .describe('When dispatching resumes by itself; null: on `wtp resume`'),
      paused: z.array(z.string()).describe('Agents paused (SIGSTOP) until the resume'),
    })
    .describe(
      "An agent reached its vendor's usage limit: the vendor is held (no new runs) until the reset or `wtp resume`.",
    ),
  'quota.resumed': z
    .object({
      vendor: z.string(),
      by: z.enum(['reset', 'user']),
      resumed: z.array(z.string()).describe('Paused agents continued (SIGCONT)'),
    })
    .describe('A held vendor was released, at its reset time or by `wtp resume`.'),
  'budget.nearing': z
    .object({
      scope: z.enum(['task', 'workspace', 'day']),
      key: z.string().describe('Task id, workspace id or the day (YYYY-MM-DD)'),
      name: z.string(),
      limitUsd: z.number(),
      spentUsd: z.number(),
    })
    .describe(
      "Spending in money reached budget.nearAt of a task's, workspace's or day's budget (not a vendor's usage limit).",
    ),
  'budget.reached': z
    .object({
      scope: z.enum(['task', 'workspace', 'day']),
      key: z.string(),
      name: z.string(),
      limitUsd: z.number(),
      spentUsd: z.number(),
      onExceeded: z.enum(['hold', 'interrupt']),
      interrupted: z
        .array(z.string())
        .describe('Working agents of the scope interrupted (onExceeded: interrupt)'),
    })
    .describe(
      'A budget in money was reached: no new task runs in its scope until it is raised (`wtp budget set`); not a vendor quota.',
    ),
  'budget.changed': z
    .object({
      scope: z.enum(['task', 'workspace', 'day']),
      key: z.string(),
      limitUsd: z.number().nullable().describe('null: the CLI budget was removed (the config one applies)'),
    })
    .describe('A budget was set or removed with `wtp budget set` / `wtp budget rm`.'),
  'agent.committed': z
    .object({ commit: z.string(), message: z.string() })
    .describe(
      "The agent's worktree changes were committed (`wtp commit`, or `wtp task pick` for the winner).",
    ),
  'agent.diffChanged': z
    .object({
      files: z.number().int().describe('Files the agent changed against its base'),
      insertions: z.number().int(),
      deletions: z.number().int(),
    })
    .describe(
      "A worktree agent's diff stat against its base changed (measured on idle or exit, commit, merge, creation and at daemon start).",
    ),
  'agent.merged': z
    .object({
      strategy: z.enum(['merge', 'squash', 'rebase']),
      target: z.string(),
      commit: z.string(),
      test: z.string().nullable().describe('The test command that passed first, if any'),
    })
    .describe("The agent's branch was merged into its target (`wtp merge`, `wtp task pick`)."),
  ...forgeEventPayloads,
  ...remoteEventPayloads,
  'conflict.predicted': z
    .object({
      a: z.string().describe('Agent name (or the base branch)'),
      b: z.string(),
      files: z.array(z.string()),
    })
    .describe(
      'The conflict radar found two branches (or a branch and its base) that would conflict, or conflict in other files than before.',
    ),
  'conflict.cleared': z
    .object({ a: z.string(), b: z.string() })
    .describe('A pair the radar reported no longer conflicts.'),
  'agent.setupRan': z
    .object({
      commands: z.array(z.string()),
      ok: z.boolean(),
      ms: z.number().int(),
      output: z.string().nullable().describe('The end of the output when it failed'),
    })
    .describe("The repository's approved setup script ran in a new worktree, before the agent started."),
};
