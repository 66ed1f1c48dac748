import { z } from 'zod';
import { agentSchema } from './agent.js';
import { errorBodySchema } from './errors.js';
import { eventSchema, eventsQuerySchema } from './events.js';

/** The events WebSocket's query: the history's, and what only a stream can carry. */
export const eventsSocketQuerySchema = eventsQuerySchema.extend({
  agents: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'Each event that changes what an agent shows carries that agent as `GET /agents/{id}` answers when it is sent (`agent`), so a live list needs no request per event',
    ),
});

/** Messages the server sends on `/api/v1/events`. */
export const eventsServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    latestSeq: z.number().int(),
    resumeFrom: z.number().int().describe('The `since` the replay started after'),
  }),
  z.object({
    type: z.literal('event'),
    event: eventSchema,
    agent: agentSchema.optional().describe('With `agents=true`: the agent the event changed, as it is now'),
  }),
  z.object({
    type: z.literal('fleet'),
    change: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('event'),
        machine: z.string().describe('The machine whose event it is (its own seq, not this log’s)'),
        event: eventSchema,
      }),
      z.object({ kind: z.literal('machines').describe('A machine joined, left, or became (un)reachable') }),
      z.object({ kind: z.literal('tasks').describe("The fleet's tasks changed: fetch them again") }),
      z.object({ kind: z.literal('reloaded').describe('The fleet was read again: fetch the agents again') }),
    ]),
  }),
  z.object({ type: z.literal('error'), error: errorBodySchema }),
]);
export type EventsServerMessage = z.infer<typeof eventsServerMessageSchema>;
