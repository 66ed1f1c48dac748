/**
 * Methods and paths of the REST API, without zod, for clients that must start fast (the
 * CLI). `routes.ts` adds the schemas to these same entries.
 */
export const ROUTE_PATHS = {
  health: { method: 'GET', path: '/api/v1/health' },
  status: { method: 'GET', path: '/api/v1/status' },
  shutdown: { method: 'POST', path: '/api/v1/daemon/shutdown' },
  listAgents: { method: 'GET', path: '/api/v1/agents' },
  createAgent: { method: 'POST', path: '/api/v1/agents' },
  getAgent: { method: 'GET', path: '/api/v1/agents/:agent' },
  stopAgent: { method: 'POST', path: '/api/v1/agents/:agent/stop' },
  restartAgent: { method: 'POST', path: '/api/v1/agents/:agent/restart' },
  removeAgent: { method: 'DELETE', path: '/api/v1/agents/:agent' },
  sendInput: { method: 'POST', path: '/api/v1/agents/:agent/input' },
  getScreen: { method: 'GET', path: '/api/v1/agents/:agent/screen' },
  getLogs: { method: 'GET', path: '/api/v1/agents/:agent/logs', raw: true },
  listEvents: { method: 'GET', path: '/api/v1/events/history' },
  timeReport: { method: 'GET', path: '/api/v1/report' },
  stateTimeline: { method: 'GET', path: '/api/v1/report/states' },
  statsHistory: { method: 'GET', path: '/api/v1/stats/history' },
  listWorkspaces: { method: 'GET', path: '/api/v1/workspaces' },
  createWorkspace: { method: 'POST', path: '/api/v1/workspaces' },
  removeWorkspace: { method: 'DELETE', path: '/api/v1/workspaces/:workspace' },
  focusWorkspace: { method: 'POST', path: '/api/v1/workspaces/:workspace/focus' },
  agentWhy: { method: 'GET', path: '/api/v1/agents/:agent/why' },
  listProfiles: { method: 'GET', path: '/api/v1/profiles' },
  agentHook: { method: 'POST', path: '/api/v1/hooks/:agentId' },
  agentDiff: { method: 'GET', path: '/api/v1/agents/:agent/diff' },
  agentCommit: { method: 'POST', path: '/api/v1/agents/:agent/commit' },
  agentMerge: { method: 'POST', path: '/api/v1/agents/:agent/merge' },
  agentFeedback: { method: 'POST', path: '/api/v1/agents/:agent/feedback' },
  conflicts: { method: 'GET', path: '/api/v1/conflicts' },
  gc: { method: 'POST', path: '/api/v1/gc' },
  setupShow: { method: 'GET', path: '/api/v1/setup' },
  setupApprove: { method: 'POST', path: '/api/v1/setup/approve' },
  broadcast: { method: 'POST', path: '/api/v1/broadcast' },
  listTasks: { method: 'GET', path: '/api/v1/tasks' },
  createTask: { method: 'POST', path: '/api/v1/tasks' },
  importPlan: { method: 'POST', path: '/api/v1/tasks/import' },
  getTask: { method: 'GET', path: '/api/v1/tasks/:task' },
  moveTask: { method: 'POST', path: '/api/v1/tasks/:task/move' },
  cancelTask: { method: 'POST', path: '/api/v1/tasks/:task/cancel' },
  compareTask: { method: 'GET', path: '/api/v1/tasks/:task/compare' },
  pickAttempt: { method: 'POST', path: '/api/v1/tasks/:task/pick' },
  listQuota: { method: 'GET', path: '/api/v1/quota' },
  resumeQuota: { method: 'POST', path: '/api/v1/quota/resume' },
  dashboardLink: { method: 'POST', path: '/api/v1/dashboard/link' },
  listOrphans: { method: 'GET', path: '/api/v1/orphans' },
  stopOrphan: { method: 'POST', path: '/api/v1/orphans/:agent/stop' },
  adoptOrphan: { method: 'POST', path: '/api/v1/orphans/:agent/adopt' },
} as const;

export type RouteName = keyof typeof ROUTE_PATHS;

/** Fills the `:name` parameters of a route path with URL-encoded values. */
export function buildPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new Error(`missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
}
