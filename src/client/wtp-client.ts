import { request } from 'node:http';
import { buildPath, ROUTE_PATHS, type RouteName } from '../protocol/route-paths.js';
import type { RouteInput, RouteResponse } from '../protocol/routes.js';
import { queryString } from './query-string.js';
import { AppError } from '../protocol/app-error.js';
import { appError } from '../protocol/error-messages.js';

export interface ClientOptions {
  /** Talk over the daemon's unix socket (no token needed)… */
  socketPath?: string;
  /** …or over TCP, e.g. http://127.0.0.1:7537, with the bearer token. */
  baseUrl?: string;
  token?: string;
  /** Recorded as the source of events this client causes. */
  source?: 'cli' | 'api';
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Typed client of the daemon's REST API (the route table in protocol/routes.ts). */
export class WtpClient {
  constructor(private readonly opts: ClientOptions) {}

  async call<N extends RouteName>(name: N, input: Partial<RouteInput<N>> = {}): Promise<RouteResponse<N>> {
    const res = await this.raw(name, input);
    if ('raw' in ROUTE_PATHS[name]) return new Uint8Array(res.body) as RouteResponse<N>;
    return JSON.parse(res.body.toString('utf8')) as RouteResponse<N>;
  }

  /** Calls a route and returns status, headers and body; errors become AppError. */
  raw<N extends RouteName>(name: N, input: Partial<RouteInput<N>> = {}): Promise<RawResponse> {
    const def = ROUTE_PATHS[name];
    const path =
      buildPath(def.path, input.params as Record<string, string> | undefined) + queryString(input.query);
    const body = def.method === 'POST' ? JSON.stringify(input.body ?? {}) : undefined;
    return this.send(def.method, path, body);
  }

  /** Where a WebSocket for `path` connects, in the form the `ws` package takes. */
  socketUrl(
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
  ): {
    url: string;
    headers: Record<string, string>;
  } {
    const qs = queryString(query);
    if (this.opts.socketPath) return { url: `ws+unix://${this.opts.socketPath}:${path}${qs}`, headers: {} };
    const base = (this.opts.baseUrl ?? '').replace(/^http/, 'ws');
    return { url: `${base}${path}${qs}`, headers: this.authHeaders() };
  }

  private authHeaders(): Record<string, string> {
    return this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {};
  }

  private send(method: string, path: string, body: string | undefined): Promise<RawResponse> {
    const headers: Record<string, string> = {
      ...this.authHeaders(),
      'x-wtp-source': this.opts.source ?? 'api',
      accept: 'application/json',
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    // A connection per request on the socket (it costs little there): one kept for reuse by
    // Node's default agent outlives a daemon that was killed, and the next request written to it
    // fails (EPIPE) although a new daemon listens.
    const target = this.opts.socketPath
      ? { socketPath: this.opts.socketPath, path, agent: false as const }
      : (() => {
          const u = new URL(path, this.opts.baseUrl);
          return { host: u.hostname, port: u.port, path: u.pathname + u.search };
        })();
    return new Promise((resolve, reject) => {
      const req = request({ ...target, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve({ status, headers: res.headers, body: buf });
            return;
          }
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(buf.toString('utf8'));
          } catch {
            // not JSON
          }
          reject(AppError.fromBody(status, parsed));
        });
      });
      // Once a request that changes something has reached the daemon, a lost answer does not
      // mean it was not done: say so, and how to find out, instead of "unreachable".
      let delivered = false;
      req.on('finish', () => {
        delivered = method !== 'GET';
      });
      // `reason`: why the connection ended (absent: the daemon did not answer in time).
      const unknownOutcome = (reason?: string): AppError =>
        appError('REQUEST_OUTCOME_UNKNOWN', { method, path, route: path.split('?')[0] ?? path, reason });
      req.setTimeout(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
        req.destroy(delivered ? unknownOutcome() : appError('DAEMON_UNREACHABLE', {}));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof AppError) reject(err);
        else if (delivered) reject(unknownOutcome(err.message));
        else if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
          reject(appError('DAEMON_NOT_RUNNING', { socket: this.opts.socketPath ?? this.opts.baseUrl }));
        } else reject(appError('DAEMON_UNREACHABLE', { error: err.message }));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
