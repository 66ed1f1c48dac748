import { z } from 'zod';
import { boolQuery } from './common.js';
import { agentStateSchema, exitInfoSchema } from './agent.js';
import { errorBodySchema } from './errors.js';

/**
 * `/api/v1/agents/:agent/pty`: binary frames carry terminal bytes (output from the server,
 * keystrokes from the client); text frames carry these JSON control messages.
 */
export const ptyQuerySchema = z.strictObject({
  snapshot: boolQuery(true).describe('Start with a repaint of the current screen'),
  from: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Replay output from this byte offset (from the log) before going live'),
  input: boolQuery(true).describe('Whether this client may type; false gives a read-only follower'),
  client: z.string().max(64).default('api').describe('Who is attaching, recorded in the event log'),
});

export const ptyServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    data: z.string().describe('Escape sequences that repaint the current screen'),
    cols: z.number().int(),
    rows: z.number().int(),
  }),
  z.object({
    type: z.literal('ready'),
    seq: z.number().int().describe('Byte offset where live output starts'),
  }),
  z.object({ type: z.literal('state'), state: agentStateSchema }),
  z.object({ type: z.literal('exit'), exit: exitInfoSchema.nullable(), state: agentStateSchema }),
  z.object({ type: z.literal('error'), error: errorBodySchema }),
]);
export type PtyServerMessage = z.infer<typeof ptyServerMessageSchema>;

export const ptyClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(2).max(1000),
  }),
]);
export type PtyClientMessage = z.infer<typeof ptyClientMessageSchema>;
