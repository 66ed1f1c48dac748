import { AppError } from '../../core/errors.js';
import type { DeliveryUseCases } from '../../core/use-cases/use-cases.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';

/** Push, pull requests and their checks. */
export function registerForgeRoutes(app: HttpApp, api: Pick<ApiContext, 'delivery'>): void {
  const delivery = (): DeliveryUseCases => {
    if (!api.delivery) throw new AppError('INTERNAL', 'git delivery is not configured in this daemon');
    return api.delivery;
  };
  registerRoute(app, 'agentPush', ({ params, body }, { source }) =>
    delivery().push(params.agent, body, source),
  );
  registerRoute(app, 'agentPrCreate', ({ params, body }, { source }) =>
    delivery().openPr(params.agent, body, source),
  );
  registerRoute(app, 'agentPr', ({ params }) => delivery().prs.get(params.agent));
  registerRoute(app, 'agentPrRefresh', ({ params }) => delivery().prs.refresh(params.agent));
  registerRoute(app, 'agentChecksFeedback', ({ params, body }, { source }) =>
    delivery().prs.checksFeedback(params.agent, { text: body.text, force: body.force }, source),
  );
  registerRoute(app, 'listPrs', () => ({ pullRequests: delivery().prs.list() }));
  registerRoute(app, 'refreshPrs', () => delivery().prs.refreshAll());
}
