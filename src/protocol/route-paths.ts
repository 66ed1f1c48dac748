import type { MethodAndEffect } from './route-def.js';

/**
 * Methods, paths and effects of the REST API, without zod, for clients that must start fast
 * (the CLI). `routes.ts` adds the schemas to these same entries. The type allows a GET only for
 * a `read` route (see `RouteEffect`); `route-effects.test.ts` lists the GET routes, reviewed.
 */
export const ROUTE_PATHS = {
  health: { method: 'GET', path: '/api/v1/health', effect: 'read' },
  status: { method: 'GET', path: '/api/v1/status', effect: 'read' },
  fleetStatus: { method: 'GET', path: '/api/v1/fleet', effect: 'read' },
  shutdown: { method: 'POST', path: '/api/v1/daemon/shutdown', effect: 'write' },
  loopDelay: { method: 'GET', path: '/api/v1/daemon/loop-delay', effect: 'read' },
  listAgents: { method: 'GET', path: '/api/v1/agents', effect: 'read' },
  createAgent: { method: 'POST', path: '/api/v1/agents', effect: 'exec' },
  getAgent: { method: 'GET', path: '/api/v1/agents/:agent', effect: 'read' },
  stopAgent: { method: 'POST', path: '/api/v1/agents/:agent/stop', effect: 'write' },
  restartAgent: { method: 'POST', path: '/api/v1/agents/:agent/restart', effect: 'exec' },
  forkAgent: { method: 'POST', path: '/api/v1/agents/:agent/fork', effect: 'exec' },
  removeAgent: { method: 'DELETE', path: '/api/v1/agents/:agent', effect: 'write' },
  sendInput: { method: 'POST', path: '/api/v1/agents/:agent/input', effect: 'exec' },
  answerAgent: { method: 'POST', path: '/api/v1/agents/:agent/answer', effect: 'exec' },
  getScreen: { method: 'GET', path: '/api/v1/agents/:agent/screen', effect: 'read' },
  getLogs: { method: 'GET', path: '/api/v1/agents/:agent/logs', effect: 'read', raw: true },
  listEvents: { method: 'GET', path: '/api/v1/events/history', effect: 'read' },
  timeReport: { method: 'GET', path: '/api/v1/report', effect: 'read' },
  stateTimeline: { method: 'GET', path: '/api/v1/report/states', effect: 'read' },
  statsHistory: { method: 'GET', path: '/api/v1/stats/history', effect: 'read' },
  costReport: { method: 'GET', path: '/api/v1/report/cost', effect: 'read' },
  costSeries: { method: 'GET', path: '/api/v1/report/cost/series', effect: 'read' },
  listBudgets: { method: 'GET', path: '/api/v1/budgets', effect: 'read' },
  setBudget: { method: 'POST', path: '/api/v1/budgets', effect: 'write' },
  listWorkspaces: { method: 'GET', path: '/api/v1/workspaces', effect: 'read' },
  createWorkspace: { method: 'POST', path: '/api/v1/workspaces', effect: 'exec' },
  removeWorkspace: { method: 'DELETE', path: '/api/v1/workspaces/:workspace', effect: 'write' },
  focusWorkspace: { method: 'POST', path: '/api/v1/workspaces/:workspace/focus', effect: 'write' },
  agentWhy: { method: 'GET', path: '/api/v1/agents/:agent/why', effect: 'read' },
  agentScreenRecord: { method: 'GET', path: '/api/v1/agents/:agent/screen-record', effect: 'read' },
  listProfiles: { method: 'GET', path: '/api/v1/profiles', effect: 'read' },
  agentClis: { method: 'GET', path: '/api/v1/agent-clis', effect: 'read' },
  agentHook: { method: 'POST', path: '/api/v1/hooks/:agentId', effect: 'write' },
  agentDiff: { method: 'GET', path: '/api/v1/agents/:agent/diff', effect: 'read' },
  agentCommit: { method: 'POST', path: '/api/v1/agents/:agent/commit', effect: 'exec' },
  agentMerge: { method: 'POST', path: '/api/v1/agents/:agent/merge', effect: 'exec' },
  agentFeedback: { method: 'POST', path: '/api/v1/agents/:agent/feedback', effect: 'exec' },
  conflicts: { method: 'GET', path: '/api/v1/conflicts', effect: 'read' },
  agentPush: { method: 'POST', path: '/api/v1/agents/:agent/push', effect: 'exec' },
  agentPrCreate: { method: 'POST', path: '/api/v1/agents/:agent/pr', effect: 'exec' },
  agentPr: { method: 'GET', path: '/api/v1/agents/:agent/pr', effect: 'read' },
  agentPrRefresh: { method: 'POST', path: '/api/v1/agents/:agent/pr/refresh', effect: 'exec' },
  agentChecksFeedback: { method: 'POST', path: '/api/v1/agents/:agent/pr/feedback', effect: 'exec' },
  listPrs: { method: 'GET', path: '/api/v1/prs', effect: 'read' },
  refreshPrs: { method: 'POST', path: '/api/v1/prs/refresh', effect: 'exec' },
  gc: { method: 'POST', path: '/api/v1/gc', effect: 'write' },
  setupShow: { method: 'GET', path: '/api/v1/setup', effect: 'read' },
  setupApprove: { method: 'POST', path: '/api/v1/setup/approve', effect: 'write' },
  broadcast: { method: 'POST', path: '/api/v1/broadcast', effect: 'exec' },
  listTasks: { method: 'GET', path: '/api/v1/tasks', effect: 'read' },
  createTask: { method: 'POST', path: '/api/v1/tasks', effect: 'exec' },
  importPlan: { method: 'POST', path: '/api/v1/tasks/import', effect: 'exec' },
  getTask: { method: 'GET', path: '/api/v1/tasks/:task', effect: 'read' },
  moveTask: { method: 'POST', path: '/api/v1/tasks/:task/move', effect: 'exec' },
  cancelTask: { method: 'POST', path: '/api/v1/tasks/:task/cancel', effect: 'write' },
  compareTask: { method: 'GET', path: '/api/v1/tasks/:task/compare', effect: 'read' },
  compareTaskTests: { method: 'POST', path: '/api/v1/tasks/:task/compare', effect: 'exec' },
  pickAttempt: { method: 'POST', path: '/api/v1/tasks/:task/pick', effect: 'exec' },
  listQuota: { method: 'GET', path: '/api/v1/quota', effect: 'read' },
  resumeQuota: { method: 'POST', path: '/api/v1/quota/resume', effect: 'exec' },
  dashboardLink: { method: 'POST', path: '/api/v1/dashboard/link', effect: 'write' },
  listOrphans: { method: 'GET', path: '/api/v1/orphans', effect: 'read' },
  stopOrphan: { method: 'POST', path: '/api/v1/orphans/:agent/stop', effect: 'write' },
  adoptOrphan: { method: 'POST', path: '/api/v1/orphans/:agent/adopt', effect: 'write' },
  pushSettings: { method: 'GET', path: '/api/v1/push', effect: 'read' },
  pushSubscribe: { method: 'POST', path: '/api/v1/push/subscription', effect: 'write' },
  pushUnsubscribe: { method: 'POST', path: '/api/v1/push/unsubscribe', effect: 'write' },
  remoteStatus: { method: 'GET', path: '/api/v1/remote', effect: 'read' },
  remoteOn: { method: 'POST', path: '/api/v1/remote/on', effect: 'write' },
  remoteOff: { method: 'POST', path: '/api/v1/remote/off', effect: 'write' },
  remotePair: { method: 'POST', path: '/api/v1/remote/pair', effect: 'write' },
  remoteDevices: { method: 'GET', path: '/api/v1/remote/devices', effect: 'read' },
  remoteRevoke: { method: 'POST', path: '/api/v1/remote/devices/:name/revoke', effect: 'write' },
} as const satisfies Record<string, MethodAndEffect & { path: string; raw?: true }>;

export type RouteName = keyof typeof ROUTE_PATHS;

/** Fills the `:name` parameters of a route path with URL-encoded values. */
export function buildPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new Error(`missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
}
