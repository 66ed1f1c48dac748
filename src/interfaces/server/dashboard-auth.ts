import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/ports/daemon.js';
import { sessionCookieName } from '../../protocol/dashboard.js';

/** How long a one-time sign-in link works. */
export const LINK_TTL_MS = 60_000;
/** How long a dashboard session lasts (fixed from sign-in, not sliding). */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** A cap, so a caller minting links in a loop cannot grow the daemon's memory. */
const MAX_PENDING_CODES = 64;

/** Secrets are kept as their SHA-256, so lookups never compare the secret itself. */
const digest = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
const secret = (): string => randomBytes(32).toString('base64url');

/** Keeps the entries that have not expired and at most `max - 1` of them (oldest dropped first). */
function prune(map: Map<string, number>, now: number, max: number): void {
  for (const [k, expiresAt] of map) if (expiresAt <= now) map.delete(k);
  for (const k of map.keys()) {
    if (map.size < max) break;
    map.delete(k);
  }
}

/**
 * The dashboard's sign-in: one-time codes (32 random bytes, 60 s, single use, in memory) and
 * the sessions they open (12 h). A session is `<port>.<expiry>.<nonce>.<mac>` in the cookie
 * `wtp_session_<port>`, signed with an HMAC keyed by the API token over the port, the expiry and
 * the nonce: it survives a daemon restart on the same port (the page reconnects and resumes), is
 * refused by a daemon on any other port, and ends at its expiry or when the token is rotated.
 * Nothing here is ever logged.
 */
export class DashboardAuth {
  private readonly codes = new Map<string, number>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    /** The API token: the key of the session signatures. */
    private readonly key: string,
    private readonly ttl: { linkMs: number; sessionMs: number } = {
      linkMs: LINK_TTL_MS,
      sessionMs: SESSION_TTL_MS,
    },
  ) {}

  /** A new one-time code and when it stops working. */
  issueCode(): { code: string; expiresAt: number } {
    const now = this.clock.now();
    prune(this.codes, now, MAX_PENDING_CODES);
    const code = secret();
    const expiresAt = now + this.ttl.linkMs;
    this.codes.set(digest(code), expiresAt);
    return { code, expiresAt };
  }

  /**
   * Spends a code: a session for the daemon on `port` if the code was valid (unused,
   * unexpired), else null.
   */
  redeem(code: string, port: number): { sessionId: string; maxAgeSeconds: number } | null {
    const now = this.clock.now();
    const key = digest(code);
    const expiresAt = this.codes.get(key);
    this.codes.delete(key);
    if (expiresAt === undefined || expiresAt <= now) return null;
    const body = `${port}.${now + this.ttl.sessionMs}.${secret()}`;
    return { sessionId: `${body}.${this.mac(body)}`, maxAgeSeconds: Math.floor(this.ttl.sessionMs / 1000) };
  }

  /** Whether the Cookie header carries a live session of the daemon on `port`. */
  hasSession(cookieHeader: string | undefined, port: number | null): boolean {
    if (port === null) return false;
    const now = this.clock.now();
    for (const id of cookieValues(cookieHeader, sessionCookieName(port))) {
      const m = /^(\d{1,5})\.(\d{1,16})\.([\w-]{43})\.([\w-]{43})$/.exec(id);
      if (!m?.[2] || !m[4] || m[1] !== String(port)) continue;
      const expiresAt = Number(m[2]);
      if (expiresAt <= now || expiresAt > now + this.ttl.sessionMs) continue;
      const given = Buffer.from(m[4]);
      const want = Buffer.from(this.mac(`${m[1]}.${m[2]}.${m[3]}`));
      if (given.length === want.length && timingSafeEqual(given, want)) return true;
    }
    return false;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`wtp-dashboard-session:${body}`).digest('base64url');
  }
}

/** Every value of cookie `name` in a Cookie header (a browser may send the name more than once). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    if (value !== '') out.push(value);
  }
  return out;
}

/** The Set-Cookie value that signs a browser in to the daemon on `port`. */
export function sessionCookie(port: number, sessionId: string, maxAgeSeconds: number): string {
  return `${sessionCookieName(port)}=${sessionId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}

/** A request URL fit for the log: the one-time code of a sign-in link replaced. */
export function redactSecrets(url: string | undefined): string | undefined {
  return url?.replace(/([?&]code=)[^&#]*/gi, '$1[redacted]');
}
