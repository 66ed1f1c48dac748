import { z } from 'zod';
import { agentRefParamsSchema } from './agent.js';
import {
  agentDiffSchema,
  commitRequestSchema,
  conflictReportSchema,
  conflictsQuerySchema,
  diffQuerySchema,
  feedbackRequestSchema,
  gcRequestSchema,
  gcResultSchema,
  mergeRequestSchema,
  mergeResultSchema,
  setupApproveSchema,
  setupInfoSchema,
  setupQuerySchema,
} from './git.js';
import type { RouteDef } from './route-def.js';
import { ROUTE_PATHS } from './route-paths.js';

/** Review and delivery: diff, commit, merge, feedback, the conflict radar, gc and setup approval (part of `routes`). */
export const gitRoutes = {
  agentDiff: {
    ...ROUTE_PATHS.agentDiff,
    summary: "The agent's changes against its base: committed, uncommitted and untracked",
    params: agentRefParamsSchema,
    query: diffQuerySchema,
    response: agentDiffSchema,
  },
  agentCommit: {
    ...ROUTE_PATHS.agentCommit,
    summary: 'Commit everything the agent left uncommitted in its worktree',
    params: agentRefParamsSchema,
    body: commitRequestSchema,
    response: z.object({ commit: z.string().nullable().describe('null when there was nothing to commit') }),
  },
  agentMerge: {
    ...ROUTE_PATHS.agentMerge,
    summary: "Merge the agent's branch (merge, squash or rebase), after an optional test command",
    params: agentRefParamsSchema,
    body: mergeRequestSchema,
    response: mergeResultSchema,
  },
  agentFeedback: {
    ...ROUTE_PATHS.agentFeedback,
    summary: 'Send review comments to the agent as a prompt (refused while it works unless force)',
    params: agentRefParamsSchema,
    body: feedbackRequestSchema,
    response: z.object({ bytes: z.number().int(), seq: z.number().int() }),
  },
  conflicts: {
    ...ROUTE_PATHS.conflicts,
    summary: 'Conflict radar: predicted merges of every pair of agent branches and each with its base',
    query: conflictsQuerySchema,
    response: conflictReportSchema,
  },
  gc: {
    ...ROUTE_PATHS.gc,
    summary: 'Remove worktrees and branches of ended agents whose work is merged; report disk freed',
    body: gcRequestSchema,
    response: gcResultSchema,
  },
  setupShow: {
    ...ROUTE_PATHS.setupShow,
    summary: "A repository's setup script (.wezterm-parallel/config.yaml) and whether it is approved",
    query: setupQuerySchema,
    response: setupInfoSchema,
  },
  setupApprove: {
    ...ROUTE_PATHS.setupApprove,
    summary: 'Approve exactly this setup script (by its sha256)',
    body: setupApproveSchema,
    response: setupInfoSchema,
  },
} as const satisfies Record<string, RouteDef>;
