import { z } from 'zod';

/** Which classifier decided how a turn ended. */
export const TURN_DECIDERS = ['rules', 'model'] as const;

/** What a call to the configured model gave: its answer, its time and its cost. */
export const turnModelCallSchema = z.object({
  model: z.string().max(200).describe('The model asked (states.turnModel.model)'),
  outcome: z
    .enum(['answered', 'timeout', 'error', 'unreadable'])
    .describe('answered: its word decided; otherwise the rules’ verdict stands'),
  says: z.enum(['question', 'done']).optional().describe('What it answered'),
  ms: z.number().int().min(0).describe('From the request to its answer (or the timeout)'),
  inputTokens: z.number().int().min(0).optional().describe('Input tokens it counted (its usage)'),
  outputTokens: z.number().int().min(0).optional().describe('Output tokens it counted (its usage)'),
  error: z.string().max(300).optional().describe('Why it gave no answer (never the API key)'),
});
export type TurnModelCall = z.infer<typeof turnModelCallSchema>;

/**
 * How the end of an agent's turn was read: from its last message, by the rules alone
 * or by a configured model for a case the rules were unsure of. In the state detail of the
 * `needs_input` (reason `question`) or `idle` it led to; `wtp why` says it in words.
 */
export const turnVerdictSchema = z.object({
  says: z.enum(['question', 'done']).describe('question: the agent waits on you; done: its turn is over'),
  by: z.enum(TURN_DECIDERS).describe('Which classifier decided: the rules, or the model (states.turnModel)'),
  rule: z
    .string()
    .max(100)
    .describe('The rule that decided, or that the model was asked about (final-question, courtesy, …)'),
  sure: z
    .boolean()
    .describe('Whether the rules were sure (an unsure case goes to the model when one is set)'),
  from: z
    .string()
    .max(200)
    .describe('Where the last message was read: the vendor record (hook Stop last_assistant_message, …)'),
  chars: z.number().int().min(0).describe('The length of the message'),
  read: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Only its last this many characters were read (a longer message); absent: all of it'),
  model: turnModelCallSchema.optional().describe('The model call, when one was made'),
});
export type TurnVerdict = z.infer<typeof turnVerdictSchema>;
