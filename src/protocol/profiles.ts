import { z } from 'zod';
import { noNulString } from './argument-strings.js';
import { agentSchema } from './agent.js';
import { PROFILE_NAMES } from './constants.js';
import { signalSchema, signalSourceSchema } from './signals.js';

/** A profile as `wtp profiles --json` shows it. */
export const profileInfoSchema = z.object({
  name: z.enum(PROFILE_NAMES),
  signals: z.array(signalSourceSchema).describe('Signals the profile supports, most trusted first'),
  agentAware: z.boolean().describe('Whether it tells working / needs you / idle apart (else `running`)'),
  hooks: z.string().nullable().describe('How our hooks are added for one agent only'),
  trust: z.string().nullable().describe('How the trust prompt of a new directory is pre-accepted'),
  resume: z.string().nullable().describe('How a restarted agent resumes its conversation'),
  detector: z.string().nullable().describe('Screen detector table'),
  defaultArgs: z.array(z.string()),
  permissionModes: z.array(z.string()).nullable(),
  program: z.string().nullable().describe('The program it runs (WTP_<NAME>_BIN or the name on PATH)'),
  found: z.string().nullable().describe('Where that program was found on the daemon PATH, or null'),
});
export type ProfileInfo = z.infer<typeof profileInfoSchema>;

/** `wtp why`: the state, the signal behind it, and what the agent said lately. */
export const whyResponseSchema = z.object({
  agent: agentSchema,
  signals: z.array(signalSchema).describe('The most recent signals, oldest first (kept in memory)'),
  rules: z.array(z.string()).describe('The rules that decide between signals, in order'),
});
export type WhyResponse = z.infer<typeof whyResponseSchema>;

/** A hook payload: a JSON object with at least the event name (other fields are the vendor's). */
export const hookBodySchema = z
  .looseObject({
    hook_event_name: noNulString().min(1).max(100),
    session_id: noNulString().max(200).optional(),
  })
  .describe('The JSON the agent CLI gives its hooks');
