import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '../../core/errors.js';
import { registerEventsSocket } from '../ws/events-socket.js';
import { registerPtySocket } from '../ws/pty-socket.js';
import { registerAgentRoutes } from './agent-routes.js';
import type { ApiContext } from './api-context.js';
import { cameOverTcp, hasValidToken, markTcp, originAllowed } from './auth.js';
import { registerDaemonRoutes } from './daemon-routes.js';
import { HttpCounters } from './metrics.js';
import { toErrorResponse } from './to-error-body.js';

export interface ApiServer {
  app: FastifyInstance;
  /** Listens on the unix socket (mode 0600) and, if a port is given, on 127.0.0.1. */
  listen(socketPath: string, tcpPort: number | null): Promise<{ tcpPort: number | null }>;
  close(): Promise<void>;
}

const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * The daemon's HTTP + WebSocket API. One Fastify app serves both listeners: the unix
 * socket (trusted by file mode) and TCP on 127.0.0.1 (bearer token required).
 */
export async function createApiServer(ctx: ApiContext, token: string): Promise<ApiServer> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  const counters = new HttpCounters();
  let tcpPort: number | null = null;

  app.addHook('onRequest', async (req) => {
    if (!originAllowed(req.raw, tcpPort)) {
      throw new AppError('FORBIDDEN_ORIGIN', `Origin ${req.headers.origin ?? ''} may not use this API.`);
    }
    if (cameOverTcp(req.raw) && !hasValidToken(req.raw, token)) {
      throw new AppError(
        'UNAUTHORIZED',
        'Missing or wrong bearer token (see the token file in `wtp status`).',
      );
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    counters.countRequest(req.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  app.setErrorHandler((err, req, reply) => {
    const r = toErrorResponse(err);
    if (r.internal) ctx.log.error({ err, url: req.url }, 'request failed');
    return reply.code(r.status).send(r.body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ code: 'NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0] ?? ''}` }),
  );

  registerDaemonRoutes(app, ctx, counters);
  registerAgentRoutes(app, ctx);
  registerEventsSocket(app, ctx, counters);
  registerPtySocket(app, ctx, counters);
  await app.ready();

  let tcpServer: Server | null = null;
  const tcpSockets = new Set<Socket>();
  return {
    app,
    async listen(socketPath, port) {
      rmSync(socketPath, { force: true });
      await app.listen({ path: socketPath });
      chmodSync(socketPath, 0o600);
      if (port === null) return { tcpPort: null };
      const server = createServer((req, res) => {
        markTcp(req);
        app.routing(req, res);
      });
      server.on('upgrade', (req, socket, head) => {
        markTcp(req);
        app.server.emit('upgrade', req, socket, head);
      });
      server.on('connection', (s: Socket) => {
        tcpSockets.add(s);
        s.on('close', () => tcpSockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => {
          reject(
            err.code === 'EADDRINUSE'
              ? new AppError('PORT_IN_USE', `Port ${port} on 127.0.0.1 is in use.`, { port }, { cause: err })
              : err,
          );
        });
        server.listen(port, '127.0.0.1', () => resolve());
      });
      tcpServer = server;
      const addr = server.address();
      tcpPort = typeof addr === 'object' && addr ? addr.port : port;
      return { tcpPort };
    },
    async close() {
      const tcp = tcpServer;
      if (tcp) {
        for (const s of tcpSockets) s.destroy();
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
      }
      await app.close();
    },
  };
}
