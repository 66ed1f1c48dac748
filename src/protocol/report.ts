import { z } from 'zod';
import { isoTimeSchema } from './common.js';
import { taskStatusSchema } from './tasks.js';
import { answerViaSchema } from './answers.js';

/**
 * Time tracking (`GET /api/v1/report`, `wtp report`): how long agents spent working, waiting
 * for a human and idle, from the `agent.stateChanged` events. The arithmetic is
 * `core/reports/time-report.ts`.
 */

const instantSchema = z.iso.datetime({ offset: true });

export const reportQuerySchema = z.strictObject({
  since: instantSchema.describe('Start of the window, ISO-8601 (e.g. 2026-11-01T00:00:00+01:00)'),
  until: instantSchema
    .optional()
    .describe('End of the window, ISO-8601; default now (a later time is cut to now)'),
  workspace: z.string().min(1).optional().describe('Only this workspace (name or id)'),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

const msSchema = z.number().int().min(0);

/** The four buckets a state's time goes to, and the waits for a human. */
export const reportDurationsSchema = z.object({
  workingMs: msSchema.describe('Milliseconds in working'),
  waitingMs: msSchema.describe('Milliseconds in needs_permission or needs_input: waiting for a human'),
  idleMs: msSchema.describe('Milliseconds in idle'),
  otherMs: msSchema.describe('Milliseconds in starting or running (alive, activity unknown)'),
  waits: z
    .number()
    .int()
    .min(0)
    .describe(
      'Waits for a human that overlap the window (a run of needs_permission/needs_input counts once); on the day it started',
    ),
  longestWaitMs: msSchema.describe('The longest of those waits (the part inside the window)'),
  answeredBy: z
    .partialRecord(answerViaSchema, z.number().int().min(0))
    .optional()
    .describe(
      'Of those waits, the ones an answer ended (agent.approved / denied / answered), by who answered: cli, api, dashboard, plugin, tui, policy; absent when none',
    ),
});
export type ReportDurations = z.infer<typeof reportDurationsSchema>;

const workspaceRef = {
  workspaceId: z.string(),
  workspace: z.string().describe('Workspace name (its id when the workspace is unknown)'),
};

export const reportDaySchema = reportDurationsSchema.extend({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .describe('Calendar day in the daemon time zone, YYYY-MM-DD; a span crossing midnight is split'),
  ...workspaceRef,
});

export const reportWorkspaceSchema = reportDurationsSchema.extend(workspaceRef);

export const reportTaskSchema = reportDurationsSchema.extend({
  id: z.string().describe('Task id'),
  title: z.string(),
  status: taskStatusSchema,
  ...workspaceRef,
  agents: z.array(z.string()).describe('Ids of its agents that had time in the window'),
});

export const reportAgentSchema = reportDurationsSchema.extend({
  id: z.string().describe('Agent id'),
  name: z.string(),
  profile: z.string(),
  ...workspaceRef,
  task: z.string().nullable().describe('The task it ran, if any'),
  removed: z.boolean().describe('The agent has been removed since (its events remain)'),
});

export const timeReportSchema = z.object({
  since: isoTimeSchema.describe('Start of the window'),
  until: isoTimeSchema.describe('End of the window (never later than the time of the report)'),
  timeZone: z.string().describe('The daemon time zone the days are in, e.g. Europe/Paris'),
  workspace: z.string().nullable().describe('The workspace filter, if one was given'),
  totals: reportDurationsSchema.describe('Every agent in the window (the sum of `days`)'),
  workspaces: z.array(reportWorkspaceSchema).describe('Per workspace, by name'),
  days: z.array(reportDaySchema).describe('Per workspace per day, by day then workspace'),
  tasks: z.array(reportTaskSchema).describe('Per task: the sum over its agents'),
  agents: z.array(reportAgentSchema).describe('Per agent with any time in the window'),
});
export type TimeReport = z.infer<typeof timeReportSchema>;
export type ReportDay = z.infer<typeof reportDaySchema>;
export type ReportTaskRow = z.infer<typeof reportTaskSchema>;
export type ReportAgentRow = z.infer<typeof reportAgentSchema>;
export type ReportWorkspaceRow = z.infer<typeof reportWorkspaceSchema>;
