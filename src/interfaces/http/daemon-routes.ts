import type { ApiContext } from '../server/api-context.js';
import { RawBody, type HttpApp } from '../server/http-app.js';
import type { HttpCounters } from '../server/http-counters.js';
import { renderMetrics, type MetricsSources } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { LoopDelayMonitor } from './loop-delay.js';
import { registerRoute } from './register-route.js';

/** Health, status, shutdown, the OpenAPI document and /metrics. */
export function registerDaemonRoutes(
  app: HttpApp,
  ctx: Pick<ApiContext, 'version' | 'startedAt' | 'status' | 'requestShutdown' | 'fleet'> & MetricsSources,
  counters: HttpCounters,
): void {
  registerRoute(app, 'health', () => ({ ok: true, pid: process.pid, version: ctx.version }));
  registerRoute(app, 'status', () => ctx.status());
  const loop = new LoopDelayMonitor();
  registerRoute(app, 'loopDelay', () => loop.read());
  registerRoute(app, 'fleetStatus', () => ({ fleet: ctx.fleet?.status() ?? null }));
  registerRoute(app, 'shutdown', async ({ body }) => ({
    pid: process.pid,
    stoppedAgents: await ctx.requestShutdown(body.stopAgents),
  }));
  let openapi: Record<string, unknown> | null = null;
  app.route('GET', '/api/v1/openapi.json', () => (openapi ??= buildOpenApi(ctx.version)));
  app.route(
    'GET',
    '/metrics',
    async () =>
      new RawBody(
        await renderMetrics(ctx, counters, ctx.startedAt),
        'text/plain; version=0.0.4; charset=utf-8',
      ),
  );
}
