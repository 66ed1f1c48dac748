import { z } from 'zod';
import { agentSchema } from './agent.js';
import { nameSchema } from './common.js';

/** `wtp fork <agent>`: a new agent of the same profile on a new branch from the agent's. */
export const forkAgentRequestSchema = z.strictObject({
  name: nameSchema.optional().describe('Name of the fork; defaults to <name>-fork (then -fork-2, …)'),
  prompt: z
    .string()
    .min(1)
    .max(100_000)
    .optional()
    .describe('Typed once the fork is at its prompt (agent CLIs), or once its output is quiet (others)'),
  withUncommitted: z
    .boolean()
    .default(false)
    .describe("Copy the source's uncommitted changes (and untracked files) into the fork's worktree"),
  wait: z.boolean().default(true).describe('Wait until the fork runs (or fails) before answering'),
});
export type ForkAgentRequest = z.infer<typeof forkAgentRequestSchema>;

export const forkResultSchema = z.object({
  agent: agentSchema.describe('The fork'),
  source: z.object({
    id: z.string(),
    name: z.string(),
    branch: z
      .string()
      .nullable()
      .describe('The branch the fork started from (null: the repository’s current one)'),
  }),
  conversation: z.object({
    forked: z.boolean().describe('Whether the fork continues a copy of the source’s conversation'),
    session: z
      .string()
      .nullable()
      .describe('The source session it continues (Claude Code: --resume <id> --fork-session)'),
    note: z.string().describe('What happened to the conversation, in words'),
  }),
  uncommitted: z.object({
    files: z.array(z.string()).describe('What the source had not committed'),
    carried: z.boolean().describe('Whether those files were copied into the fork (--with-uncommitted)'),
  }),
});
export type ForkResult = z.infer<typeof forkResultSchema>;
