import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Requests that arrived over TCP are marked by the TCP listener; the unix socket is trusted (0600). */
export const TCP_MARK = Symbol('wtp.tcp');

export function cameOverTcp(req: IncomingMessage): boolean {
  return (req as IncomingMessage & { [TCP_MARK]?: boolean })[TCP_MARK] === true;
}

export function markTcp(req: IncomingMessage): void {
  (req as IncomingMessage & { [TCP_MARK]?: boolean })[TCP_MARK] = true;
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
  if (port === null) return false;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
