import { z } from 'zod';
import { isoTimeSchema } from './common.js';
import { PROFILE_VENDORS } from './constants.js';

/** "anthropic (claude), openai (codex), …, aider": each vendor with the profile that spends its quota. */
const VENDORS_TEXT = Object.entries(PROFILE_VENDORS)
  .map(([profile, vendor]) => (vendor === profile ? vendor : `${vendor} (${profile})`))
  .join(', ');

/** Usage-limit holds: vendors whose tasks wait because one of their agents hit a usage limit. */
export const quotaHoldSchema = z.object({
  vendor: z.string().describe(VENDORS_TEXT),
  since: isoTimeSchema,
  agentId: z.string().nullable().describe('The agent that reported the limit'),
  agent: z.string().nullable().describe('Its name, null once removed'),
  resetsAt: z.string().nullable().describe('The reset time as the vendor wrote it, if it gave one'),
  resumeAt: isoTimeSchema
    .nullable()
    .describe('When dispatching resumes by itself; null: only on `wtp resume` (the reset time was unknown)'),
  paused: z.array(z.string()).describe('Ids of agents paused (SIGSTOP) until the resume'),
});
export type QuotaHoldView = z.infer<typeof quotaHoldSchema>;

export const resumeQuotaRequestSchema = z.strictObject({
  vendor: z
    .string()
    .min(1)
    .max(50)
    .optional()
    .describe(
      'The vendor to resume (anthropic, openai, …) or a profile name (claude, codex, …); all when absent',
    ),
});
export type ResumeQuotaRequest = z.infer<typeof resumeQuotaRequestSchema>;
