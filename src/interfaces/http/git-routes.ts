import { AppError } from '../../core/errors.js';
import type { ReviewUseCases } from '../../core/use-cases/use-cases.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';

/** Worktrees, review, merge, the conflict radar, gc and setup approval. */
export function registerGitRoutes(app: HttpApp, api: Pick<ApiContext, 'review' | 'radar' | 'agents'>): void {
  const review = (): ReviewUseCases => {
    if (!api.review) throw new AppError('INTERNAL', 'git support is not configured in this daemon');
    return api.review;
  };
  registerRoute(app, 'agentDiff', ({ params, query }) => review().diff(params.agent, query.stat));
  registerRoute(app, 'agentCommit', ({ params, body }, { source }) =>
    review().commit(params.agent, body.message, source),
  );
  registerRoute(app, 'agentMerge', ({ params, body }, { source }) =>
    review().merge(
      params.agent,
      { strategy: body.strategy, into: body.into, test: body.test, commit: body.commit },
      source,
    ),
  );
  registerRoute(app, 'agentFeedback', ({ params, body }, { source }) =>
    body.force
      ? api.agents.sendInput(params.agent, body.text, true, source, true)
      : review().feedback(params.agent, body.text, source),
  );
  registerRoute(app, 'conflicts', ({ query }) => {
    const radar = api.radar;
    if (!radar) throw new AppError('INTERNAL', 'git support is not configured in this daemon');
    return query.cached ? radar.cachedRadar() : radar.radar();
  });
  registerRoute(app, 'gc', ({ body }) => review().gc(body.dryRun));
  registerRoute(app, 'setupShow', ({ query }) => review().setupShow(query.repo));
  registerRoute(app, 'setupApprove', ({ body }) =>
    review().setupApprove(body.repo, body.hashes ?? (body.hash === undefined ? null : [body.hash])),
  );
}
