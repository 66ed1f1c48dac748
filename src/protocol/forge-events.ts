import { z } from 'zod';
import { CHECKS_SUMMARIES, FORGE_KINDS, PR_STATES, REVIEW_DECISIONS } from './forge.js';

/** The events of delivery to a forge, part of the event catalog (`events.ts`). */
export const forgeEventPayloads = {
  'agent.pushed': z
    .object({
      remote: z.string(),
      branch: z.string(),
      commit: z.string().describe('The commit the remote branch has now'),
      status: z.enum(['new', 'updated', 'forced', 'up-to-date']),
      upstream: z.string().describe('e.g. origin/wtp/api'),
    })
    .describe(
      "The agent's branch was pushed (`wtp push`, `wtp pr`, or the daemon pushing an agent's fix for failing checks), its upstream set.",
    ),
  'agent.prOpened': z
    .object({
      forge: z.enum(FORGE_KINDS),
      number: z.number().int(),
      url: z.string(),
      base: z.string(),
      title: z.string(),
      draft: z.boolean(),
      created: z.boolean().describe('false: an open pull request for the branch existed and was taken'),
    })
    .describe(
      "A pull request (GitHub) or merge request (GitLab) was opened for the agent's branch (`wtp pr`).",
    ),
  'agent.prChanged': z
    .object({
      number: z.number().int(),
      state: z.enum(PR_STATES),
      reviewDecision: z.enum(REVIEW_DECISIONS).nullable(),
      checksState: z.enum(CHECKS_SUMMARIES),
      failing: z.array(z.string()).describe('The failing checks, by name'),
    })
    .describe(
      "A poll of the agent's pull request found its state, review decision or checks changed (polled every `forge.pollIntervalMs`, or `wtp pr status`).",
    ),
  'agent.prMerged': z
    .object({
      number: z.number().int(),
      url: z.string(),
      mergeCommit: z.string().nullable(),
    })
    .describe(
      "The agent's pull request was merged upstream: its task is done, and its worktree can be removed by `wtp gc` once the agent has ended.",
    ),
} as const;
