import { receiveHook } from '../../core/state/hook-intake.js';
import { STATE_RULES } from '../../core/state/state-rules.js';
import type { ApiContext } from './api-context.js';
import type { HttpApp } from './http-app.js';
import { registerRoute } from './register-route.js';

/** /api/v1/agents… and the event history. */
export function registerAgentRoutes(app: HttpApp, ctx: ApiContext): void {
  const svc = ctx.core.service;
  registerRoute(app, 'listAgents', ({ query }) => ({ agents: svc.list(query) }));
  registerRoute(app, 'createAgent', async ({ body }, { source }) => ({
    agent: await svc.create(body, source),
  }));
  registerRoute(app, 'getAgent', ({ params }) => ({ agent: svc.get(params.agent) }));
  registerRoute(app, 'stopAgent', async ({ params, body }, { source }) => ({
    agent: await svc.stop(params.agent, body, source),
  }));
  registerRoute(app, 'restartAgent', async ({ params }, { source }) => ({
    agent: await svc.restart(params.agent, source),
  }));
  registerRoute(app, 'removeAgent', async ({ params, query }, { source }) => ({
    removed: await svc.remove(params.agent, query.force, source),
  }));
  registerRoute(app, 'sendInput', ({ params, body }, { source }) =>
    svc.sendInput(params.agent, body.text, body.enter, source, body.force, body.raw),
  );
  registerRoute(app, 'getScreen', ({ params }) => svc.screen(params.agent));
  registerRoute(app, 'getLogs', ({ params, query }, { header }) => {
    const got = svc.logs(params.agent, query.tailBytes);
    header('x-wtp-from-seq', String(got.from));
    header('x-wtp-to-seq', String(got.to));
    // Bytes the host could not write (disk full) are left out of the body; this says where.
    if (got.gaps.length > 0) header('x-wtp-gaps', JSON.stringify(got.gaps));
    return got.data;
  });
  registerRoute(app, 'listEvents', async ({ query }) => {
    const events = await ctx.core.events.since({
      since: query.since,
      limit: query.limit,
      types: query.types?.split(',').filter((t) => t !== ''),
      agentId: query.agent,
    });
    return { events, latestSeq: await ctx.core.events.latestSeq() };
  });
  registerRoute(app, 'listWorkspaces', () => ({ workspaces: ctx.core.workspaces.list() }));
  registerRoute(app, 'createWorkspace', async ({ body }, { source }) => {
    // Loaded (and a repository's template checked for approval) before anything is created.
    const loaded = body.templateYaml
      ? ctx.loadTemplate({ yaml: body.templateYaml, name: body.templateFile ?? 'inline' }, body.repo)
      : body.template
        ? ctx.loadTemplate({ name: body.template }, body.repo)
        : null;
    const template = loaded ? { name: loaded.name, layout: loaded.layout } : null;
    const backend = body.backend === 'auto' ? ctx.defaultBackend() : body.backend;
    const created = await ctx.core.workspaces.create(
      { name: body.name, repoPath: body.repo, backend, template, profile: body.profile },
      source,
    );
    return { ...created, template: loaded?.use ?? null };
  });
  registerRoute(app, 'removeWorkspace', async ({ params, query }, { source }) => ({
    removed: await ctx.core.workspaces.remove(params.workspace, query.force, source),
  }));
  registerRoute(app, 'focusWorkspace', ({ params }) => ctx.core.workspaces.focus(params.workspace));
  registerRoute(app, 'listOrphans', () => ({ orphans: ctx.core.orphans.list() }));
  registerRoute(app, 'stopOrphan', async ({ params }, { source }) => ({
    orphan: await ctx.core.orphans.stop(params.agent, source),
  }));
  registerRoute(app, 'adoptOrphan', async ({ params, body }, { source }) => {
    const agent = await ctx.core.orphans.adopt(params.agent, body, source);
    return { agent: svc.get(agent.id) };
  });
}

/** `wtp why`, profiles, and the hook intake of agent CLIs. */
export function registerStateRoutes(app: HttpApp, ctx: ApiContext): void {
  const core = ctx.core;
  registerRoute(app, 'agentWhy', ({ params }) => {
    const agent = core.service.get(params.agent);
    return { agent, signals: core.engine.recentSignals(agent.id), rules: STATE_RULES };
  });
  registerRoute(app, 'listProfiles', () => ({ profiles: ctx.profiles() }));
  registerRoute(app, 'agentHook', async ({ params, body }) => {
    await receiveHook(
      {
        registry: core.registry,
        profileCatalog: core.profileCatalog,
        service: core.service,
        engine: core.engine,
        clock: ctx.clock,
      },
      params.agentId,
      body,
    );
    return {};
  });
}
