import { buildPath, ROUTE_PATHS, type RouteName } from '../protocol/route-paths.js';
import type { RouteInput, RouteResponse } from '../protocol/routes.js';
import { queryString } from './query-string.js';
import { AppError } from '../protocol/app-error.js';
import { appError } from '../protocol/error-messages.js';

/**
 * The daemon's REST API from a browser page (the dashboard): same origin, authenticated by the
 * HttpOnly session cookie that `wtp dashboard`'s one-time link set, so the page never holds a
 * token. The same route table as the CLI's `WtpClient`, over `fetch`.
 */
export class FetchClient {
  constructor(private readonly base = '') {}

  async call<N extends RouteName>(name: N, input: Partial<RouteInput<N>> = {}): Promise<RouteResponse<N>> {
    const def = ROUTE_PATHS[name];
    const path =
      buildPath(def.path, input.params as Record<string, string> | undefined) + queryString(input.query);
    const init: RequestInit = {
      method: def.method,
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    };
    if (def.method === 'POST') {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(input.body ?? {});
    }
    let res: Response;
    try {
      res = await fetch(this.base + path, init);
    } catch (err) {
      throw appError('DAEMON_UNREACHABLE', { error: (err as Error).message });
    }
    if ('raw' in def && res.ok) return new Uint8Array(await res.arrayBuffer()) as RouteResponse<N>;
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) throw AppError.fromBody(res.status, body);
    return body as RouteResponse<N>;
  }
}
