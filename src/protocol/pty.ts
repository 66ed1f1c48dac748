import { z } from 'zod';
import { boolQuery } from './common.js';
import { agentStateSchema, exitInfoSchema } from './agent.js';
import { errorBodySchema } from './errors.js';

export { outputGapMarker, type OutputGapView } from './output-gap.js';

/** Bytes [from, to) an output log lacks: its host could not write them (offsets after it are unchanged). */
export const outputGapSchema = z.object({
  from: z.number().int().describe('Byte offset of the first byte the log lacks'),
  to: z.number().int().describe('Byte offset where the log goes on'),
  reason: z.string().describe('Why the bytes are missing: "disk full", "I/O error", "not in the log"'),
});

/** At most this much of the output log is replayed as scrollback before the screen. */
export const MAX_SCROLLBACK_BYTES = 4 * 1024 * 1024;

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
  scrollback: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_SCROLLBACK_BYTES)
    .default(0)
    .describe(
      'With snapshot: first replay up to this many bytes of the output log that came before the screen (a `scrollback` message, then binary frames), for a terminal’s scrollback',
    ),
  input: boolQuery(true).describe(
    'Whether this client may type (audited as agent.inputSent, a line or a pause at a time); false gives a read-only follower',
  ),
  guard: boolQuery(false).describe(
    'The safe-input path: while the agent is working, typed text is held back (a `held` message) unless the client sends `force`; Esc, Ctrl-C and terminal reports pass',
  ),
  flow: boolQuery(false).describe(
    'Flow control: the client acknowledges the bytes it has processed (`ack`); the server stops sending while too much is unacknowledged and resumes from the log, so a slow client loses nothing',
  ),
  client: z.string().max(64).default('api').describe('Who is attaching, recorded in the event log'),
});

export const ptyServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('scrollback'),
    from: z.number().int().describe('Byte offset of the first replayed byte'),
    bytes: z
      .number()
      .int()
      .describe(
        'Bytes that follow as binary frames, before the `snapshot` message (fewer where the log has a `gap`)',
      ),
    cols: z
      .number()
      .int()
      .describe('The size of the screen the scrollback leads up to: write it at this size'),
    rows: z.number().int(),
  }),
  z.object({
    type: z.literal('snapshot'),
    data: z.string().describe('Escape sequences that repaint the current screen'),
    cols: z.number().int(),
    rows: z.number().int(),
  }),
  z
    .object({ type: z.literal('gap'), ...outputGapSchema.shape })
    .describe(
      'Output replayed from the log has a hole here: the host could not write these bytes (the next binary frame starts at `to`); show a marker',
    ),
  z.object({
    type: z.literal('ready'),
    seq: z.number().int().describe('Byte offset where live output starts'),
  }),
  z.object({
    type: z.literal('size'),
    cols: z.number().int(),
    rows: z.number().int(),
  }),
  z.object({
    type: z.literal('held'),
    state: agentStateSchema,
    evidence: z.string().nullable().describe('Why the agent is said to be working'),
    source: z.string().nullable(),
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
  z.object({
    type: z.literal('ack'),
    bytes: z.number().int().min(1).describe('Bytes of output processed since the last ack (with flow=true)'),
  }),
  z
    .object({ type: z.literal('force') })
    .describe('With guard=true: type into the working agent anyway, until its state changes'),
]);
export type PtyClientMessage = z.infer<typeof ptyClientMessageSchema>;
