import { z } from 'zod';
import { quotaHoldSchema, resumeQuotaRequestSchema } from './quota.js';
import type { RouteDef } from './route-def.js';
import { ROUTE_PATHS } from './route-paths.js';
import {
  compareTaskQuerySchema,
  compareTaskTestsRequestSchema,
  pickAttemptRequestSchema,
  pickResultSchema,
  taskComparisonSchema,
} from './task-compare.js';
import {
  createTaskRequestSchema,
  listTasksQuerySchema,
  moveTaskRequestSchema,
  taskRefParamsSchema,
  taskSchema,
} from './tasks.js';

/** The task graph, best of N, broadcast and the usage-limit governor (part of `routes`). */
export const taskRoutes = {
  broadcast: {
    ...ROUTE_PATHS.broadcast,
    summary: 'Send a message to every idle agent (of a workspace) through the safe-input path',
    body: z.strictObject({
      text: z.string().min(1).max(100_000),
      workspace: z.string().min(1).optional().describe('Only agents of this workspace'),
    }),
    response: z.object({
      sent: z.array(z.string()).describe('Agents that got it'),
      skipped: z
        .array(z.object({ agent: z.string(), state: z.string() }))
        .describe('Live agents that were not idle'),
    }),
  },
  listTasks: {
    ...ROUTE_PATHS.listTasks,
    summary: 'Tasks, highest priority first, filtered by status or workspace',
    query: listTasksQuerySchema,
    response: z.object({ tasks: z.array(taskSchema) }),
  },
  createTask: {
    ...ROUTE_PATHS.createTask,
    summary: 'Add a task (dependencies by id or title)',
    body: createTaskRequestSchema,
    status: 201,
    response: z.object({ task: taskSchema }),
  },
  importPlan: {
    ...ROUTE_PATHS.importPlan,
    summary:
      'Import a YAML plan of tasks: all of it or nothing (unknown dependencies and cycles are refused)',
    body: z.strictObject({
      yaml: z.string().max(2_000_000).describe('The plan file text'),
      file: z.string().max(4096).default('plan.yaml').describe('Its name, for error messages'),
      workspace: z
        .string()
        .min(1)
        .optional()
        .describe("Workspace name or id the tasks go to, over the plan's own `workspace`"),
    }),
    status: 201,
    response: z.object({ tasks: z.array(taskSchema) }),
  },
  getTask: {
    ...ROUTE_PATHS.getTask,
    summary: 'One task',
    params: taskRefParamsSchema,
    response: z.object({ task: taskSchema }),
  },
  moveTask: {
    ...ROUTE_PATHS.moveTask,
    summary: 'Move a task to another status (the allowed moves are in docs/ARCHITECTURE.md)',
    params: taskRefParamsSchema,
    body: moveTaskRequestSchema,
    response: z.object({ task: taskSchema }),
  },
  cancelTask: {
    ...ROUTE_PATHS.cancelTask,
    summary: 'Cancel a task',
    params: taskRefParamsSchema,
    body: z.strictObject({}),
    response: z.object({ task: taskSchema }),
  },
  compareTask: {
    ...ROUTE_PATHS.compareTask,
    summary:
      "Best of N side by side: each attempt's diff stat, time and state history; runs nothing (POST runs the test commands)",
    params: taskRefParamsSchema,
    query: compareTaskQuerySchema,
    response: taskComparisonSchema,
  },
  compareTaskTests: {
    ...ROUTE_PATHS.compareTaskTests,
    summary:
      "Best of N side by side with test results: the comparison of GET, and the test command run in each attempt's worktree",
    params: taskRefParamsSchema,
    body: compareTaskTestsRequestSchema,
    response: taskComparisonSchema,
  },
  pickAttempt: {
    ...ROUTE_PATHS.pickAttempt,
    summary:
      "Merge one attempt's branch (the task becomes done) and remove the other attempts' agents and worktrees",
    params: taskRefParamsSchema,
    body: pickAttemptRequestSchema,
    response: pickResultSchema,
  },
  listQuota: {
    ...ROUTE_PATHS.listQuota,
    summary: 'Usage-limit holds: vendors whose tasks wait for a reset (or `wtp resume`)',
    response: z.object({ holds: z.array(quotaHoldSchema) }),
  },
  resumeQuota: {
    ...ROUTE_PATHS.resumeQuota,
    summary: 'Lift usage-limit holds now (continuing paused agents) and dispatch again',
    body: resumeQuotaRequestSchema,
    response: z.object({ resumed: z.array(quotaHoldSchema) }),
  },
} as const satisfies Record<string, RouteDef>;
