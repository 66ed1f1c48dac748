import { z } from 'zod';
import { AGENT_STATES, agentStateSchema } from './agent.js';
import { isoTimeSchema } from './common.js';
import { reportQuerySchema } from './report.js';

/**
 * The dashboard's metrics: recent CPU/RSS samples of each agent (`GET /api/v1/stats/history`)
 * and the number of agents in each state over a window (`GET /api/v1/report/states`).
 */

const epochMs = z.number().int().min(0);

export const statsHistoryQuerySchema = z.strictObject({
  since: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Only samples taken after this time (ms since the epoch): the last `t` a poll received'),
  agent: z.string().min(1).optional().describe('Only this agent (id, name, or workspace/name)'),
});
export type StatsHistoryQuery = z.infer<typeof statsHistoryQuerySchema>;

export const statsSampleSchema = z.object({
  t: epochMs.describe('When the sample was taken, ms since the epoch (daemon clock)'),
  cpuPercent: z
    .number()
    .min(0)
    .describe('CPU of the process tree since the previous sample, percent of one core (one decimal)'),
  rssBytes: z.number().int().min(0).describe('Resident memory of the process tree, bytes'),
});
export type StatsSample = z.infer<typeof statsSampleSchema>;

export const statsHistorySchema = z.object({
  intervalMs: z.number().int().min(1).describe('How often agents are sampled (config stats.intervalMs)'),
  historySize: z.number().int().min(1).describe('Samples kept per agent (the oldest are dropped)'),
  agents: z
    .array(
      z.object({
        id: z.string().describe('Agent id'),
        name: z.string(),
        workspace: z.string().describe('Workspace name'),
        samples: z.array(statsSampleSchema).describe('Samples newer than `since`, oldest first'),
      }),
    )
    .describe(
      'Every agent with a history (sampled while running since the daemon started; forgotten when removed), even with no new sample; with `agent`, that agent only',
    ),
});
export type StatsHistory = z.infer<typeof statsHistorySchema>;

export const stateTimelineQuerySchema = reportQuerySchema.pick({ since: true, until: true }).extend({
  buckets: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(60)
    .describe('How many buckets the window is cut into (bucketMs = the window / buckets, rounded up)'),
});
export type StateTimelineQuery = z.infer<typeof stateTimelineQuerySchema>;

const countsShape = Object.fromEntries(AGENT_STATES.map((s) => [s, z.number().min(0)])) as Record<
  (typeof AGENT_STATES)[number],
  z.ZodNumber
>;

export const stateTimelineSchema = z.object({
  since: isoTimeSchema.describe('Start of the window'),
  until: isoTimeSchema.describe('End of the window (never later than the time of the answer)'),
  bucketMs: z
    .number()
    .int()
    .min(1)
    .describe('Length of a bucket; the last one ends at `until` and may be shorter'),
  states: z.array(agentStateSchema).describe('Every state, in the order of the lifecycle'),
  points: z
    .array(
      z.object({
        t: epochMs.describe('Start of the bucket, ms since the epoch'),
        counts: z
          .object(countsShape)
          .describe(
            'Per state, the average number of agents in it over the bucket: the time agents spent in the state in the bucket divided by the bucket length (3 decimals). An agent counts from its creation until its removal; exited and crashed agents count until removed.',
          ),
      }),
    )
    .describe('One point per bucket, oldest first'),
});
export type StateTimeline = z.infer<typeof stateTimelineSchema>;
export type StateCounts = StateTimeline['points'][number]['counts'];
