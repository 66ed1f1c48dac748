import { z } from 'zod';
import { agentSchema, agentStateSchema } from './agent.js';
import { isoTimeSchema } from './common.js';
import { ANSWER_ACTIONS, ANSWER_VIA, REQUEST_ABOUT_MAX } from './constants.js';
import { fleetOriginSchema } from './fleet.js';
import { deviceNameSchema } from './remote.js';

export { ANSWER_ACTIONS, ANSWER_VIA, type AnswerAction, type AnswerVia } from './constants.js';

export const answerActionSchema = z.enum(ANSWER_ACTIONS);
export const answerViaSchema = z.enum(ANSWER_VIA);

/**
 * `POST /agents/:agent/answer` (`wtp approve|deny|answer`): answers the dialog the agent waits on,
 * verified first (the agent is still in the state it was shown in, and the dialog on its screen
 * is the one announced), then confirmed (the agent left the dialog).
 */
export const answerRequestSchema = z.strictObject({
  action: answerActionSchema.describe(
    'approve (this once), always (approve and stop asking, as far as the dialog offers), deny, answer (a question)',
  ),
  text: z
    .string()
    .min(1)
    .max(10_000)
    .optional()
    .describe('answer: the option (its number or its label) or, where the agent takes free text, the text'),
  message: z
    .string()
    .min(1)
    .max(10_000)
    .optional()
    .describe('deny: why, sent to the agent as its next prompt once it is back at its prompt'),
  expect: z
    .strictObject({
      state: agentStateSchema.describe('The state the user was shown'),
      about: z.string().max(REQUEST_ABOUT_MAX).optional().describe('The command or path the user was shown'),
      since: isoTimeSchema
        .optional()
        .describe(
          'The stateSince the user was shown: the agent waiting since another time waits on another dialog',
        ),
    })
    .optional()
    .describe(
      'What the user was shown; when given, any difference refuses the answer (AGENT_NOT_WAITING, DIALOG_CHANGED)',
    ),
  acceptModeChange: z
    .boolean()
    .optional()
    .describe(
      'always: press the option even when it changes the session’s permission mode (e.g. "switch to accept edits … for this session"); without it such an answer is refused (ANSWER_CHANGES_MODE)',
    ),
  via: answerViaSchema.default('api').describe('Where the answer was given; recorded in its event'),
});
export type AnswerRequest = z.input<typeof answerRequestSchema>;
export type AnswerRequestParsed = z.output<typeof answerRequestSchema>;

export const answerResultSchema = z.object({
  agent: agentSchema.describe('The agent after the answer'),
  action: answerActionSchema,
  about: z.string().nullable().describe('What the answered dialog asked about, as its screen showed it'),
  scope: z
    .string()
    .nullable()
    .describe('always: what the approval holds for: the option’s own text as the dialog drew it'),
  modeChange: z
    .boolean()
    .describe(
      'always: the option pressed changed the session’s permission mode (accepted with acceptModeChange)',
    ),
  keys: z
    .array(z.string())
    .describe('The keys pressed, in order (names such as enter, esc; or characters); none through a hook'),
  channel: z
    .enum(['screen', 'hook'])
    .describe(
      'How the answer reached the agent: keys on its dialog, checked against its screen, or its CLI’s permission hook (no keys, no screen read)',
    ),
  left: z
    .boolean()
    .describe('The agent left the dialog within the bound (false: the keys were sent and it is still there)'),
  ms: z.number().int().describe('From the request to the agent leaving the dialog (or to the bound)'),
  seq: z.number().int().describe('Event seq of the audit record (agent.approved / denied / answered)'),
});
export type AnswerResult = z.infer<typeof answerResultSchema>;

/** The audit events' common payload (agent.approved, agent.denied, agent.answered). */
export const answerEventSchema = z.object({
  via: answerViaSchema,
  rule: z.string().optional().describe('policy: the approval rule that matched'),
  tool: z.string().nullable().describe('The tool asked for, when known'),
  about: z.string().nullable().describe('The command or path the dialog asked about'),
  keys: z.array(z.string()).describe('The keys pressed'),
  waitedMs: z.number().int().describe('How long the agent had waited for the answer'),
  from: fleetOriginSchema
    .optional()
    .describe('Sent from another machine of the fleet: which, and as which database role'),
  device: deviceNameSchema.optional().describe('Sent by a paired device (`wtp remote`): its name'),
  channel: z
    .enum(['screen', 'hook'])
    .optional()
    .describe(
      'How the answer reached the agent: keys on its dialog, checked against its screen (absent or screen), or its CLI’s decision hook (an approval rule decided before the dialog showed; no keys)',
    ),
});
