import { z } from 'zod';
import { TASK_STATUSES, type TaskStatus } from './constants.js';
import { isoTimeSchema, nameSchema } from './common.js';
import { PROFILE_NAMES } from './constants.js';

/**
 * Tasks: a graph of prompts for AI coding agents. A task waits for the tasks it depends on,
 * is dispatched to an agent once they are all done, and is reviewed (merged) when the agent
 * finishes. The graph rules (cycles, readiness, allowed moves) live in `core/task-graph.ts`.
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

const titleSchema = z.string().min(1).max(200).describe('One line, shown in lists');
const promptSchema = z
  .string()
  .min(1)
  .max(100_000)
  .describe('What the agent is asked to do: typed into the agent once it is at its prompt');
const prioritySchema = z
  .number()
  .int()
  .min(-1000)
  .max(1000)
  .describe('Higher first among ready tasks (default 0); ties go to the older task');
const profileSchema = z
  .enum(PROFILE_NAMES)
  .describe('The agent profile to run it with (default: the daemon’s agent profile, e.g. claude)');
const modelSchema = z.string().min(1).max(200).describe('Agent CLIs: the model (--model)');
const attemptsSchema = z
  .number()
  .int()
  .min(1)
  .max(MAX_TASK_ATTEMPTS)
  .describe(`How many agents may try it before it fails (1-${MAX_TASK_ATTEMPTS})`);
const labelsSchema = z
  .array(z.string().min(1).max(50))
  .max(MAX_TASK_LABELS)
  .describe(`Free-form tags for filtering, at most ${MAX_TASK_LABELS}, each 1-50 characters`);

export const taskSchema = z.object({
  id: z.string().describe('Stable id, e.g. tk-7k2m9x4q1p'),
  title: titleSchema,
  prompt: promptSchema,
  workspace: nameSchema.describe('Workspace name'),
  workspaceId: z.string(),
  status: taskStatusSchema,
  priority: prioritySchema,
  dependsOn: z.array(z.string()).describe('Ids of the tasks that must be done before this one starts'),
  profile: profileSchema.optional(),
  model: modelSchema.optional(),
  attempts: attemptsSchema,
  labels: labelsSchema,
  agents: z.array(z.string()).describe('Ids of the agents that ran it, oldest first'),
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  startedAt: isoTimeSchema.nullable().describe('When the first agent started on it'),
  endedAt: isoTimeSchema.nullable().describe('When it reached done, failed or cancelled'),
  statusReason: z
    .string()
    .optional()
    .describe('Why it is in its status, e.g. "agent ag-… crashed" or "cancelled by user"'),
});
export type TaskView = z.infer<typeof taskSchema>;

export const createTaskRequestSchema = z.strictObject({
  title: titleSchema,
  prompt: promptSchema,
  workspace: nameSchema.optional().describe('Workspace name; defaults to "default"'),
  after: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe('Tasks (ids or titles, in the same workspace) that must be done before this one starts'),
  priority: prioritySchema.optional(),
  profile: profileSchema.optional(),
  model: modelSchema.optional(),
  attempts: attemptsSchema.optional(),
  labels: labelsSchema.optional(),
  status: z
    .enum(TASK_CREATE_STATUSES)
    .default('ready')
    .describe('ready: dispatched as soon as its dependencies are done; backlog: parked until moved'),
});
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

export const moveTaskRequestSchema = z.strictObject({
  status: taskStatusSchema.describe('The new status; core/task-graph ALLOWED_MOVES lists the moves allowed'),
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

export const planTaskSchema = z.strictObject({
  name: nameSchema.describe('Unique within the plan; other tasks name it in `after`'),
  title: titleSchema,
  prompt: promptSchema,
  after: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe('Names of tasks in this plan that must be done before this one starts'),
  priority: prioritySchema.optional(),
  profile: profileSchema.optional(),
  model: modelSchema.optional(),
  attempts: attemptsSchema.optional(),
  labels: labelsSchema.optional(),
});
export type PlanTask = z.infer<typeof planTaskSchema>;

/**
 * A plan file for `wtp task import plan.yaml`. The schema checks each task; the graph rules
 * (unique names, known `after` names, no cycles) are `validatePlan` in core/task-graph.ts.
 */
export const planSchema = z
  .strictObject({
    version: z.literal(1).optional().describe('Plan format version (1)'),
    workspace: nameSchema.optional().describe('Workspace the tasks go to; `--workspace` overrides it'),
    tasks: z
      .array(planTaskSchema)
      .min(1, 'a plan needs at least one task')
      .max(MAX_PLAN_TASKS)
      .describe('The tasks, in plan order (ties in the import order follow it)'),
  })
  .describe('A wezterm-parallel task plan');
export type Plan = z.infer<typeof planSchema>;
