import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { appError } from '../../protocol/error-messages.js';
import type { ApiContext } from '../server/api-context.js';
import { markTcp } from '../server/auth.js';
import { DashboardAuth } from '../server/dashboard-auth.js';
import { HttpApp } from '../server/http-app.js';
import { HttpCounters } from '../server/http-counters.js';
import { answerClientError, refuseConnect } from '../server/socket-replies.js';
import { registerAgentRoutes, registerStateRoutes } from '../http/agent-routes.js';
import { registerDaemonRoutes } from '../http/daemon-routes.js';
import { registerDashboardRoutes } from '../http/dashboard-routes.js';
import { registerForgeRoutes } from '../http/forge-routes.js';
import { registerGitRoutes } from '../http/git-routes.js';
import { registerReportRoutes } from '../http/report-routes.js';
import { registerCostRoutes } from '../http/cost-routes.js';
import { registerTaskRoutes } from '../http/task-routes.js';
import { registerEventsSocket } from '../ws/events-socket.js';
import { registerProgressSocket } from '../ws/progress-socket.js';
import { registerPtySocket } from '../ws/pty-socket.js';
import { mountMcp } from '../mcp/mcp-endpoint.js';
import { registerRemoteRoutes } from '../http/remote-routes.js';
import type { RemotePorts } from '../remote/remote-ports.js';
import { RemoteService } from '../remote/remote-service.js';
import type { FleetRoute } from '../../protocol/fleet.js';
import { ROUTE_PATHS } from '../../protocol/route-paths.js';

/** The hook route's prefix (routes.agentHook). */
const HOOK_PATH = ROUTE_PATHS.agentHook.path.replace(':agentId', '');

export interface ApiServer {
  /** The request listener (tests inject requests into it in-process). */
  dispatch: (req: IncomingMessage, res: ServerResponse) => void;
  /** Listens on the unix socket (mode 0600) and, if a port is given, on 127.0.0.1. */
  listen(socketPath: string, tcpPort: number | null): Promise<{ tcpPort: number | null }>;
  /** The phone's listener (`wtp remote`), off until turned on. */
  remote: RemoteService;
  close(): Promise<void>;
}

const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
const SOCKET_PAYLOAD_LIMIT_BYTES = 1024 * 1024;
/** How long close() lets busy connections finish before it cuts them. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The daemon's HTTP + WebSocket API on node:http: one app (server/) with the routes of http/ and
 * the sockets of ws/, behind two listeners, the unix socket (trusted by its file mode) and
 * 127.0.0.1 (bearer token or dashboard session cookie required), plus the dashboard's files.
 */
export function createApiServer(ctx: ApiContext, token: string, remotePorts: RemotePorts): ApiServer {
  const counters = new HttpCounters();
  let tcpPort: number | null = null;
  const sessions = new DashboardAuth(ctx.clock, token);
  const app = new HttpApp({
    token,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    maxSocketPayloadBytes: SOCKET_PAYLOAD_LIMIT_BYTES,
    counters,
    log: ctx.log,
    tcpPort: () => tcpPort,
    sessions,
  });
  registerDaemonRoutes(app, ctx, counters);
  registerAgentRoutes(app, ctx);
  registerStateRoutes(app, ctx);
  registerGitRoutes(app, ctx);
  registerForgeRoutes(app, ctx);
  registerTaskRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerCostRoutes(app, ctx);
  registerDashboardRoutes(app, { auth: sessions, webDir: ctx.webDir, tcpPort: () => tcpPort });
  registerEventsSocket(app, ctx, counters);
  registerPtySocket(app, ctx, counters);
  registerProgressSocket(app, ctx, counters);
  mountMcp(app, ctx, token);
  const remote = new RemoteService(app, remotePorts, { clock: ctx.clock, log: ctx.log });
  registerRemoteRoutes(app, remote);
  if (ctx.fleet) serveFleet(app, ctx.fleet);

  const servers: Server[] = [];
  const connections = new Set<Socket>();
  const serve = (markAsTcp: boolean): Server => {
    const server = createServer((req, res) => {
      if (markAsTcp) markTcp(req);
      // A hook answer ends its connection: agent CLIs pool connections past Node's 5 s keep-alive
      // (ignoring its hint), and one reused as the server closed it failed with ECONNRESET.
      if (req.url?.startsWith(HOOK_PATH) === true) res.shouldKeepAlive = false;
      app.handle(req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      if (markAsTcp) markTcp(req);
      app.upgrade(req, socket, head);
    });
    server.on('connect', refuseConnect);
    server.on('clientError', answerClientError);
    server.on('connection', (s: Socket) => {
      connections.add(s);
      s.on('close', () => connections.delete(s));
    });
    servers.push(server);
    return server;
  };

  return {
    dispatch: app.handle,
    remote,
    async listen(socketPath, port) {
      // The port first: a daemon that answers on its socket has all it listens on (`up --detach`
      // takes an answer as started, and a taken port must never get one).
      if (port !== null) {
        const tcp = serve(true);
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', (err: NodeJS.ErrnoException) => {
            reject(
              err.code === 'EADDRINUSE'
                ? appError('PORT_IN_USE', { port, host: '127.0.0.1' }, { cause: err })
                : err,
            );
          });
          tcp.listen(port, '127.0.0.1', () => resolve());
        });
        const addr = tcp.address();
        tcpPort = typeof addr === 'object' && addr ? addr.port : port;
      }
      rmSync(socketPath, { force: true });
      const unix = serve(false);
      await new Promise<void>((resolve, reject) => {
        unix.once('error', reject);
        unix.listen(socketPath, () => resolve());
      });
      chmodSync(socketPath, 0o600);
      return { tcpPort: port === null ? null : tcpPort };
    },
    async close() {
      await remote.close();
      app.closeSockets();
      const closed = Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeIdleConnections(); // in-flight requests (the shutdown reply) still finish
            }),
        ),
      );
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([closed, grace]);
      for (const c of connections) c.destroy();
      await closed;
    },
  };
}

/**
 * In a fleet: agent routes for another machine's agents are sent to it, and the commands other
 * machines send here are run through this same app.
 */
function serveFleet(app: HttpApp, fleet: NonNullable<ApiContext['fleet']>): void {
  app.forward = (route, input) => fleet.forward(route, input);
  fleet.serve((call, origin) => {
    const def = ROUTE_PATHS[call.route as FleetRoute];
    const path = def.path.replace(':agent', encodeURIComponent(call.params.agent ?? ''));
    return app.dispatch({ method: def.method, path, query: call.query, body: call.body }, origin);
  });
}
