import { describeAnswer } from '../../protocol/answer-words.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';

/** /api/v1/agents…, workspaces, orphans and the event history. */
export function registerAgentRoutes(
  app: HttpApp,
  api: Pick<
    ApiContext,
    | 'agents'
    | 'answers'
    | 'fork'
    | 'events'
    | 'workspaces'
    | 'orphans'
    | 'loadTemplate'
    | 'defaultBackend'
    | 'cliSupport'
  >,
): void {
  const { agents, events, workspaces, orphans } = api;
  registerRoute(app, 'listAgents', ({ query }) => ({ agents: agents.list(query) }));
  registerRoute(app, 'createAgent', async ({ body }, { source }) => {
    const agent = await agents.create(body, source);
    return { agent, cli: api.cliSupport(agent.profile, agent.version) };
  });
  registerRoute(app, 'getAgent', ({ params }) => ({ agent: agents.get(params.agent) }));
  registerRoute(app, 'stopAgent', async ({ params, body }, { source }) => ({
    agent: await agents.stop(params.agent, body, source),
  }));
  registerRoute(app, 'restartAgent', async ({ params }, { source }) => ({
    agent: await agents.restart(params.agent, source),
  }));
  registerRoute(app, 'forkAgent', ({ params, body }, { source }) =>
    api.fork.fork(params.agent, body, source),
  );
  registerRoute(app, 'removeAgent', async ({ params, query }, { source }) => ({
    removed: await agents.remove(params.agent, query.force, source),
  }));
  registerRoute(app, 'sendInput', ({ params, body }, { source, origin }) =>
    agents.sendInput(params.agent, body.text, body.enter, source, body.force, body.raw, origin),
  );
  registerRoute(
    app,
    'answerAgent',
    ({ params, body }, { source, origin, device }) =>
      api.answers.answer(
        params.agent,
        { ...body, ...(origin ? { from: origin } : {}), ...(device ? { device } : {}) },
        source,
      ),
    { line: describeAnswer, doc: (r) => ({ answered: [r], refused: [] }) },
  );
  registerRoute(app, 'getScreen', ({ params }) => agents.screen(params.agent));
  registerRoute(app, 'getLogs', ({ params, query }, { header }) => {
    const got = agents.logs(params.agent, query.tailBytes);
    header('x-wtp-from-seq', String(got.from));
    header('x-wtp-to-seq', String(got.to));
    // Bytes the host could not write (disk full) are left out of the body; this says where.
    if (got.gaps.length > 0) header('x-wtp-gaps', JSON.stringify(got.gaps));
    return got.data;
  });
  registerRoute(app, 'listEvents', async ({ query }) => {
    const list = await events.since({
      since: query.since,
      limit: query.limit,
      types: query.types?.split(',').filter((t) => t !== ''),
      agentId: query.agent,
    });
    return { events: list, latestSeq: await events.latestSeq() };
  });
  registerRoute(app, 'listWorkspaces', () => ({ workspaces: workspaces.list() }));
  registerRoute(app, 'createWorkspace', async ({ body }, { source }) => {
    // Loaded (and a repository's template checked for approval) before anything is created.
    const loaded = body.templateYaml
      ? api.loadTemplate({ yaml: body.templateYaml, name: body.templateFile ?? 'inline' }, body.repo)
      : body.template
        ? api.loadTemplate({ name: body.template }, body.repo)
        : null;
    const template = loaded
      ? { name: loaded.name, layout: loaded.layout, approvals: loaded.approvals, sandbox: loaded.sandbox }
      : null;
    const backend = body.backend === 'auto' ? api.defaultBackend() : body.backend;
    const created = await workspaces.create(
      {
        name: body.name,
        repoPath: body.repo,
        worktrees: body.worktrees,
        backend,
        template,
        profile: body.profile,
      },
      source,
    );
    return { ...created, template: loaded?.use ?? null };
  });
  registerRoute(app, 'removeWorkspace', async ({ params, query }, { source }) => ({
    removed: await workspaces.remove(params.workspace, query.force, source),
  }));
  registerRoute(app, 'focusWorkspace', ({ params }) => workspaces.focus(params.workspace));
  registerRoute(app, 'listOrphans', () => ({ orphans: orphans.list() }));
  registerRoute(app, 'stopOrphan', async ({ params }, { source }) => ({
    orphan: await orphans.stop(params.agent, source),
  }));
  registerRoute(app, 'adoptOrphan', async ({ params, body }, { source }) => {
    const agent = await orphans.adopt(params.agent, body, source);
    return { agent: agents.get(agent.id) };
  });
}

/** `wtp why`, profiles, and the hook intake of agent CLIs. */
export function registerStateRoutes(
  app: HttpApp,
  api: Pick<ApiContext, 'states' | 'profiles' | 'agentClis' | 'screenRecord'>,
): void {
  registerRoute(app, 'agentWhy', ({ params }) => api.states.why(params.agent));
  registerRoute(app, 'agentScreenRecord', ({ params }) => api.screenRecord(params.agent));
  registerRoute(app, 'listProfiles', async () => ({ profiles: await api.profiles() }));
  registerRoute(app, 'agentClis', () => api.agentClis());
  registerRoute(app, 'agentHook', async ({ params, body }, { signal, tcp }) => {
    // Only a CLI's own http call waits for a held answer; `wtp hook` over the socket never does.
    const { response } = await api.states.receiveHook(
      params.agentId,
      body,
      tcp === true ? signal : undefined,
    );
    return response ?? {};
  });
}
