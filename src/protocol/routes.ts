import { fleetResponseSchema } from './fleet.js';
import { z } from 'zod';
import {
  agentRefParamsSchema,
  agentSchema,
  createAgentRequestSchema,
  inputRequestSchema,
  listAgentsQuerySchema,
  logsQuerySchema,
  removeAgentQuerySchema,
  screenSchema,
  stopAgentRequestSchema,
} from './agent.js';
import { answerRequestSchema, answerResultSchema } from './answers.js';
import {
  daemonStatusSchema,
  healthSchema,
  loopDelaySchema,
  shutdownRequestSchema,
  shutdownResponseSchema,
} from './daemon.js';
import { dashboardLinkSchema } from './dashboard.js';
import { agentClisSchema } from './doctor.js';
import {
  adoptOrphanRequestSchema,
  orphanAdoptedSchema,
  orphanListSchema,
  orphanParamsSchema,
  orphanStoppedSchema,
} from './orphans.js';
import { eventPageSchema, eventsQuerySchema } from './events.js';
import { forkAgentRequestSchema, forkResultSchema } from './fork.js';
import { ROUTE_PATHS, type RouteName } from './route-paths.js';
import { remoteRoutes } from './remote-route-defs.js';
import { reportQuerySchema, timeReportSchema } from './report.js';
import {
  stateTimelineQuerySchema,
  stateTimelineSchema,
  statsHistoryQuerySchema,
  statsHistorySchema,
} from './metrics.js';
import {
  cliSupportSchema,
  hookBodySchema,
  profileInfoSchema,
  screenRecordSchema,
  whyResponseSchema,
} from './profiles.js';
import { refuseNul } from './argument-strings.js';
import type { RouteDef } from './route-def.js';
import { taskRoutes } from './task-route-defs.js';
import { gitRoutes } from './git-route-defs.js';
import { forgeRoutes } from './forge-route-defs.js';
import { costRoutes } from './cost-route-defs.js';
import {
  createdWorkspaceSchema,
  createWorkspaceRequestSchema,
  workspaceRefParamsSchema,
  workspaceSchema,
  workspaceSummarySchema,
} from './workspace.js';

export { buildPath, ROUTE_PATHS, type RouteName } from './route-paths.js';

export type { HttpMethod, RouteDef } from './route-def.js';

const noBody = z.strictObject({});

/** The route table as written, before `withRequestChecks`. */
const table = {
  health: {
    ...ROUTE_PATHS.health,
    summary: 'Liveness: answers as soon as the API is ready',
    response: healthSchema,
  },
  status: {
    ...ROUTE_PATHS.status,
    summary: 'Daemon status: addresses, backend and why, paths, agent counts',
    response: daemonStatusSchema,
  },
  loopDelay: {
    ...ROUTE_PATHS.loopDelay,
    summary:
      "The daemon's event-loop delay since the last read: how late its timers fire (p50, p90, p99, max), " +
      'which every request, hook and keystroke relayed waits behind. Answers at once; the first read starts ' +
      'sampling (stopped a minute after the last read): read, let the work run, read again',
    response: loopDelaySchema,
  },
  fleetStatus: {
    ...ROUTE_PATHS.fleetStatus,
    summary:
      'This daemon in a fleet: connected or not, its outbox, every machine and whether it is reachable',
    response: fleetResponseSchema,
  },
  shutdown: {
    ...ROUTE_PATHS.shutdown,
    summary: 'Stop the daemon; agents keep running unless stopAgents',
    body: shutdownRequestSchema,
    response: shutdownResponseSchema,
    status: 202,
  },
  listAgents: {
    ...ROUTE_PATHS.listAgents,
    summary: 'List agents with state, pid, resource use',
    query: listAgentsQuerySchema,
    response: z.object({ agents: z.array(agentSchema) }),
  },
  createAgent: {
    ...ROUTE_PATHS.createAgent,
    summary: 'Create and start an agent',
    body: createAgentRequestSchema,
    response: z.object({
      agent: agentSchema,
      cli: cliSupportSchema
        .nullable()
        .describe('Agent CLIs: the version it runs against the tested ones (a warning when outside)'),
    }),
    status: 201,
  },
  getAgent: {
    ...ROUTE_PATHS.getAgent,
    summary: 'One agent',
    params: agentRefParamsSchema,
    response: z.object({ agent: agentSchema }),
  },
  stopAgent: {
    ...ROUTE_PATHS.stopAgent,
    summary: 'Stop: SIGTERM, then SIGKILL after the grace delay',
    params: agentRefParamsSchema,
    body: stopAgentRequestSchema,
    response: z.object({ agent: agentSchema }),
  },
  restartAgent: {
    ...ROUTE_PATHS.restartAgent,
    summary: 'Stop if running, then start again (resets crash-loop history)',
    params: agentRefParamsSchema,
    body: noBody,
    response: z.object({ agent: agentSchema }),
  },
  forkAgent: {
    ...ROUTE_PATHS.forkAgent,
    summary:
      "A new agent of the same profile on a new worktree branched from the agent's branch, continuing a copy of its conversation where the agent CLI can",
    params: agentRefParamsSchema,
    body: forkAgentRequestSchema,
    response: forkResultSchema,
    status: 201,
  },
  removeAgent: {
    ...ROUTE_PATHS.removeAgent,
    summary: 'Remove an agent and its logs; refuses a live agent unless force=true',
    params: agentRefParamsSchema,
    query: removeAgentQuerySchema,
    response: z.object({ removed: z.string() }),
  },
  sendInput: {
    ...ROUTE_PATHS.sendInput,
    summary: 'Type text into the agent terminal (audited in the event log)',
    params: agentRefParamsSchema,
    body: inputRequestSchema,
    response: z.object({
      bytes: z.number().int(),
      seq: z.number().int().describe('Event seq of the audit record'),
    }),
  },
  answerAgent: {
    ...ROUTE_PATHS.answerAgent,
    summary:
      'Approve, deny or answer what the agent waits on, verified against its screen first and confirmed after (audited: agent.approved, agent.denied, agent.answered)',
    params: agentRefParamsSchema,
    body: answerRequestSchema,
    response: answerResultSchema,
  },
  getScreen: {
    ...ROUTE_PATHS.getScreen,
    summary: 'The current screen as text (rendered by the host terminal emulator)',
    params: agentRefParamsSchema,
    response: screenSchema,
  },
  getLogs: {
    ...ROUTE_PATHS.getLogs,
    summary:
      'Raw terminal output kept in the agent log (application/octet-stream; headers x-wtp-from-seq and x-wtp-to-seq give the byte range; x-wtp-gaps, when present, is a JSON array of {from, to, reason}: bytes of that range the host could not write, left out of the body)',
    params: agentRefParamsSchema,
    query: logsQuerySchema,
    response: null,
  },
  listEvents: {
    ...ROUTE_PATHS.listEvents,
    summary: 'Read the append-only event log (the WebSocket /api/v1/events streams it live)',
    query: eventsQuerySchema,
    response: eventPageSchema,
  },
  timeReport: {
    ...ROUTE_PATHS.timeReport,
    summary:
      'Time tracking: working, waiting for a human and idle time per workspace per day, per task and per agent',
    query: reportQuerySchema,
    response: timeReportSchema,
  },
  stateTimeline: {
    ...ROUTE_PATHS.stateTimeline,
    summary:
      'Agents by state over time: the window cut into buckets, each with the average number of agents in each state',
    query: stateTimelineQuerySchema,
    response: stateTimelineSchema,
  },
  statsHistory: {
    ...ROUTE_PATHS.statsHistory,
    summary:
      'Recent CPU and memory samples per agent (a ring per agent); poll with since = the last sample time received',
    query: statsHistoryQuerySchema,
    response: statsHistorySchema,
  },
  listWorkspaces: {
    ...ROUTE_PATHS.listWorkspaces,
    summary: 'List workspaces with their number of agents',
    response: z.object({ workspaces: z.array(workspaceSummarySchema) }),
  },
  createWorkspace: {
    ...ROUTE_PATHS.createWorkspace,
    summary:
      'Create a workspace from a template: every pane is checked first; a pane that fails undoes the panes already made',
    body: createWorkspaceRequestSchema,
    response: createdWorkspaceSchema,
    status: 201,
  },
  removeWorkspace: {
    ...ROUTE_PATHS.removeWorkspace,
    summary: 'Remove a workspace, its agents and its panes; refuses live agents unless force=true',
    params: workspaceRefParamsSchema,
    query: removeAgentQuerySchema,
    response: z.object({ removed: z.string() }),
  },
  focusWorkspace: {
    ...ROUTE_PATHS.focusWorkspace,
    summary: 'Bring the workspace’s first agent pane to the front (where the backend can)',
    params: workspaceRefParamsSchema,
    body: z.strictObject({}),
    response: z.object({ workspace: workspaceSchema, paneId: z.string().nullable() }),
  },
  agentWhy: {
    ...ROUTE_PATHS.agentWhy,
    summary: 'Why the agent is in its state: the deciding signal, its evidence, and the last signals',
    params: agentRefParamsSchema,
    response: whyResponseSchema,
  },
  agentScreenRecord: {
    ...ROUTE_PATHS.agentScreenRecord,
    summary:
      'The agent’s screen as the screen detectors read it, with its detector’s verdict and evidence (`wtp record-screen`; writes nothing)',
    params: agentRefParamsSchema,
    response: screenRecordSchema,
  },
  listProfiles: {
    ...ROUTE_PATHS.listProfiles,
    summary: 'Agent profiles: the signals each supports, hooks, trust, resume, and the CLI found here',
    response: z.object({ profiles: z.array(profileInfoSchema) }),
  },
  agentClis: {
    ...ROUTE_PATHS.agentClis,
    summary:
      'The agent CLIs as the daemon would run them: WTP_<NAME>_BIN or its PATH, the file found, tested versions, how to install (stats files; runs nothing)',
    response: agentClisSchema,
  },
  agentHook: {
    ...ROUTE_PATHS.agentHook,
    summary:
      'Receives an agent CLI hook call (Claude Code http/command hooks). Over TCP it needs the per-agent hook token, not the API token',
    params: z.strictObject({ agentId: z.string().min(1).max(64) }),
    body: hookBodySchema,
    response: z
      .looseObject({})
      .describe(
        'The hook’s output as its CLI reads it: an empty object (the signal shows in the events), or, when an approval rule decides a decision hook (Claude Code’s and Qwen Code’s PermissionRequest, Copilot CLI’s permissionRequest, Gemini CLI’s BeforeTool, Qwen Code’s PreToolUse), the CLI’s own decision document',
      ),
  },
  ...gitRoutes,
  ...forgeRoutes,
  ...taskRoutes,
  ...costRoutes,
  ...remoteRoutes,
  dashboardLink: {
    ...ROUTE_PATHS.dashboardLink,
    summary:
      'A one-time URL (60 s, single use) that signs a browser in to the web dashboard with an HttpOnly session cookie',
    body: noBody,
    response: dashboardLinkSchema,
  },
  listOrphans: {
    ...ROUTE_PATHS.listOrphans,
    summary: 'Hosts whose agent the daemon does not know (e.g. after its database was lost): kept running',
    response: orphanListSchema,
  },
  stopOrphan: {
    ...ROUTE_PATHS.stopOrphan,
    summary: 'Tell an orphan host to stop its agent (SIGTERM, then SIGKILL) and exit',
    params: orphanParamsSchema,
    body: noBody,
    response: orphanStoppedSchema,
  },
  adoptOrphan: {
    ...ROUTE_PATHS.adoptOrphan,
    summary: 'Register an orphan host’s running agent again, under its old id',
    params: orphanParamsSchema,
    body: adoptOrphanRequestSchema,
    response: orphanAdoptedSchema,
    status: 201,
  },
} as const satisfies Record<string, RouteDef>;

/**
 * Request bodies whose free-form part is not the daemon's to refuse: an agent CLI's hook call
 * reports its own tools' input (a file written may hold any character). It is read as evidence
 * and never becomes an argument; its named fields are checked in `hookBodySchema`.
 */
export const NUL_CHECK_EXEMPT: readonly string[] = ['agentHook.body'];

/** Every route's params, query and body with the shared refinement: no NUL in any string. */
function withRequestChecks<T extends Record<string, RouteDef>>(t: T): T {
  const out: Record<string, RouteDef> = {};
  for (const [name, def] of Object.entries(t)) {
    const checked: RouteDef = { ...def };
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = def[part];
      if (schema && !NUL_CHECK_EXEMPT.includes(`${name}.${part}`)) checked[part] = refuseNul(schema);
    }
    out[name] = checked;
  }
  return out as T;
}

/** The REST API under /api/v1. WebSockets are listed in `websocketRoutes`. */
export const routes = withRequestChecks(table);

export type Routes = typeof routes;

type Infer<S> = S extends z.ZodType ? z.input<S> : undefined;
type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a caller passes for a route (schema inputs, defaults optional). */
export type RouteInput<N extends RouteName> = {
  params: Routes[N] extends { params: infer P } ? Infer<P> : undefined;
  query: Routes[N] extends { query: infer Q } ? Infer<Q> : undefined;
  body: Routes[N] extends { body: infer B } ? Infer<B> : undefined;
};
/** What a handler receives for a route (schema outputs, defaults applied). */
export type RouteParsed<N extends RouteName> = {
  params: Routes[N] extends { params: infer P } ? Output<P> : undefined;
  query: Routes[N] extends { query: infer Q } ? Output<Q> : undefined;
  body: Routes[N] extends { body: infer B } ? Output<B> : undefined;
};
export type RouteResponse<N extends RouteName> = Routes[N]['response'] extends z.ZodType
  ? z.output<Routes[N]['response']>
  : Uint8Array;

/** WebSocket endpoints, for the OpenAPI document's description. */
export const websocketRoutes = {
  events: {
    path: '/api/v1/events',
    summary:
      'Typed events: query since=<seq> replays the log after seq, then streams live; types= and agent= filter',
  },
  pty: {
    path: '/api/v1/agents/:agent/pty',
    summary:
      'Live terminal: binary frames are terminal bytes, text frames JSON control messages (resize, exit)',
  },
  progress: {
    path: '/api/v1/progress',
    summary:
      "Progress of a long operation: query op=<id>, the id given as `progress` to a push or pull request; one {type: 'progress', line} message per line (git's --progress), closed by the client",
  },
} as const;

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
/** Compile-time check: every path in ROUTE_PATHS has its schemas here, and no route lacks a path. */
export const ROUTES_MATCH_PATHS: SameKeys<Routes, typeof ROUTE_PATHS> = true;
