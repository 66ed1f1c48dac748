import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/daemon.js';
import { appError } from '../../protocol/error-messages.js';
import type { FleetOrigin } from '../../protocol/fleet.js';
import type { RemoteDevice } from '../../protocol/remote.js';
import {
  cameOverTcp,
  cookieRequestAllowed,
  hasValidToken,
  hookPathAgent,
  hookToken,
  isPublicPath,
  originAllowed,
} from './auth.js';
import { redactSecrets } from './dashboard-auth.js';
import type { HttpCounters } from './http-counters.js';
import { Router, type RouteMatch } from './router.js';
import { endWithError, SERVED_METHODS } from './socket-replies.js';
import { toErrorResponse } from './to-error-body.js';
import { cliFormat, errorOutput, typeOf } from './text-answer.js';

/** What a route handler sees of a request. */
export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingMessage['headers'];
  /** Sent by another machine of the fleet (carried out here, never passed on again). */
  fromFleet?: boolean;
  /** That machine and the database role it wrote the command as. */
  origin?: FleetOrigin;
  /** Aborted when the client goes away before its answer (a held hook call's CLI stopped waiting). */
  signal?: AbortSignal;
  /** Came over TCP (not the unix socket). */
  tcp?: boolean;
  /** Came over the remote listener: the paired device that sent it (null on its pairing paths). */
  remote?: { device: RemoteDevice | null; address: string | null };
}

/** Another machine's daemon answers for agents it owns: undefined when this one does. */
export type FleetForward = (
  route: string,
  input: { params: Record<string, string>; query: unknown; body: unknown },
) => Promise<unknown> | undefined;

/** A non-JSON answer (bytes or text with its content type), optionally with its own status and headers. */
export class RawBody {
  constructor(
    readonly data: Uint8Array | string,
    readonly contentType: string,
    readonly status?: number,
    readonly headers: Record<string, string> = {},
  ) {}
}

export type HttpHandler = (
  req: HttpRequest,
  res: { header(name: string, value: string): void },
) => Promise<unknown> | unknown;

/**
 * A path served by a handler of its own (the MCP endpoint): it gets the raw request and response
 * and authenticates by itself; only the Origin check runs before it.
 */
export type MountHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export type SocketHandler = (socket: WebSocket, req: Omit<HttpRequest, 'body' | 'method'>) => void;

/** The remote listener's side of the app (server/ knows it only through this). */
export interface RemoteAccess {
  /** The device a remote request comes from, null on a public path; throws when refused. */
  authorize(req: IncomingMessage, upgrade: boolean): RemoteDevice | null;
  /** Route patterns a device may never use. */
  never: ReadonlySet<string>;
  refuseRoute(): Error;
  /** A device's WebSocket, to close at once if it is revoked. */
  track(device: string, socket: WebSocket): void;
}

const REMOTE_MARK = Symbol('wtp.remote');
type Marked = IncomingMessage & { [REMOTE_MARK]?: { device: RemoteDevice | null } };

/** Requests of the remote listener are marked by it; nothing else ever carries the mark. */
export function markRemote(req: IncomingMessage): void {
  (req as Marked)[REMOTE_MARK] = { device: null };
}

export interface HttpAppOptions {
  token: string;
  bodyLimitBytes: number;
  maxSocketPayloadBytes: number;
  counters: HttpCounters;
  log: Logger;
  /** The TCP port, for the Origin check (null until listening, or without TCP). */
  tcpPort: () => number | null;
  /** The dashboard's sessions: a live `wtp_session_<port>` cookie stands in for the token on TCP. */
  sessions: { hasSession(cookieHeader: string | undefined, port: number | null): boolean };
}

function parseQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) out[k] = v;
  return out;
}

const badRequest = (message: string, path: string): AppError =>
  new AppError('INVALID_INPUT', message, { issues: [{ path, message }] });

/** The request's URL; a request target that is no URL is the client's error, not ours. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw badRequest('The request target is not a valid URL.', 'url');
  }
}

/** Routes a path; a malformed %-escape in a parameter is the client's error. */
function matchPath<T>(router: Router<T>, method: string, path: string): RouteMatch<T> {
  try {
    return router.match(method, path);
  } catch {
    throw badRequest('Malformed %-escape in the path.', 'params');
  }
}

/**
 * The daemon's HTTP layer on node:http: routing, JSON bodies with a size limit, auth
 * (token or dashboard session cookie on TCP, Origin for browsers), errors as
 * `{code, message, details}`, request metrics, and WebSocket upgrades routed the same way.
 */
export class HttpApp {
  private readonly routes = new Router<{ handler: HttpHandler; status: number }>();
  private readonly sockets = new Router<SocketHandler>();
  private readonly mounts = new Map<string, MountHandler>();
  private readonly wss: WebSocketServer;

  constructor(private readonly o: HttpAppOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: o.maxSocketPayloadBytes });
  }

  /** Set in a fleet: an agent route for another machine's agent goes to that machine. */
  forward: FleetForward | null = null;

  /** Set while the remote listener serves: how its requests are let in. */
  remote: RemoteAccess | null = null;

  /**
   * Runs a route in-process for a command from the fleet: routed, validated and answered
   * exactly as a request, without the network's authentication (the caller checked the command).
   */
  async dispatch(
    call: {
      method: string;
      path: string;
      query: Record<string, string>;
      body: unknown;
    },
    origin: FleetOrigin,
  ): Promise<{ status: number; body: unknown }> {
    try {
      const m = matchPath(this.routes, call.method, call.path);
      if (m.kind !== 'found') throw appError('NOT_FOUND', { method: call.method, path: call.path });
      const result = await m.value.handler(
        {
          method: call.method,
          path: call.path,
          params: m.params,
          query: call.query,
          body: call.body,
          headers: { 'x-wtp-source': 'fleet' },
          fromFleet: true,
          origin,
        },
        { header: () => undefined },
      );
      return { status: m.value.status, body: result instanceof RawBody ? String(result.data) : result };
    } catch (err) {
      const r = toErrorResponse(err);
      if (r.internal) this.o.log.error({ err, path: call.path }, 'fleet command failed');
      return { status: r.status, body: r.body };
    }
  }

  route(method: 'GET' | 'POST' | 'DELETE', pattern: string, handler: HttpHandler, status = 200): void {
    this.routes.add(method, pattern, { handler, status });
  }

  /** Serves every request to exactly `path` with `handler` (see MountHandler). */
  mount(path: string, handler: MountHandler): void {
    this.mounts.set(path, handler);
  }

  socket(pattern: string, handler: SocketHandler): void {
    this.sockets.add('GET', pattern, handler);
  }

  /** The request listener for http.createServer. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res);
  };

  /** The 'upgrade' listener for http servers. */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      this.authorize(req, true);
      const url = requestUrl(req);
      const m = matchPath(this.sockets, 'GET', url.pathname);
      if (m.kind !== 'found') throw appError('NOT_FOUND', { webSocket: url.pathname });
      const device = (req as Marked)[REMOTE_MARK]?.device ?? null;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (device) this.remote?.track(device.name, ws);
        this.o.counters.countRequest(m.pattern, 101);
        m.value(ws, {
          path: url.pathname,
          params: m.params,
          query: parseQuery(url.search),
          headers: req.headers,
        });
      });
    } catch (err) {
      if (toErrorResponse(err).internal)
        this.o.log.error({ err, url: redactSecrets(req.url) }, 'upgrade failed');
      endWithError(socket, err);
    }
  };

  /** Closes every WebSocket (going away). */
  closeSockets(): void {
    for (const c of this.wss.clients) c.close(1001, 'daemon stopping');
    this.wss.close();
  }

  private authorize(req: IncomingMessage, upgrade: boolean): void {
    const mark = (req as Marked)[REMOTE_MARK];
    if (mark) {
      if (!this.remote) throw appError('REMOTE_OFF', {});
      mark.device = this.remote.authorize(req, upgrade);
      return;
    }
    const port = this.o.tcpPort();
    if (!originAllowed(req, port)) {
      throw appError('FORBIDDEN_ORIGIN', { origin: req.headers.origin ?? '' });
    }
    const path = requestUrl(req).pathname;
    if (!upgrade && this.mounts.has(path)) return; // it authenticates by itself
    if (!cameOverTcp(req)) return;
    if (!upgrade && isPublicPath(req.method, path)) return;
    const hookAgent = hookPathAgent(path);
    if (hookAgent !== null && hasValidToken(req, hookToken(this.o.token, hookAgent))) return;
    if (hasValidToken(req, this.o.token)) return;
    if (this.o.sessions.hasSession(req.headers.cookie, port)) {
      if (cookieRequestAllowed(req, port, upgrade)) return;
      throw appError('FORBIDDEN_ORIGIN', { origin: req.headers.origin ?? '', port });
    }
    throw appError('UNAUTHORIZED', {});
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let pattern = 'unmatched';
    const errorHeaders: Record<string, string> = {};
    try {
      this.authorize(req, false);
      const url = requestUrl(req);
      const mark = (req as Marked)[REMOTE_MARK];
      const mounted = this.mounts.get(url.pathname);
      if (mounted && mark) throw this.remote?.refuseRoute() ?? appError('REMOTE_OFF', {});
      if (mounted) {
        pattern = url.pathname;
        await mounted(req, res);
        return;
      }
      const method = req.method ?? 'GET';
      const m = matchPath(this.routes, method, url.pathname);
      if (!this.routes.serves(method)) {
        const allowed = m.kind === 'wrong-method' ? m.allowed : [...SERVED_METHODS];
        errorHeaders.allow = allowed.join(', ');
        throw appError('METHOD_NOT_ALLOWED', { method, allowed });
      }
      if (m.kind !== 'found') {
        throw appError('NOT_FOUND', {
          method,
          path: url.pathname,
          ...(m.kind === 'wrong-method' ? { allowed: m.allowed } : {}),
        });
      }
      pattern = m.pattern;
      if (mark?.device && this.remote?.never.has(m.pattern)) throw this.remote.refuseRoute();
      const body = await this.readBody(req);
      const headers: Record<string, string> = {};
      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const result = await m.value.handler(
        {
          method,
          path: url.pathname,
          params: m.params,
          query: parseQuery(url.search),
          body,
          headers: req.headers,
          signal: gone.signal,
          tcp: cameOverTcp(req),
          ...(mark ? { remote: { device: mark.device, address: req.socket.remoteAddress ?? null } } : {}),
        },
        { header: (k, v) => void (headers[k] = v) },
      );
      this.send(res, m.value.status, result, headers);
    } catch (err) {
      const r = toErrorResponse(err);
      if (r.internal) this.o.log.error({ err, url: redactSecrets(req.url) }, 'request failed');
      else if (r.status === 507 || r.body.code === 'STORAGE_FAILED')
        this.o.log.warn(
          { code: r.body.code, method: req.method, url: redactSecrets(req.url) },
          'request refused: storage',
        );
      // A refused action (an answer that was not pressed, a merge that was not made) leaves its
      // reason where a user or a kept test home can read it afterwards.
      else if (req.method !== 'GET')
        this.o.log.info(
          { code: r.body.code, method: req.method, url: redactSecrets(req.url), message: r.body.message },
          'request refused',
        );
      const format = cliFormat(req.headers);
      if (format !== null) {
        const out = errorOutput(format, r.body, req.headers);
        this.send(res, r.status, new RawBody(out.text, typeOf(format), r.status, out.headers), errorHeaders);
      } else this.send(res, r.status, r.body, errorHeaders);
    } finally {
      this.o.counters.countRequest(pattern, res.statusCode);
    }
  }

  private send(res: ServerResponse, status: number, result: unknown, headers: Record<string, string>): void {
    if (res.headersSent) return;
    const raw = result instanceof RawBody ? result : null;
    const data = raw ? raw.data : JSON.stringify(result);
    res.writeHead(raw?.status ?? status, {
      ...headers,
      ...raw?.headers,
      'content-type': raw ? raw.contentType : 'application/json; charset=utf-8',
      'content-length': typeof data === 'string' ? Buffer.byteLength(data) : data.length,
    });
    res.end(data);
  }

  /** JSON bodies only, at most bodyLimitBytes; an empty body is undefined. */
  private readBody(req: IncomingMessage): Promise<unknown> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (message: string): void => {
        req.removeAllListeners('data');
        req.resume();
        reject(new AppError('INVALID_INPUT', message, { issues: [{ path: 'body', message }] }));
      };
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > this.o.bodyLimitBytes) fail(`the body is larger than ${this.o.bodyLimitBytes} bytes`);
        else chunks.push(c);
      });
      req.on('error', reject);
      req.on('end', () => {
        if (size > this.o.bodyLimitBytes) return;
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') return resolve(undefined);
        const type = req.headers['content-type'] ?? '';
        if (!/^application\/json\b/i.test(type))
          return fail('the body must be JSON (content-type: application/json)');
        try {
          resolve(JSON.parse(text) as unknown);
        } catch {
          fail('the body is not valid JSON');
        }
      });
    });
  }
}
