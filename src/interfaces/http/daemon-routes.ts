import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.js';
import type { HttpCounters } from './metrics.js';
import { renderMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { registerRoute } from './register-route.js';

/** Health, status, shutdown, the OpenAPI document and /metrics. */
export function registerDaemonRoutes(app: FastifyInstance, ctx: ApiContext, counters: HttpCounters): void {
  registerRoute(app, 'health', () => ({ ok: true, pid: process.pid, version: ctx.version }));
  registerRoute(app, 'status', () => ctx.status());
  registerRoute(app, 'shutdown', async ({ body }) => ({
    pid: process.pid,
    stoppedAgents: await ctx.requestShutdown(body.stopAgents),
  }));
  let openapi: Record<string, unknown> | null = null;
  app.get('/api/v1/openapi.json', (_req, reply) => {
    openapi ??= buildOpenApi(ctx.version);
    return reply.send(openapi);
  });
  app.get('/metrics', async (_req, reply) =>
    reply
      .header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      .send(await renderMetrics(ctx.core, counters, ctx.startedAt)),
  );
}
