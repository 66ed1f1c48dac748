import type { IncomingMessage } from 'node:http';
import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import { DEVICE_COOKIE, type RemoteDevice } from '../../protocol/remote.js';
import { ROUTE_PATHS } from '../../protocol/route-paths.js';
import { cookieValues } from '../server/dashboard-auth.js';

/** Paths a phone reaches before it is paired: the pairing page and its form, the CA's root. */
const PUBLIC = new Set([
  'GET /remote/pair',
  'GET /remote/pair.js',
  'POST /remote/pair',
  'GET /remote/ca.crt',
]);

/**
 * Route patterns a paired device may never use, judged on the route matched (not the path as
 * written, which %-escapes can disguise): the remote settings and pairing, agent hooks, the
 * local sign-in. Mounted paths (MCP) authenticate by themselves and are never served remotely.
 */
export const DEVICE_NEVER = new Set<string>([
  ...Object.entries(ROUTE_PATHS)
    .filter(([name]) => name.startsWith('remote') || name === 'agentHook' || name === 'dashboardLink')
    .map(([, r]) => r.path),
  '/dashboard/login',
]);

/** A device asked for a route it may never use. */
export const deviceMayNot = (): AppError => appError('REMOTE_FORBIDDEN', { reason: 'route' });

/**
 * Who may use the remote listener, asked of every request and WebSocket upgrade:
 * - the Host is one of the listener's own (a DNS-rebound name reaches the same socket but not this);
 * - a browser's Origin, when sent, is the listener's own, and a state change or upgrade must send it;
 * - `Sec-Fetch-Site`, when sent, is same-origin (or none: an address typed, an installed app opened);
 * - then a paired device's cookie, except on the pairing paths. The API token is never taken here:
 *   it does not cross the network.
 * Returns the device, or null for a public path.
 */
export function authorizeRemote(
  req: IncomingMessage,
  o: { hosts: readonly string[]; verify(credential: string): RemoteDevice | null },
  upgrade: boolean,
): RemoteDevice | null {
  const host = req.headers.host ?? '';
  if (!o.hosts.includes(host))
    throw appError('REMOTE_FORBIDDEN', { reason: 'host', host: host.slice(0, 100) });
  const origin = req.headers.origin;
  const own = `https://${host}`;
  if (origin !== undefined && origin !== own)
    throw appError('REMOTE_FORBIDDEN', { reason: 'origin', origin: origin.slice(0, 100) });
  const method = req.method ?? 'GET';
  const reads = !upgrade && (method === 'GET' || method === 'HEAD');
  if (!reads && origin === undefined) throw appError('REMOTE_FORBIDDEN', { reason: 'origin', method });
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && !(reads && site === 'none'))
    throw appError('REMOTE_FORBIDDEN', { reason: 'cross-site', site: site.slice(0, 100) });
  if (!upgrade && PUBLIC.has(`${method} ${pathOf(req)}`)) return null;
  for (const value of cookieValues(req.headers.cookie, DEVICE_COOKIE)) {
    const device = o.verify(value);
    if (device) return device;
  }
  throw appError('UNAUTHORIZED', { host });
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'https://remote.invalid').pathname;
  } catch {
    return '/';
  }
}

/** The Set-Cookie that makes a browser a paired device: HttpOnly, Secure, SameSite=Strict, 400 days. */
export function deviceCookie(credential: string): string {
  return `${DEVICE_COOKIE}=${credential}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=34560000`;
}
