import { parsePlan } from '../../config/plans.js';
import { broadcast } from '../../core/broadcast.js';
import type { ApiContext } from './api-context.js';
import type { HttpApp } from './http-app.js';
import { registerRoute } from './register-route.js';

/** /api/v1/tasks: the task graph. */
export function registerTaskRoutes(app: HttpApp, ctx: ApiContext): void {
  const tasks = ctx.core.tasks;
  registerRoute(app, 'listTasks', ({ query }) => ({ tasks: tasks.list(query) }));
  registerRoute(app, 'createTask', async ({ body }, { source }) => ({ task: await tasks.add(body, source) }));
  registerRoute(app, 'importPlan', async ({ body }, { source }) => ({
    tasks: await tasks.importPlan(parsePlan(body.yaml, body.file), source),
  }));
  registerRoute(app, 'broadcast', ({ body }, { source }) =>
    broadcast({ registry: ctx.core.registry, service: ctx.core.service }, body.text, body.workspace, source),
  );
  registerRoute(app, 'getTask', ({ params }) => ({ task: tasks.get(params.task) }));
  registerRoute(app, 'moveTask', async ({ params, body }, { source }) => ({
    task: await tasks.move(params.task, body.status, source),
  }));
  registerRoute(app, 'cancelTask', async ({ params }, { source }) => ({
    task: await tasks.cancel(params.task, source),
  }));
}
