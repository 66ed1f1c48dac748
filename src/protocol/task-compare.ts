import { z } from 'zod';
import { commandLineSchema } from './argument-strings.js';
import { isoTimeSchema } from './common.js';
import { MAX_TASK_ATTEMPTS, taskRunSchema, taskSchema } from './tasks.js';

/** Comparing a task's attempts and picking the one to keep (`wtp task compare`, `wtp task pick`). */

/** `GET …/compare` takes no query: a GET never runs a command (`POST …/compare` runs the tests). */
export const compareTaskQuerySchema = z.strictObject({});

/** `POST …/compare`: the comparison with each attempt's test command run in its worktree. */
export const compareTaskTestsRequestSchema = z.strictObject({
  test: commandLineSchema
    .optional()
    .describe('A test command run in each attempt’s worktree (default: the repository’s approved `test:`)'),
});

const msSchema = z.number().int().min(0);
export const attemptComparisonSchema = z.object({
  attempt: z.number().int(),
  tries: z.number().int().describe('Runs of this attempt (1 + retries used)'),
  run: taskRunSchema.describe('The latest run of the attempt'),
  ms: msSchema.describe('From its start to its end (or now)'),
  time: z
    .object({ working: msSchema, waiting: msSchema, idle: msSchema, other: msSchema })
    .describe('Time per state of the run: waiting is needs_permission + needs_input'),
  states: z
    .array(z.object({ at: isoTimeSchema, state: z.string(), reason: z.string().nullable() }))
    .describe('The state history of the run, oldest first'),
  diff: z
    .object({ files: z.number().int(), insertions: z.number().int(), deletions: z.number().int() })
    .nullable(),
  diffError: z.string().optional().describe('Why there is no diff stat'),
  test: z
    .object({
      command: z.string(),
      passed: z.boolean(),
      exitCode: z.number().int(),
      timedOut: z.boolean(),
      ms: msSchema,
      output: z.string().describe('The end of the output (2,000 characters)'),
    })
    .nullable(),
  testSkipped: z.string().optional().describe('Why no test ran'),
});
export type AttemptComparison = z.infer<typeof attemptComparisonSchema>;

export const taskComparisonSchema = z.object({
  task: taskSchema,
  attempts: z.array(attemptComparisonSchema),
});
export type TaskComparison = z.infer<typeof taskComparisonSchema>;

export const pickAttemptRequestSchema = z.strictObject({
  attempt: z.number().int().min(1).max(MAX_TASK_ATTEMPTS).describe('The attempt to merge'),
  strategy: z.enum(['merge', 'squash', 'rebase']).default('merge'),
  test: commandLineSchema
    .optional()
    .describe('A command run in the winner’s worktree first; nothing is merged or removed unless it passes'),
  keepOthers: z
    .boolean()
    .default(false)
    .describe('Keep the other attempts’ agents and worktrees (they are marked discarded either way)'),
});
export type PickAttemptRequest = z.infer<typeof pickAttemptRequestSchema>;

export const pickResultSchema = z.object({
  task: taskSchema,
  merged: z.object({ agent: z.string(), commit: z.string().nullable(), target: z.string() }),
  removed: z.array(z.string()).describe('Agents of the other attempts removed with their worktrees'),
  kept: z.array(z.string()).describe('Agents of the other attempts kept (--keep-others, or removal failed)'),
});
export type PickResult = z.infer<typeof pickResultSchema>;
