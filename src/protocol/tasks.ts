import { z } from 'zod';
import { TASK_STATUSES, type TaskStatus } from './constants.js';
import { optionValueSchema } from './argument-strings.js';
import { isoTimeSchema, nameSchema } from './common.js';
import { PROFILE_NAMES } from './constants.js';
import { FLEET_REFUSAL_CODES } from './fleet-refusal.js';
import { PR_STATES } from './forge.js';

/**
 * Tasks: a graph of prompts for AI coding agents. A task waits for the tasks it depends on,
 * is dispatched to an agent once they are all done, and is reviewed (merged) when the agent
 * finishes. The graph rules (cycles, readiness, allowed moves) live in `core/tasks/task-graph.ts`.
 */

/**
 * backlog: parked, never dispatched; ready: dispatched once its dependencies are done;
 * running: an agent works on it; review: the agent finished, its branch awaits a merge;
 * done: merged (final); failed: every attempt failed; cancelled: given up.
 */
export { TASK_STATUSES, type TaskStatus };

export const taskStatusSchema = z.enum(TASK_STATUSES);

/** Statuses a task may be created (or imported) in. */
export const TASK_CREATE_STATUSES = ['backlog', 'ready'] as const;

export const MAX_TASK_ATTEMPTS = 8;
export const MAX_TASK_LABELS = 20;
export const MAX_PLAN_TASKS = 500;

export const titleSchema = z.string().min(1).max(200).describe('One line, shown in lists');
export const promptSchema = z
  .string()
  .min(1)
  .max(100_000)
  .describe('What the agent is asked to do: typed into the agent once it is at its prompt');
export const prioritySchema = z
  .number()
  .int()
  .min(-1000)
  .max(1000)
  .describe('Higher first among ready tasks (default 0); ties go to the older task');
export const taskProfileSchema = z
  .enum(PROFILE_NAMES)
  .describe('The agent profile to run it with (default: the daemon’s agent profile, e.g. claude)');
export const taskModelSchema = optionValueSchema(200).describe('Agent CLIs: the model (--model)');
export const taskPermissionModeSchema = optionValueSchema(50).describe(
  "Agent CLIs: the permission mode (--permission-mode), checked against the profile's modes at dispatch",
);
export const attemptsSchema = z
  .number()
  .int()
  .min(1)
  .max(MAX_TASK_ATTEMPTS)
  .describe(
    `Best of N: how many agents work on it side by side (1-${MAX_TASK_ATTEMPTS}); \`wtp task pick\` merges the winner`,
  );
export const MAX_TASK_RETRIES = 5;
export const retriesSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_TASK_RETRIES)
  .describe(
    `How many times a failed attempt (crash, non-zero exit) starts again on a fresh agent (0-${MAX_TASK_RETRIES}; default: config tasks.retries)`,
  );
export const taskVariantSchema = z
  .strictObject({
    profile: taskProfileSchema.optional(),
    model: taskModelSchema.optional(),
  })
  .describe('Profile and/or model of one best-of-N attempt');
const variantsSchema = z
  .array(taskVariantSchema)
  .min(1)
  .max(MAX_TASK_ATTEMPTS)
  .describe('Attempt k runs with variant (k-1) mod length, e.g. [{profile: claude}, {profile: codex}]');
const reuseIdleSchema = z
  .boolean()
  .describe(
    'Give it to an idle agent of its profile in the workspace, if there is one, instead of a new agent',
  );
export const MAX_FIX_CHECKS = 5;
const fixChecksSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_FIX_CHECKS)
  .describe(
    `How many times its agent gets its pull request's failing checks as feedback by itself (0-${MAX_FIX_CHECKS}; default: config forge.fixChecks, 0: never)`,
  );
export const labelsSchema = z
  .array(z.string().min(1).max(50))
  .max(MAX_TASK_LABELS)
  .describe(`Free-form tags for filtering, at most ${MAX_TASK_LABELS}, each 1-50 characters`);

export const RUN_STATUSES = ['running', 'review', 'failed', 'merged', 'discarded'] as const;

export const taskRunSchema = z.object({
  attempt: z.number().int().describe('1..attempts'),
  try: z.number().int().describe('1, then 2 for the first retry of a failed attempt, …'),
  round: z.number().int().describe('The task round (moving a task back to ready starts a new round)'),
  agentId: z.string(),
  agent: z.string().nullable().describe('Agent name, null once the agent is removed'),
  profile: z.string(),
  model: z.string().nullable(),
  reused: z.boolean().describe('An idle agent was given the task rather than a new one'),
  status: z
    .enum(RUN_STATUSES)
    .describe(
      'running; review: finished its turn; failed; merged: its branch was merged; discarded: not picked',
    ),
  reason: z.string().nullable(),
  startedAt: isoTimeSchema,
  endedAt: isoTimeSchema.nullable(),
});
export type TaskRunView = z.infer<typeof taskRunSchema>;

/** Why a task that should start is not dispatched now, most pressing first. */
export const TASK_BLOCK_REASONS = [
  'no_folder',
  'dependencies',
  'usage_limit',
  'budget',
  'max_agents',
] as const;

/** What each block means: the schema's description is built from it, so no reason goes unsaid. */
const TASK_BLOCK_WORDS: Record<(typeof TASK_BLOCK_REASONS)[number], string> = {
  no_folder: 'its workspace has no folder to run agents in',
  dependencies: 'tasks it waits for are not done',
  usage_limit: 'the vendor of its profile is on a usage-limit hold (vendor quota)',
  budget: 'a budget in money of its task, workspace or day is reached (docs/cost.md)',
  max_agents: 'its workspace already runs tasks.maxAgentsPerWorkspace task agents',
};

export const taskBlockedSchema = z
  .object({
    reason: z
      .enum(TASK_BLOCK_REASONS)
      .describe(TASK_BLOCK_REASONS.map((r) => `${r}: ${TASK_BLOCK_WORDS[r]}`).join('; ')),
    message: z.string().describe('The reason in words, with what to do about it'),
    waitingOn: z
      .array(
        z.object({
          id: z.string(),
          title: titleSchema,
          status: taskStatusSchema,
          waiting: z
            .boolean()
            .describe('It is ready but waits for tasks of its own: every view calls its status "waiting"'),
        }),
      )
      .describe('Dependencies not done yet, in `dependsOn` order (listed whatever the reason)'),
    vendor: z.string().optional().describe('usage_limit: the vendor on hold'),
    resumeAt: isoTimeSchema
      .nullable()
      .optional()
      .describe('usage_limit: when dispatching resumes by itself; null: only on `wtp resume`'),
    budget: z
      .object({
        scope: z.enum(['task', 'workspace', 'day']),
        key: z.string(),
        limitUsd: z.number(),
        spentUsd: z.number(),
      })
      .optional()
      .describe('budget: the budget reached'),
  })
  .describe('Why the task is not dispatched now');
export type TaskBlocked = z.infer<typeof taskBlockedSchema>;

export const taskSchema = z.object({
  id: z.string().describe('Stable id, e.g. tk-7k2m9x4q1p'),
  title: titleSchema,
  prompt: promptSchema,
  workspace: nameSchema.describe('Workspace name'),
  workspaceId: z.string(),
  status: taskStatusSchema,
  priority: prioritySchema,
  dependsOn: z.array(z.string()).describe('Ids of the tasks that must be done before this one starts'),
  profile: taskProfileSchema.optional(),
  model: taskModelSchema.optional(),
  permissionMode: taskPermissionModeSchema.optional(),
  sandbox: z
    .literal(true)
    .optional()
    .describe(
      'Its agents run in a sandbox (docs/sandbox.md), as `wtp new --sandbox`; an idle agent is reused for it only when sandboxed. Only `true`: a task can ask for a sandbox, never drop one the config asks for',
    ),
  mcp: z.boolean().optional().describe("Its agents get wezterm-parallel's MCP server; absent when not"),
  attempts: attemptsSchema,
  variants: z.array(taskVariantSchema),
  retries: retriesSchema.nullable(),
  reuseIdle: reuseIdleSchema,
  labels: labelsSchema,
  round: z.number().int(),
  agents: z.array(z.string()).describe('Ids of the agents that ran it, oldest first'),
  runs: z.array(taskRunSchema).describe('Each agent run: one per attempt, more for retries, oldest first'),
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  startedAt: isoTimeSchema.nullable().describe('When the first agent started on it'),
  endedAt: isoTimeSchema.nullable().describe('When it reached done, failed or cancelled'),
  statusReason: z
    .string()
    .optional()
    .describe('Why it is in its status, e.g. "agent ag-… crashed" or "cancelled by user"'),
  fixChecks: fixChecksSchema.nullable(),
  pullRequests: z
    .array(
      z.object({
        agentId: z.string(),
        number: z.number().int(),
        url: z.string(),
        state: z.enum(PR_STATES),
      }),
    )
    .describe('Pull requests opened for its runs’ branches (`wtp pr`), oldest first'),
  blocked: taskBlockedSchema
    .nullable()
    .describe(
      'Why it waits (a ready task, or a running one with attempts left to start); null when nothing holds it back',
    ),
  fleet: z
    .object({
      repo: z
        .string()
        .describe('The repository it works on, by remote URL: any machine with a clone may run it'),
      machine: z.string().nullable().describe('The machine that holds it (runs it, or ran it to review)'),
      leaseUntil: isoTimeSchema.nullable().describe('Until when its claim holds while it runs'),
      createdBy: z.string().describe('The machine it was added on'),
      runs: z
        .array(
          z.object({
            runId: z.string(),
            machine: z.string(),
            status: z
              .enum(['running', 'review', 'done', 'failed', 'cancelled', 'lost', 'refused'])
              .describe('lost: its lease lapsed; refused: its result came after that'),
            reason: z.string().nullable(),
            startedAt: isoTimeSchema,
            endedAt: isoTimeSchema.nullable(),
          }),
        )
        .describe('Each claim of it, oldest first'),
      refusals: z
        .array(
          z.object({
            machine: z.string(),
            code: z.enum(FLEET_REFUSAL_CODES),
            reason: z.string(),
            at: isoTimeSchema,
          }),
        )
        .default([])
        .describe(
          'Machines that will not run it (their fleet.acceptTasks: a shell or command, a bypass permission mode, …) and why; they do not claim it',
        ),
      gone: z
        .boolean()
        .default(false)
        .describe(
          'Its row is gone from the fleet database (the database was dropped and made again, or replaced): kept here because this machine ran it, its run let go',
        ),
    })
    .optional()
    .describe("A task of the fleet's graph: where it runs, and every claim of it"),
});
export type TaskView = z.infer<typeof taskSchema>;

/** What a task may say about how it runs (`wtp task add` and plan files alike). */
const taskOptions = {
  priority: prioritySchema.optional(),
  profile: taskProfileSchema.optional(),
  model: taskModelSchema.optional(),
  permissionMode: taskPermissionModeSchema.optional(),
  sandbox: z
    .literal(true)
    .optional()
    .describe(
      'Its agents run in a sandbox (docs/sandbox.md), as `wtp new --sandbox`; an idle agent is reused for it only when sandboxed. Only `true`: a task can ask for a sandbox, never drop one the config asks for',
    ),
  attempts: attemptsSchema.optional(),
  variants: variantsSchema.optional(),
  retries: retriesSchema.optional(),
  reuseIdle: reuseIdleSchema.optional(),
  labels: labelsSchema.optional(),
  fixChecks: fixChecksSchema.optional(),
  mcp: z
    .boolean()
    .optional()
    .describe(
      "Its agents get wezterm-parallel's MCP server (as `wtp new --mcp`): each can run a team of its own",
    ),
};

/** More variants than attempts would leave some unused: refused rather than silently ignored. */
function variantsFitAttempts(
  t: { attempts?: number | undefined; variants?: unknown[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (t.attempts !== undefined && t.variants !== undefined && t.variants.length > t.attempts) {
    ctx.addIssue({
      code: 'custom',
      path: ['variants'],
      message: `${t.variants.length} variants for ${t.attempts} attempts: give at most one variant per attempt`,
    });
  }
}

export const createTaskRequestSchema = z
  .strictObject({
    title: titleSchema,
    prompt: promptSchema,
    workspace: nameSchema
      .optional()
      .describe(
        'Workspace name; defaults to "default", which has no folder (`wtp task add` sends the workspace of the current directory)',
      ),
    after: z
      .array(z.string().min(1))
      .max(100)
      .optional()
      .describe('Tasks (ids or titles, in the same workspace) that must be done before this one starts'),
    ...taskOptions,
    status: z
      .enum(TASK_CREATE_STATUSES)
      .default('ready')
      .describe('ready: dispatched as soon as its dependencies are done; backlog: parked until moved'),
  })
  .superRefine(variantsFitAttempts);
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

export const moveTaskRequestSchema = z.strictObject({
  status: taskStatusSchema.describe('The new status; protocol/task-moves TASK_MOVES lists the moves allowed'),
});
export type MoveTaskRequest = z.infer<typeof moveTaskRequestSchema>;

export const taskRefParamsSchema = z.strictObject({
  task: z.string().min(1).describe('Task id'),
});

export const listTasksQuerySchema = z.strictObject({
  status: taskStatusSchema.optional(),
  workspace: z.string().min(1).optional().describe('Workspace name or id'),
});
export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

export const planTaskSchema = z
  .strictObject({
    name: nameSchema.describe('Unique within the plan; other tasks name it in `after`'),
    title: titleSchema.optional().describe('One line, shown in lists (default: the name)'),
    prompt: promptSchema,
    after: z
      .array(z.string().min(1))
      .max(100)
      .optional()
      .describe('Names of tasks in this plan that must be done before this one starts'),
    ...taskOptions,
  })
  .superRefine(variantsFitAttempts);
export type PlanTask = z.infer<typeof planTaskSchema>;

/**
 * A plan file for `wtp task import plan.yaml`. The schema checks each task; the graph rules
 * (unique names, known `after` names, no cycles) are `validatePlan` in core/tasks/task-graph.ts.
 */
export const planSchema = z
  .strictObject({
    version: z.literal(1).optional().describe('Plan format version (1)'),
    workspace: nameSchema
      .optional()
      .describe(
        'Workspace the tasks go to; `wtp task import --workspace` overrides it. Without either, the CLI uses the workspace of the current directory',
      ),
    tasks: z
      .array(planTaskSchema)
      .min(1, 'a plan needs at least one task')
      .max(MAX_PLAN_TASKS)
      .describe('The tasks, in plan order (ties in the import order follow it)'),
  })
  .describe('A wezterm-parallel task plan');
export type Plan = z.infer<typeof planSchema>;
