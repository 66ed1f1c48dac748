import { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { AgentState, AgentView } from '../../protocol/agent.js';
import { DEFAULT_WORKSPACE } from '../../protocol/workspace.js';
import { plainText } from '../../protocol/terminal-text.js';
import { agentBrief } from './agent-brief.js';
import { callerId, targetAgent, type ToolApi, type ToolCall, type ToolHandler } from './tool-context.js';

/** list_agents: the caller's workspace (a user's client: every agent). */
export const listAgents: ToolHandler<'list_agents'> = (api, input, call) => {
  const ws = call.caller.kind === 'agent' ? call.caller.agent.workspaceId : undefined;
  const agents = api.agents.list({ workspace: ws, state: input.state });
  return Promise.resolve({ agents: agents.map((a) => agentBrief(a, callerId(call))) });
};

/** The workspace a new agent goes to: the caller's, or one a user's client names. */
function workspaceOf(
  api: ToolApi,
  call: ToolCall,
  ref: string | undefined,
): { id: string; name: string; repo: string | null } {
  const wanted = ref ?? (call.caller.kind === 'agent' ? call.caller.agent.workspaceId : DEFAULT_WORKSPACE);
  const ws = api.workspaces.list().find((w) => w.id === wanted || w.name === wanted);
  if (!ws) throw appError('WORKSPACE_NOT_FOUND', { ref: wanted });
  return { id: ws.id, name: ws.name, repo: ws.repoPath };
}

/** start_agent: a worker in the caller's workspace and repository, recorded as started by it. */
export const startAgent: ToolHandler<'start_agent'> = async (api, input, call) => {
  const mine = call.caller.kind === 'agent' ? call.caller.agent : null;
  const elsewhere =
    mine !== null &&
    input.workspace !== undefined &&
    ![mine.workspace, mine.workspaceId].includes(input.workspace);
  // Another workspace is refused before it is looked up: an agent does not learn which exist.
  const ws = elsewhere
    ? { id: input.workspace ?? '', name: input.workspace ?? '', repo: null }
    : workspaceOf(api, call, input.workspace);
  const repo = input.repo ?? mine?.worktree?.repo ?? ws.repo ?? null;
  const mode =
    input.permissionMode === undefined ? null : api.team.neutralMode(input.profile, input.permissionMode);
  api.team.assertMayStart(call.caller, {
    workspaceId: ws.id,
    repo: input.repo ?? null,
    profile: input.profile,
    mode,
    modeName: input.permissionMode ?? null,
  });
  if (repo === null) {
    throw new AppError('INVALID_INPUT', 'Give the repository the agent works in (repo).', {
      issues: [{ path: 'repo', message: 'required: the workspace has no repository' }],
    });
  }
  const agent = await api.agents.create(
    {
      profile: input.profile,
      ...(input.name !== undefined ? { name: input.name } : {}),
      workspace: ws.id,
      cwd: repo,
      repo,
      restart: 'never',
      argv: [],
      env: {},
      wait: true,
      ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
      ...(input.model !== undefined ? { model: input.model } : {}),
      ...(input.base !== undefined ? { base: input.base } : {}),
      ...(input.permissionMode !== undefined ? { permissionMode: input.permissionMode } : {}),
      ...(input.sandbox ? { sandbox: true } : {}),
      ...(mine ? { startedBy: mine.id } : {}),
    },
    call.source,
  );
  call.target = agent.id;
  return { agent: agentBrief(agent, callerId(call)) };
};

/** send_prompt: typed and submitted, through the safe-input path (refused while it works). */
export const sendPrompt: ToolHandler<'send_prompt'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayAct(call.caller, target);
  await api.agents.sendInput(target.id, input.text, true, call.source);
  return { sent: true, agent: target.name };
};

/** States an agent settles in after a turn: counted only once it has had its input (see waitForState). */
const SETTLED: readonly AgentState[] = ['idle', 'needs_input', 'needs_permission'];

/** When input was last typed into the agent (its prompt, a send_prompt), or null when never. */
async function lastInputAt(api: ToolApi, agentId: string): Promise<number | null> {
  let since = 0;
  let last: number | null = null;
  for (;;) {
    const page = await api.events.since({ since, limit: 1000, agentId, types: ['agent.inputSent'] });
    for (const e of page) last = Date.parse(e.ts);
    if (page.length < 1000) return last;
    since = page[page.length - 1]?.seq ?? since;
  }
}

/**
 * wait_for_state: returns as soon as the agent is in one of the states, or when the time is up. A
 * settled state (idle, needs_input, needs_permission) counts only once the agent has had its input:
 * no prompt of its own still waits to be typed, and the state began after the last input typed into
 * it. A worker just started with a prompt is idle at its prompt for a moment before it takes it up:
 * that is not its work done.
 */
export const waitForState: ToolHandler<'wait_for_state'> = async (api, input, call) => {
  const first = targetAgent(api, call, input.agent);
  api.team.assertMayRead(call.caller, first);
  const wanted = new Set<AgentState>(input.states);
  const started = Date.now();
  let lastInput = await lastInputAt(api, first.id);
  const reachedBy = (a: AgentView): boolean =>
    wanted.has(a.state) &&
    (!SETTLED.includes(a.state) ||
      (!api.agents.promptPending(a.id) && (lastInput === null || Date.parse(a.stateSince) >= lastInput)));
  const latest = await new Promise<AgentView>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      call.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const now = (): AgentView | null => {
      try {
        return api.agents.get(first.id);
      } catch (err) {
        finish(() => reject(err as Error)); // removed meanwhile
        return null;
      }
    };
    const check = (): void => {
      const a = now();
      if (a && reachedBy(a)) finish(() => resolve(a));
    };
    const onAbort = (): void =>
      finish(() => reject(new AppError('INVALID_INPUT', 'The call was cancelled.')));
    const timer = setTimeout(() => {
      const a = now();
      if (a) finish(() => resolve(a));
    }, input.timeoutMs);
    const unsubscribe = api.events.subscribe((e) => {
      if (e.agentId !== first.id) return;
      if (e.type === 'agent.inputSent') lastInput = Date.parse(e.ts);
      check();
    });
    call.signal.addEventListener('abort', onAbort);
    check();
  });
  const reached = reachedBy(latest);
  return {
    reached,
    waitedMs: Date.now() - started,
    agent: agentBrief(latest, callerId(call)),
    ...(reached
      ? {}
      : {
          next: api.agents.promptPending(latest.id)
            ? 'Its prompt is not typed yet (it is still starting): call wait_for_state again.'
            : 'Not yet: call wait_for_state again, or read_screen to see what it is doing.',
        }),
  };
};

/** read_screen: the visible rows. */
export const readScreen: ToolHandler<'read_screen'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayRead(call.caller, target);
  const s = await api.agents.screen(target.id);
  return { agent: target.name, state: target.state, cols: s.cols, rows: s.rows, screen: s.lines.join('\n') };
};

/** read_log: the tail of its output, as plain text. */
export const readLog: ToolHandler<'read_log'> = (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayRead(call.caller, target);
  const got = api.agents.logs(target.id, input.tailBytes);
  const text = plainText(new TextDecoder().decode(got.data));
  return Promise.resolve({ agent: target.name, bytes: got.data.length, text });
};

/** stop_agent: SIGTERM, then SIGKILL after its grace; answers once it is gone. */
export const stopAgent: ToolHandler<'stop_agent'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayAct(call.caller, target);
  const opts = input.graceMs === undefined ? { wait: true } : { graceMs: input.graceMs, wait: true };
  const agent = await api.agents.stop(target.id, opts, call.source);
  return { agent: agentBrief(agent, callerId(call)) };
};

/** answer_dialog: verified against its screen; never the caller's own dialog or its lead's. */
export const answerDialog: ToolHandler<'answer_dialog'> = async (api, input, call) => {
  const target = targetAgent(api, call, input.agent);
  api.team.assertMayAct(call.caller, target);
  const r = await api.answers.answer(
    target.id,
    {
      action: input.action,
      via: 'api',
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.message !== undefined ? { message: input.message } : {}),
    },
    call.source,
  );
  // The agent as the other tools show it (never its environment or command line).
  return { ...r, agent: agentBrief(r.agent, callerId(call)) };
};
