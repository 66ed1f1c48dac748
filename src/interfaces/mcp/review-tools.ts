import { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { ReviewUseCases } from '../../core/use-cases/use-cases.js';
import type { TaskView } from '../../protocol/tasks.js';
import { targetAgent, type ToolApi, type ToolCall, type ToolHandler } from './tool-context.js';

function review(api: ToolApi): ReviewUseCases {
  if (!api.review) throw new AppError('INTERNAL', 'git support is not configured in this daemon');
  return api.review;
}

/** get_diff: its changes against its base. */
export const getDiff: ToolHandler<'get_diff'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayRead(call.caller, target);
  return review(api).diff(target.id, input.stat);
};

/** conflicts: the radar, cut to the caller's workspace. */
export const conflicts: ToolHandler<'conflicts'> = async (api, _input, call) => {
  if (!api.radar) throw new AppError('INTERNAL', 'git support is not configured in this daemon');
  const report = await api.radar.radar();
  if (call.caller.kind === 'user') return report;
  const ws = call.caller.agent.workspaceId;
  const mine = new Set(api.agents.list({ workspace: ws }).map((a) => a.id));
  const seen = (id: string | null): boolean => id === null || mine.has(id);
  const branches = report.branches.filter((b) => mine.has(b.agentId));
  const names = new Set(branches.map((b) => b.agent));
  return {
    branches,
    pairs: report.pairs.filter((p) => seen(p.aAgent) && seen(p.bAgent)),
    mergeOrder: {
      order: report.mergeOrder.order.filter((n) => names.has(n)),
      notes: report.mergeOrder.notes,
    },
  };
};

/** commit: everything its worktree has uncommitted. */
export const commit: ToolHandler<'commit'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayAct(call.caller, target);
  return review(api).commit(target.id, input.message, call.source);
};

/**
 * An agent's test gate runs only the repository's own approved `test:` command (its setup file):
 * a command of the agent's choosing would run outside its CLI's dialogs and sandbox.
 */
async function assertApprovedTest(
  api: ToolApi,
  call: ToolCall,
  repo: string | null,
  test: string,
): Promise<void> {
  if (call.caller.kind === 'user') return;
  const setup = repo === null ? null : (await review(api).setupShow(repo)).setup;
  if (setup?.approved === true && setup.test === test) return;
  throw appError('MCP_OUT_OF_SCOPE', {
    rule: 'approved_test_only',
    agent: call.target,
    approved: setup?.test && setup.approved ? setup.test : null,
    config: '.wezterm-parallel/config.yaml',
  });
}

/** merge: into its base, after the test gate when one is given. */
export const merge: ToolHandler<'merge'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayAct(call.caller, target);
  if (input.test !== undefined)
    await assertApprovedTest(api, call, target.worktree?.repo ?? null, input.test);
  return review(api).merge(
    target.id,
    { strategy: input.strategy, into: undefined, test: input.test, commit: input.commit },
    call.source,
  );
};

/** The workspace an agent's task calls are held to (null: a user's client, any). */
const taskWorkspace = (call: ToolCall): string | null =>
  call.caller.kind === 'agent' ? call.caller.agent.workspaceId : null;

/**
 * add_task: in the caller's workspace; a permission mode no wider than the caller's, and no profile
 * that runs its prompt without asking unless the user granted it.
 */
export const addTask: ToolHandler<'add_task'> = async (api, input, call) => {
  const ws = taskWorkspace(call);
  const { workspace: _none, ...req } = input;
  if (call.caller.kind === 'agent') {
    // The task's profile and every variant's (a variant without one runs the task's).
    const profiles = [req.profile, ...(req.variants ?? []).map((v) => v.profile ?? req.profile)];
    for (const profile of profiles) {
      if (profile === undefined && req.permissionMode !== undefined) {
        throw appError('MCP_OUT_OF_SCOPE', {
          rule: 'no_wider_permissions',
          agent: null,
          permissionMode: req.permissionMode,
        });
      }
      const modeName = req.permissionMode ?? null;
      api.team.assertMayStart(call.caller, {
        workspaceId: call.caller.agent.workspaceId,
        repo: null,
        profile: profile ?? null,
        mode: modeName === null || profile === undefined ? null : api.team.neutralMode(profile, modeName),
        modeName,
      });
    }
  }
  const workspace =
    ws === null ? undefined : call.caller.kind === 'agent' ? call.caller.agent.workspace : undefined;
  const task = await api.tasks.add({ ...req, ...(workspace ? { workspace } : {}) }, call.source);
  return { task: taskBrief(task) };
};

/** list_tasks: the caller's workspace. */
export const listTasks: ToolHandler<'list_tasks'> = (api, input, call) => {
  const ws = taskWorkspace(call);
  const tasks = api.tasks.list({ status: input.status, ...(ws ? { workspace: ws } : {}) });
  return Promise.resolve({ tasks: tasks.map(taskBrief) });
};

/** move_task: a task of the caller's workspace. */
export const moveTask: ToolHandler<'move_task'> = async (api, input, call) => {
  const ws = taskWorkspace(call);
  const task = api.tasks.get(input.task);
  if (ws !== null && task.workspaceId !== ws) {
    throw appError('MCP_OUT_OF_SCOPE', { rule: 'own_workspace', agent: null, task: task.id });
  }
  return { task: taskBrief(await api.tasks.move(task.id, input.status, call.source)) };
};

/** A task as a model needs it. */
function taskBrief(t: TaskView): Record<string, unknown> {
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    priority: t.priority,
    dependsOn: t.dependsOn,
    profile: t.profile ?? null,
    agents: t.agents,
    runs: t.runs.map((r) => ({ attempt: r.attempt, agentId: r.agentId, status: r.status })),
  };
}
