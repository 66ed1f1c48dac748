import { z } from 'zod';
import { agentRefParamsSchema } from './agent.js';
import {
  checksFeedbackRequestSchema,
  checksFeedbackResultSchema,
  prCreateRequestSchema,
  prCreateResultSchema,
  prStatusListSchema,
  prStatusSchema,
  pushRequestSchema,
  pushResultSchema,
} from './forge.js';
import type { RouteDef } from './route-def.js';
import { ROUTE_PATHS } from './route-paths.js';

const noBody = z.strictObject({});

/** Delivery to a forge: push, pull requests and their checks (part of `routes`). */
export const forgeRoutes = {
  agentPush: {
    ...ROUTE_PATHS.agentPush,
    summary:
      "Push the agent's branch to a remote and set its upstream; refuses uncommitted work (MERGE_UNCOMMITTED) and a branch that conflicts with its base (MERGE_CONFLICT)",
    params: agentRefParamsSchema,
    body: pushRequestSchema,
    response: pushResultSchema,
  },
  agentPrCreate: {
    ...ROUTE_PATHS.agentPrCreate,
    summary:
      "Push the agent's branch and open a pull request (gh) or merge request (glab) for it, titled and described from its task, commits, diff stat and test result",
    params: agentRefParamsSchema,
    body: prCreateRequestSchema,
    response: prCreateResultSchema,
    status: 201,
  },
  agentPr: {
    ...ROUTE_PATHS.agentPr,
    summary: "The agent's pull request as last polled (runs nothing; POST …/pr/refresh asks the forge)",
    params: agentRefParamsSchema,
    response: prStatusSchema,
  },
  agentPrRefresh: {
    ...ROUTE_PATHS.agentPrRefresh,
    summary: "Ask the forge now for the agent's pull request: state, review decision, checks",
    params: agentRefParamsSchema,
    body: noBody,
    response: prStatusSchema,
  },
  agentChecksFeedback: {
    ...ROUTE_PATHS.agentChecksFeedback,
    summary:
      "Send the pull request's failing checks to the agent as a prompt, through the safe-input path (refused while it works unless force)",
    params: agentRefParamsSchema,
    body: checksFeedbackRequestSchema,
    response: checksFeedbackResultSchema,
  },
  listPrs: {
    ...ROUTE_PATHS.listPrs,
    summary: 'Every agent’s pull request as last polled (runs nothing)',
    response: prStatusListSchema,
  },
  refreshPrs: {
    ...ROUTE_PATHS.refreshPrs,
    summary: 'Ask the forge now for every open pull request, one after the other',
    body: noBody,
    response: prStatusListSchema,
  },
} as const satisfies Record<string, RouteDef>;
