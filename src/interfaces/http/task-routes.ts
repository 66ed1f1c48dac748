import { parsePlan } from '../../config/plans.js';
import type { ApiContext } from '../server/api-context.js';
import type { HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';

/** /api/v1/tasks: the task graph; best of N; quota holds; broadcast. */
export function registerTaskRoutes(
  app: HttpApp,
  api: Pick<ApiContext, 'tasks' | 'attempts' | 'quota' | 'broadcast'>,
): void {
  const { tasks, attempts, quota } = api;
  registerRoute(app, 'listTasks', ({ query }) => ({ tasks: tasks.list(query) }));
  registerRoute(app, 'createTask', async ({ body }, { source }) => ({ task: await tasks.add(body, source) }));
  registerRoute(app, 'importPlan', async ({ body }, { source }) => ({
    tasks: await tasks.importPlan(parsePlan(body.yaml, body.file), source, body.workspace),
  }));
  registerRoute(app, 'broadcast', ({ body }, { source }) =>
    api.broadcast.send(body.text, body.workspace, source),
  );
  registerRoute(app, 'getTask', ({ params }) => ({ task: tasks.get(params.task) }));
  registerRoute(app, 'moveTask', async ({ params, body }, { source }) => ({
    task: await tasks.move(params.task, body.status, source),
  }));
  registerRoute(app, 'cancelTask', async ({ params }, { source }) => ({
    task: await tasks.cancel(params.task, source),
  }));
  // A GET never runs a command (a page could send one with the cookie): the tests are POST's.
  registerRoute(app, 'compareTask', ({ params }) => attempts.compare(params.task, { noTest: true }));
  registerRoute(app, 'compareTaskTests', ({ params, body }) =>
    attempts.compare(params.task, { test: body.test, noTest: false }),
  );
  registerRoute(app, 'pickAttempt', ({ params, body }, { source }) =>
    attempts.pick(params.task, body, source),
  );
  registerRoute(app, 'listQuota', () => ({ holds: quota.list() }));
  registerRoute(app, 'resumeQuota', async ({ body }) => ({ resumed: await quota.resume(body.vendor) }));
}
