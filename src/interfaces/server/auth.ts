import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Requests that arrived over TCP are marked by the TCP listener; the unix socket is trusted (0600). */
export const TCP_MARK = Symbol('wtp.tcp');

export function cameOverTcp(req: IncomingMessage): boolean {
  return (req as IncomingMessage & { [TCP_MARK]?: boolean })[TCP_MARK] === true;
}

export function markTcp(req: IncomingMessage): void {
  (req as IncomingMessage & { [TCP_MARK]?: boolean })[TCP_MARK] = true;
}

/**
 * The token an agent's hooks present (Claude Code http hooks over TCP): derived from the API
 * token and the agent id, so it allows posting that agent's hook calls and nothing else.
 */
export function hookToken(apiToken: string, agentId: string): string {
  return createHmac('sha256', apiToken).update(`wtp-hook:${agentId}`).digest('base64url');
}

/**
 * The token an agent gets for wezterm-parallel's MCP server (`wtp new --mcp`): `<agent id>.<mac>`,
 * the mac derived from the API token and the id (as the hook token is), so the daemon keeps no
 * list of them and a token names the one agent it was made for. It opens `/mcp` only.
 */
export function mcpToken(apiToken: string, agentId: string): string {
  const mac = createHmac('sha256', apiToken).update(`wtp-mcp:${agentId}`).digest('base64url');
  return `${agentId}.${mac}`;
}

/** Agent ids as the daemon makes them (`ag-` and 10 of its alphabet), with room to spare. */
const MCP_TOKEN = /^(ag-[a-z0-9]{1,32})\.([A-Za-z0-9_-]{43})$/;

/**
 * The agent a presented MCP token was made for, or null when it is no token of this daemon's
 * (forged, cut, another daemon's, another agent's id with this one's mac). Constant time in the mac.
 */
export function mcpTokenAgent(apiToken: string, presented: string): string | null {
  if (presented.length > 128) return null;
  const m = MCP_TOKEN.exec(presented);
  if (!m?.[1]) return null;
  const given = Buffer.from(presented);
  const want = Buffer.from(mcpToken(apiToken, m[1]));
  return given.length === want.length && timingSafeEqual(given, want) ? m[1] : null;
}

/** The bearer token of a request, or null without an `Authorization: Bearer` header. */
export function bearerOf(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? null;
}

const HOOK_PATH = /^\/api\/v1\/hooks\/([^/]+)$/;

/** The agent id of a hook path, or null. */
export function hookPathAgent(path: string): string | null {
  const m = HOOK_PATH.exec(path);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function hasValidToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Browsers send Origin on WebSocket upgrades and cross-site requests; only the daemon's
 * own origin (127.0.0.1 or localhost on its port) may talk to it. Non-browser clients
 * send no Origin.
 */
export function originAllowed(req: IncomingMessage, port: number | null): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return port !== null && ownOrigins(port).includes(origin);
}

/** The daemon's own origins: what its dashboard page runs on. */
function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/**
 * A request signed in by the dashboard cookie must come from the dashboard page itself: the browser
 * attaches the cookie to any page's requests (an `<img>` on another port of 127.0.0.1 is same-site,
 * so SameSite=Strict does not stop it). So the Host must be the daemon's (no DNS rebinding),
 * `Sec-Fetch-Site` `same-origin` (sent on every request since Chrome 76, Firefox 90, Safari 16.4, so
 * a request without it is refused; Chromium sends none on a WebSocket handshake, judged by its Origin
 * and by the header if present), and anything but a plain GET must carry the daemon's own Origin.
 * The sign-in link needs no cookie; bearer-token and unix-socket clients never get here.
 */
export function cookieRequestAllowed(req: IncomingMessage, port: number | null, upgrade: boolean): boolean {
  if (port === null) return false;
  const own = ownOrigins(port);
  if (!own.includes(`http://${req.headers.host ?? ''}`)) return false;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined ? site !== 'same-origin' : !upgrade) return false;
  if (!upgrade && (req.method === 'GET' || req.method === 'HEAD')) return true;
  return req.headers.origin !== undefined && own.includes(req.headers.origin);
}

/** The dashboard's page, its files and its sign-in need no token: they hold no data. */
export function isPublicPath(method: string | undefined, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && (path === '/dashboard' || path.startsWith('/dashboard/'));
}
